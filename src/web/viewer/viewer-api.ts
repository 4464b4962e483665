// The Viewer's JSON API under /api/viewer/:link/ (SPEC R15, R24, R25): the landing, the access code,
// the session cookie, the message, its downloads, the secure reply and sign-out, each a thin step in
// front of ViewerAccess. The link is checked before anything else (a malformed one never reaches the
// service), every POST must carry X-Zorgpost-Viewer: 1 (a cross-site form cannot set it, and a
// cross-site script cannot without a CORS preflight we never answer), and nothing is cached.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
// RFC 4648 §5 base64url of 128 random bits: 22 characters.
import { LINK_PATTERN } from '../../secure/viewer-context.ts';
import type { CodeCheckResult, CodeRequestResult, ViewerAccess, ViewerSession } from '../../secure/types.ts';
import { apiNotFoundHandler } from '../shared/api-errors.ts';
import { requestContext, requireCsrfHeader } from '../shared/request.ts';
import { sendDownload } from './downloads.ts';
import { ViewerApiError, notFound, viewerErrorHandler } from './errors.ts';
import { readReply } from './reply-upload.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session-cookie.ts';
import { codeSentJson, landingJson, messageJson, schemas } from './viewer-json.ts';
import { CSRF_HEADER, type ReplySentJson } from './wire.ts';

/** The HTML body in its frame: no script, no form, nothing remote (tracking pixels stay dark). */
const BODY_HTML_CSP =
  "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'";

type LinkParams = { link: string };

export interface ViewerApiOptions {
  access: ViewerAccess;
}

/** Register with `{ prefix: '/api/viewer/:link', access }`. */
export const viewerApi: FastifyPluginAsync<ViewerApiOptions> = async (api, { access }) => {
  if (!api.hasRequestDecorator('cookies')) await api.register(fastifyCookie);
  if (!api.hasRequestDecorator('isMultipart')) await api.register(fastifyMultipart);
  viewerErrorHandler(api);

  api.addHook('onRequest', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const { link } = request.params as Partial<LinkParams>;
    if (!link || !LINK_PATTERN.test(link)) throw notFound();
    requireCsrfHeader(request, CSRF_HEADER);
  });

  /** The verified session for this link, or a 401. */
  async function sessionOf(
    request: FastifyRequest<{ Params: LinkParams }>,
  ): Promise<{ session: ViewerSession; token: string }> {
    const token = sessionToken(request);
    const session = token ? await access.session(request.params.link, token) : null;
    if (!session || !token)
      throw new ViewerApiError(401, { error: 'no-session', message: 'Enter the access code first' });
    return { session, token };
  }

  api.get<{ Params: LinkParams }>('/', { schema: { response: { 200: schemas.landing } } }, async (request) => {
    const landing = await access.describe(request.params.link);
    if (!landing) throw notFound();
    const token = sessionToken(request);
    const signedIn = token !== null && (await access.session(request.params.link, token)) !== null;
    return landingJson(landing, signedIn);
  });

  api.post<{ Params: LinkParams }>('/code', { schema: { response: { 200: schemas.codeSent } } }, async (request) => {
    const result = await access.requestCode(request.params.link, requestContext(request));
    if (!result.ok) throw codeRequestRefused(result);
    return codeSentJson(result);
  });

  api.post<{ Params: LinkParams; Body: { code: string } }>(
    '/session',
    { bodyLimit: 1024, schema: { body: schemas.codeBody, response: { 200: schemas.session } } },
    async (request, reply) => {
      const result = await access.checkCode(request.params.link, request.body.code, requestContext(request));
      if (!result.ok) throw codeCheckRefused(result);
      setSessionCookie(reply, request.params.link, result.sessionToken, result.sessionExpiresAt);
      return { expiresAt: result.sessionExpiresAt.toISOString() };
    },
  );

  api.get<{ Params: LinkParams }>('/message', { schema: { response: { 200: schemas.message } } }, async (request) => {
    const { session } = await sessionOf(request);
    return messageJson(await access.read(session, requestContext(request)));
  });

  api.get<{ Params: LinkParams }>('/body.html', async (request, reply) => {
    const { session } = await sessionOf(request);
    const html = await access.html(session);
    if (html === null)
      throw new ViewerApiError(404, { error: 'not-found', message: 'This message has no HTML version' });
    return reply.type('text/html; charset=utf-8').header('Content-Security-Policy', BODY_HTML_CSP).send(html);
  });

  api.get<{ Params: LinkParams & { index: string } }>('/attachments/:index', async (request, reply) => {
    const { session } = await sessionOf(request);
    if (!/^\d{1,6}$/.test(request.params.index))
      throw new ViewerApiError(404, { error: 'not-found', message: 'No such attachment' });
    return sendDownload(reply, await access.attachment(session, Number(request.params.index), requestContext(request)));
  });

  for (const format of ['eml', 'pdf'] as const) {
    api.get<{ Params: LinkParams }>(`/copy.${format}`, async (request, reply) => {
      const { session } = await sessionOf(request);
      return sendDownload(reply, await access.ownCopy(session, format, requestContext(request)));
    });
  }

  api.post<{ Params: LinkParams }>('/reply', { schema: { response: { 200: schemas.replySent } } }, async (request) => {
    const { session } = await sessionOf(request);
    const reply = await readReply(request);
    await access.reply(session, reply, requestContext(request));
    const sent: ReplySentJson = { at: new Date().toISOString(), attachmentCount: reply.attachments.length };
    return sent;
  });

  api.post<{ Params: LinkParams }>('/logout', async (request, reply) => {
    // Signing out always forgets the cookie, even when its session has already gone.
    const token = sessionToken(request);
    const session = token ? await access.session(request.params.link, token) : null;
    if (session && token) await access.endSession(session, token);
    clearSessionCookie(reply, request.params.link);
    return reply.code(204).send();
  });

  apiNotFoundHandler(api, 'No such Viewer API route');
};

