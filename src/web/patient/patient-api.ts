// The patient page's JSON API under /api/patient/:domain/ (SPEC R31, R24, R25): whose page it is, a
// code for an e-mail address or mobile number, its check, the message with attachments, and
// sign-out — each a thin step in front of PatientChannelService. The domain is checked before
// anything else (a malformed one never reaches the service), every POST must carry
// X-Zorgpost-Patient: 1, the service's token lives only in an HttpOnly cookie, and nothing is cached.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { UserError } from '../../errors.ts';
import type {
  PatientChannelInfo,
  PatientCodeResult,
  PatientMessage,
  PatientVerifyResult,
} from '../../secure/patient-channel.ts';
import { normaliseMobile } from '../../secure/phone.ts';
import type { RequestContext } from '../../secure/types.ts';
import { apiErrorHandler, apiNotFoundHandler } from '../shared/api-errors.ts';
import { requestContext, requireCsrfHeader } from '../shared/request.ts';
import { sessionCookie } from '../shared/session-cookie.ts';
import { readUpload } from '../shared/upload.ts';
import { codeSentJson, pageJson, schemas } from './patient-json.ts';
import { codeRefused, contactRefused, noSession, notFound, verifyRefused } from './patient-errors.ts';
import { CSRF_HEADER, DOMAIN_PATTERN, type CodeRequestJson, type MessageSentJson } from './wire.ts';

/** What the routes need of PatientChannelService (tests supply a fake). */
export interface PatientChannelLike {
  /** The organisation behind a page, or null when it does not exist or has the page off. */
  info(domain: string): Promise<PatientChannelInfo | null>;
  requestCode(
    domain: string,
    contact: { email: string; mobile?: string | null },
    context: RequestContext,
  ): Promise<PatientCodeResult>;
  verify(domain: string, token: string, code: string, context: RequestContext): Promise<PatientVerifyResult>;
  send(domain: string, token: string, message: PatientMessage, context: RequestContext): Promise<void>;
}

export interface PatientApiOptions {
  channel: PatientChannelLike;
}

type DomainParams = { domain: string };

/** Path=/api/patient/<domain>: a browser writing to two practices keeps the two apart. */
const cookie = sessionCookie('zp_patient', '/api/patient');
/** The cookie outlives its code a little, so a late try hears "code expired" rather than "no session". */
const CODE_COOKIE_GRACE_MS = 15 * 60_000;

/** Register with `{ prefix: '/api/patient/:domain', channel }`. */
export const patientApi: FastifyPluginAsync<PatientApiOptions> = async (api, { channel }) => {
  if (!api.hasRequestDecorator('cookies')) await api.register(fastifyCookie);
  if (!api.hasRequestDecorator('isMultipart')) await api.register(fastifyMultipart);
  apiErrorHandler(api, 'patient page');

  api.addHook('onRequest', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const { domain } = request.params as Partial<DomainParams>;
    if (!domain || !DOMAIN_PATTERN.test(domain)) throw notFound();
    requireCsrfHeader(request, CSRF_HEADER);
  });

  api.get<{ Params: DomainParams }>('/', { schema: { response: { 200: schemas.page } } }, async (request) => {
    const info = await channel.info(request.params.domain);
    if (!info) throw notFound();
    return pageJson(info);
  });

  api.post<{ Params: DomainParams; Body: CodeRequestJson }>(
    '/code',
    { bodyLimit: 4096, schema: { body: schemas.codeBody, response: { 200: schemas.codeSent } } },
    async (request, reply) => {
      const { domain } = request.params;
      const mobile = request.body.mobile?.trim() || null;
      // The service checks both fields but its refusal does not say which; the form needs to know.
      if (mobile) checkMobile(mobile);
      const result = await channel
        .requestCode(domain, { email: request.body.email, mobile }, requestContext(request))
        .catch((error: unknown) => {
          throw error instanceof UserError && error.code === 'BADINPUT'
            ? contactRefused('email', error.message)
            : error;
        });
      if (!result.ok) throw codeRefused(result);
      cookie.set(reply, domain, result.token, new Date(result.codeValidUntil.getTime() + CODE_COOKIE_GRACE_MS));
      return codeSentJson(result);
    },
  );

  api.post<{ Params: DomainParams; Body: { code: string } }>(
    '/verify',
    { bodyLimit: 1024, schema: { body: schemas.verifyBody, response: { 200: schemas.verified } } },
    async (request, reply) => {
      const { domain } = request.params;
      const token = tokenOf(request);
      const result = await channel.verify(domain, token, request.body.code, requestContext(request));
      if (!result.ok) {
        // A spent or unknown verification is of no more use to the browser.
        if (result.reason === 'locked' || result.reason === 'unknown') cookie.clear(reply, domain);
        throw verifyRefused(result);
      }
      cookie.set(reply, domain, token, result.sessionExpiresAt);
      return { expiresAt: result.sessionExpiresAt.toISOString() };
    },
  );

  api.post<{ Params: DomainParams }>(
    '/message',
    { schema: { response: { 200: schemas.sent } } },
    async (request, reply) => {
      const { domain } = request.params;
      const token = tokenOf(request);
      const { fields, attachments } = await readUpload(request, ['name', 'subject', 'text']);
      await channel.send(domain, token, { ...fields, attachments }, requestContext(request)).catch((error: unknown) => {
        // The service's NOPERM means the verification is gone or its session over: start again.
        if (!(error instanceof UserError && error.code === 'NOPERM')) throw error;
        cookie.clear(reply, domain);
        throw noSession();
      });
      const sent: MessageSentJson = { at: new Date().toISOString(), attachmentCount: attachments.length };
      return sent;
    },
  );

  api.post<{ Params: DomainParams }>('/logout', async (request, reply: FastifyReply) => {
    // The service keeps no session to end: forgetting the cookie is signing out.
    cookie.clear(reply, request.params.domain);
    return reply.code(204).send();
  });

  apiNotFoundHandler(api, 'No such patient page API route');
};

function tokenOf(request: FastifyRequest): string {
  const token = cookie.read(request);
  if (!token) throw noSession();
  return token;
}

/** Refuses a landline, service or malformed number with the reason `mobile` (normaliseMobile's sentence). */
function checkMobile(mobile: string): void {
  try {
    normaliseMobile(mobile);
  } catch (error) {
    throw error instanceof UserError ? contactRefused('mobile', error.message) : error;
  }
}
