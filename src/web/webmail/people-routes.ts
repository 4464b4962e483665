// Who a message goes to: each recipient's class for the compose screen, address completion from the
// community directory, and the Viewer messages the mailbox sent (status, revoke). See wire.ts.
import type { FastifyInstance } from 'fastify';
import { parse, schemas } from './request-schemas.ts';
import { recipientChecksJson, viewerStatusJson } from './webmail-json.ts';
import type { WebmailRouteContext } from './webmail-routes.ts';
import type { DirectoryMatchesJson, RecipientChecksJson, ViewerMessagesJson, ViewerStatusJson } from './wire.ts';

export async function peopleRoutes(app: FastifyInstance, { service, context }: WebmailRouteContext): Promise<void> {
  // A POST only because the list can be long; nothing changes (the CSRF check costs the app nothing).
  app.post('/recipients', async (request): Promise<RecipientChecksJson> => {
    const body = parse(schemas.recipients, request.body, 'request');
    const checks = await service.checkRecipients(context(request), body.addresses, { requested: body.secure ?? false, mobiles: body.mobiles });
    return recipientChecksJson(checks);
  });

  app.get('/directory', async (request): Promise<DirectoryMatchesJson> => {
    const { q } = parse(schemas.directoryQuery, request.query, 'query');
    const matches = await service.completeAddress(context(request), q);
    return { matches: matches.map((m) => ({ name: m.name, address: m.address, organisation: m.organisation, kind: m.kind })) };
  });

  app.get('/viewer', async (request): Promise<ViewerMessagesJson> => {
    const { limit, before } = parse(schemas.viewerQuery, request.query, 'query');
    return { messages: (await service.viewerMessages(context(request), { limit, beforeId: before })).map(viewerStatusJson) };
  });

  app.get('/viewer/:id', async (request): Promise<ViewerStatusJson> => {
    const { id } = parse(schemas.viewerParams, request.params, 'Viewer message');
    return viewerStatusJson(await service.viewerMessage(context(request), id));
  });

  app.post('/viewer/:id/revoke', async (request): Promise<ViewerStatusJson> => {
    const { id } = parse(schemas.viewerParams, request.params, 'Viewer message');
    return viewerStatusJson(await service.revokeViewerMessage(context(request), id));
  });
}
