// "Mailboxen beheren" (SPEC R2–R5): the signed-in person's linked mailboxes, linking one with its
// activation data, a new Hosted Mail Key (shown once), and each mailbox's client settings. Every
// route under /:id checks the link first: another person's mailbox is "not found", exactly like one
// that does not exist.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { sendMobileconfig } from '../client-setup/client-setup-routes.ts';
import { mailboxJson, schemas } from './portal-json.ts';
import { actorOf, clientOf, positiveId, signedIn } from './portal-api.ts';
import type { PortalServices } from './portal-services.ts';
import type { ClientSettingsJson, HostedMailKeyJson, LinkMailboxJson, MailboxJson } from './wire.ts';

type IdParams = { id: string };

export const portalMailboxApi: FastifyPluginAsync<{ services: PortalServices }> = async (api, { services }) => {
  const { passage } = services;

  const linkedMailbox = async (request: FastifyRequest<{ Params: IdParams }>) => {
    const { account } = await signedIn(request, services);
    return { account, mailbox: await passage.requireLinkedMailbox(account, positiveId(request.params.id)) };
  };

  api.get('/', async (request): Promise<{ mailboxes: MailboxJson[] }> => {
    const { account } = await signedIn(request, services);
    return { mailboxes: (await passage.linkedMailboxes(account.id)).map(mailboxJson) };
  });

  api.post<{ Body: LinkMailboxJson }>('/link', { bodyLimit: 1024, schema: { body: schemas.link } }, async (request): Promise<MailboxJson> => {
    const { account } = await signedIn(request, services);
    return mailboxJson(await passage.linkMailbox(account, request.body, clientOf(request)));
  });

  api.delete<{ Params: IdParams }>('/:id', async (request) => {
    const { account, mailbox } = await linkedMailbox(request);
    await passage.unlinkMailbox(account, mailbox.id, actorOf(account, request));
    return { ok: true };
  });

  // SPEC R3: the key is in this one answer and nowhere else; the previous key stops working.
  api.post<{ Params: IdParams }>('/:id/key', async (request): Promise<HostedMailKeyJson> => {
    const { account } = await signedIn(request, services);
    const { key, mailbox } = await passage.generateHostedMailKey(account, positiveId(request.params.id), clientOf(request));
    return { key, klantnummer: mailbox.klantnummer, address: mailbox.address };
  });

  api.get<{ Params: IdParams }>('/:id/settings', async (request): Promise<ClientSettingsJson> => {
    const { mailbox } = await linkedMailbox(request);
    return services.clientSettings(mailbox);
  });

  api.get<{ Params: IdParams }>('/:id/profile.mobileconfig', async (request, reply) => {
    const { mailbox } = await linkedMailbox(request);
    return sendMobileconfig(reply, services.clientSettings(mailbox));
  });
};
