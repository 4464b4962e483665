// The webmail's JSON API under /api/webmail/mailboxes/:mailboxId/ (issue 5, SPEC R4, R17, R22, R25):
// thin steps in front of WebmailService, documented route by route in wire.ts. Before any route runs,
// and before a request body is read, the server's `authorise` decides whether the signed-in person may
// use the mailbox (it answers 404 when not, so mailbox ids cannot be probed, and checks CSRF on
// requests that change something); the mailbox it returns is the only one the routes act on.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import type { Mailbox } from '../../identity/types.ts';
import type { WebmailContext } from '../../mail/webmail/types.ts';
import type { WebmailService } from '../../mail/webmail/webmail-service.ts';
import { ApiError, apiErrorHandler, apiNotFoundHandler } from '../shared/api-errors.ts';
import { composeRoutes } from './compose-routes.ts';
import { messageRoutes } from './message-routes.ts';
import { peopleRoutes } from './people-routes.ts';
import { parse, schemas } from './request-schemas.ts';
import { mailboxJson } from './webmail-json.ts';
import type { ErrorJson, FoldersJson, MailboxJson } from './wire.ts';

export interface WebmailAuthorisation {
  mailbox: Mailbox;
  /** The person acting (their Passage ID address): the audit log names them. */
  actor: string;
  remoteAddress: string;
}

export interface WebmailRoutesOptions {
  service: WebmailService;
  /** Throws (a 404-type error) when the signed-in person may not use the mailbox; checks CSRF for
   * requests other than GET/HEAD. */
  authorise: (request: FastifyRequest, mailboxId: number) => Promise<WebmailAuthorisation>;
}

/** What a route handler gets: the service and who acts on which mailbox. */
export interface WebmailRouteContext {
  service: WebmailService;
  context(request: FastifyRequest): WebmailContext;
}

/** Register with `{ prefix: '/api/webmail', service, authorise }`. */
export const webmailRoutes: FastifyPluginAsync<WebmailRoutesOptions> = async (api, { service, authorise }) => {
  if (!api.hasRequestDecorator('isMultipart')) await api.register(fastifyMultipart);
  apiErrorHandler(api, 'webmail');
  apiNotFoundHandler(api, 'No such webmail API route');

  const contexts = new WeakMap<FastifyRequest, WebmailContext>();
  api.addHook('onRequest', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const params = request.params as { mailboxId?: string };
    // A path without a mailbox is no route of ours; the not-found handler answers it.
    if (params.mailboxId === undefined) return;
    if (!/^\d{1,10}$/.test(params.mailboxId)) throw notFound();
    const { mailboxId } = parse(schemas.mailboxParams, params, 'mailbox');
    const authorised = await authorise(request, mailboxId);
    // Whatever the authoriser returns, the routes act on the mailbox the URL names and no other.
    if (authorised.mailbox.id !== mailboxId) throw notFound();
    contexts.set(request, { mailbox: authorised.mailbox, actor: authorised.actor, remoteAddress: authorised.remoteAddress });
  });

  const routes: WebmailRouteContext = {
    service,
    context(request) {
      const context = contexts.get(request);
      if (!context) throw notFound();
      return context;
    },
  };

  await api.register(async (mailbox: FastifyInstance) => {
    mailbox.get('/', async (request): Promise<MailboxJson> => mailboxJson(routes.context(request).mailbox, service.maxMessageBytes));
    mailbox.get('/folders', async (request): Promise<FoldersJson> => ({ folders: await service.folders(routes.context(request)) }));
    await messageRoutes(mailbox, routes);
    await composeRoutes(mailbox, routes);
    await peopleRoutes(mailbox, routes);
  }, { prefix: '/mailboxes/:mailboxId' });
};

function notFound(): ApiError<ErrorJson> {
  return new ApiError<ErrorJson>(404, { error: 'not-found', message: 'No such mailbox' });
}