function codeRequestRefused(result: Extract<CodeRequestResult, { ok: false }>): ViewerApiError {
  const retryAfter = result.retryAfter?.toISOString();
  switch (result.reason) {
    case 'resend-limit':
      return new ViewerApiError(
        429,
        { error: 'resend-limit', message: 'No more codes can be sent for now', ...(retryAfter ? { retryAfter } : {}) },
        result.retryAfter,
      );
    case 'locked':
      return new ViewerApiError(
        423,
        {
          error: 'locked',
          message: 'Too many wrong codes: this message is locked for now',
          ...(retryAfter ? { lockedUntil: retryAfter, retryAfter } : {}),
        },
        result.retryAfter,
      );
    case 'withdrawn':
      return new ViewerApiError(410, { error: 'withdrawn', message: 'The sender has withdrawn this message' });
    case 'expired':
      return new ViewerApiError(410, { error: 'expired', message: 'This message has expired' });
    case 'delivery-failed':
      return new ViewerApiError(
        503,
        { error: 'delivery-failed', message: 'The code could not be sent; try again later' },
        new Date(Date.now() + 60_000),
      );
  }
}

function codeCheckRefused(result: Extract<CodeCheckResult, { ok: false }>): ViewerApiError {
  const attemptsLeft = result.attemptsLeft;
  switch (result.reason) {
    case 'wrong-code':
      return new ViewerApiError(403, { error: 'wrong-code', message: 'The code is not correct', attemptsLeft });
    case 'code-expired':
      return new ViewerApiError(403, {
        error: 'code-expired',
        message: 'The code has expired; request a new one',
        attemptsLeft,
      });
    case 'no-code':
      return new ViewerApiError(409, { error: 'no-code', message: 'Request a code first', attemptsLeft });
    case 'locked': {
      const lockedUntil = result.lockedUntil?.toISOString();
      return new ViewerApiError(
        423,
        {
          error: 'locked',
          message: 'Too many wrong codes: this message is locked for now',
          attemptsLeft,
          ...(lockedUntil ? { lockedUntil, retryAfter: lockedUntil } : {}),
        },
        result.lockedUntil,
      );
    }
    case 'withdrawn':
      return new ViewerApiError(410, {
        error: 'withdrawn',
        message: 'The sender has withdrawn this message',
        attemptsLeft,
      });
    case 'expired':
      return new ViewerApiError(410, { error: 'expired', message: 'This message has expired', attemptsLeft });
  }
}
