// Folders' messages: the list and search pages, reading one message (JSON, its sanitised HTML for the
// frame, its files, the raw .eml), and flags, moves and deletes. See wire.ts for each route's shape.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../shared/api-errors.ts';
import { parse, schemas } from './request-schemas.ts';
import { bodyHtmlCsp, bodyHtmlDocument, sendDownload } from './responses.ts';
import { messageJson, pageJson } from './webmail-json.ts';
import type { WebmailRouteContext } from './webmail-routes.ts';
import type { DeletedJson, ErrorJson, FlagsChangedJson, MessageJson, MessagePageJson, MovedJson } from './wire.ts';

export async function messageRoutes(app: FastifyInstance, { service, context }: WebmailRouteContext): Promise<void> {
  app.get('/folders/:folderId/messages', async (request): Promise<MessagePageJson> => {
    const { folderId } = parse(schemas.folderParams, request.params, 'folder');
    const query = parse(schemas.listQuery, request.query, 'query');
    return pageJson(await service.list(context(request), folderId, query));
  });

  app.get('/folders/:folderId/search', async (request): Promise<MessagePageJson> => {
    const { folderId } = parse(schemas.folderParams, request.params, 'folder');
    const query = parse(schemas.searchQuery, request.query, 'query');
    return pageJson(await service.search(context(request), folderId, { query: query.q, scope: query.in, limit: query.limit, offset: query.offset, after: query.after, order: query.order }));
  });

  app.get('/folders/:folderId/messages/:uid', async (request): Promise<MessageJson> => {
    const { folderId, uid } = parse(schemas.messageParams, request.params, 'message');
    const { peek } = parse(schemas.readQuery, request.query, 'query');
    return messageJson(await service.read(context(request), folderId, uid, { peek }));
  });

  app.get('/folders/:folderId/messages/:uid/body.html', async (request, reply) => {
    const { folderId, uid } = parse(schemas.messageParams, request.params, 'message');
    const { images } = parse(schemas.htmlQuery, request.query, 'query');
    const result = await service.html(context(request), folderId, uid, {
      allowRemoteImages: images,
      // Relative to this document (…/messages/:uid/body.html).
      cidUrl: (part) => `parts/${part}`,
    });
    if (result === null) throw new ApiError<ErrorJson>(404, { error: 'not-found', message: 'This message has no HTML version' });
    return reply
      .type('text/html; charset=utf-8')
      .header('Content-Security-Policy', bodyHtmlCsp(images))
      .header('Referrer-Policy', 'no-referrer')
      .send(bodyHtmlDocument(result.html));
  });

  app.get('/folders/:folderId/messages/:uid/parts/:part', async (request, reply) => {
    const { folderId, uid, part } = parse(schemas.partParams, request.params, 'attachment');
    return sendDownload(reply, await service.attachment(context(request), folderId, uid, part));
  });

  app.get('/folders/:folderId/messages/:uid/raw', async (request, reply) => {
    const { folderId, uid } = parse(schemas.messageParams, request.params, 'message');
    return sendDownload(reply, await service.raw(context(request), folderId, uid));
  });

  app.post('/folders/:folderId/flags', async (request): Promise<FlagsChangedJson> => {
    const { folderId } = parse(schemas.folderParams, request.params, 'folder');
    const body = parse(schemas.flags, request.body, 'request');
    return { changed: await service.setFlags(context(request), folderId, body.uids, { add: body.add, remove: body.remove }) };
  });

  app.post('/folders/:folderId/move', async (request): Promise<MovedJson> => {
    const { folderId } = parse(schemas.folderParams, request.params, 'folder');
    const body = parse(schemas.move, request.body, 'request');
    const result = await service.move(context(request), folderId, body.uids, body.to);
    return { folderId: result.folderId, uidValidity: result.uidValidity, moved: result.moved };
  });

  app.post('/folders/:folderId/delete', async (request): Promise<DeletedJson> => {
    const { folderId } = parse(schemas.folderParams, request.params, 'folder');
    const body = parse(schemas.uids, request.body, 'request');
    const result = await service.delete(context(request), folderId, body.uids);
    return result.permanent
      ? { permanent: true, expunged: result.expunged }
      : { permanent: false, folderId: result.folderId, uidValidity: result.uidValidity, moved: result.moved };
  });
}
