// Sending and drafts: the compose form as JSON or multipart with files (compose-upload.ts), handed to
// the webmail service, which sends it as the mailbox's own submission. See wire.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ComposeInput } from '../../mail/webmail/types.ts';
import { readComposeForm } from './compose-upload.ts';
import { parse, schemas } from './request-schemas.ts';
import { draftJson, sentJson } from './webmail-json.ts';
import type { WebmailRouteContext } from './webmail-routes.ts';
import type { DraftJson, DraftSavedJson, SentJson } from './wire.ts';

export async function composeRoutes(app: FastifyInstance, { service, context }: WebmailRouteContext): Promise<void> {
  // A JSON form carries text and HTML but no files: the limit of a whole message is plenty.
  const bodyLimit = service.maxMessageBytes + 1024 * 1024;

  async function composeInput(request: FastifyRequest): Promise<ComposeInput> {
    const { form, files } = await readComposeForm(request, service.maxMessageBytes);
    return {
      to: form.to,
      cc: form.cc ?? [],
      bcc: form.bcc ?? [],
      subject: form.subject,
      text: form.text,
      html: form.html,
      inReplyTo: form.inReplyTo,
      references: form.references,
      origin: form.origin,
      storedAttachments: form.storedAttachments,
      attachments: files,
      secure: form.secure,
      draftUid: form.draftUid,
    };
  }

  app.post('/send', { bodyLimit }, async (request): Promise<SentJson> => {
    return sentJson(await service.send(context(request), await composeInput(request)));
  });

  app.post('/drafts', { bodyLimit }, async (request): Promise<DraftSavedJson> => {
    const saved = await service.saveDraft(context(request), await composeInput(request));
    return { folderId: saved.folderId, uid: saved.uid };
  });

  app.get('/drafts/:uid', async (request): Promise<DraftJson> => {
    const { uid } = parse(schemas.draftParams, request.params, 'draft');
    return draftJson(await service.openDraft(context(request), uid));
  });
}
