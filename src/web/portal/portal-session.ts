// The portal's session (SPEC R1, R21): the Passage ID session token lives only in a cookie the
// page's script cannot read (HttpOnly), that never leaves HTTPS (Secure), never follows a link or
// form from another site (SameSite=Strict) and is sent only to the APIs (Path=/api). Every request
// that changes something must also carry the CSRF token, which is derived from the session token:
// a page on another origin can neither read the cookie nor the token, so it cannot forge one.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PassageAccount, PassageSessionInfo } from '../../identity/passage-types.ts';
import { ApiError } from '../shared/api-errors.ts';
import { CSRF_HEADER, type ErrorJson } from './wire.ts';

const COOKIE = 'zp_passage';
const COOKIE_PATH = '/api';

export interface SignedIn {
  account: PassageAccount;
  session: PassageSessionInfo;
  token: string;
}

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date): void {
  void reply.setCookie(COOKIE, token, { path: COOKIE_PATH, httpOnly: true, secure: true, sameSite: 'strict', expires });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(COOKIE, { path: COOKIE_PATH, httpOnly: true, secure: true, sameSite: 'strict' });
}

export function sessionToken(request: FastifyRequest): string | null {
  return request.cookies[COOKIE] || null;
}

/** The CSRF token of a session: a one-way function of the token, so it reveals nothing of it. */
export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update('zorgpost-portal-csrf\0').update(sessionToken).digest('base64url');
}

/** OWASP's synchroniser token: GET and HEAD change nothing; everything else must carry the token. */
export function checkCsrf(request: FastifyRequest, token: string): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const sent = request.headers[CSRF_HEADER];
  const expected = Buffer.from(csrfTokenOf(token));
  if (typeof sent === 'string' && sent.length === expected.length && timingSafeEqual(Buffer.from(sent), expected)) return;
  throw new ApiError<ErrorJson>(403, { error: 'csrf', message: `Send the session's CSRF token in ${CSRF_HEADER}` });
}

export function noSession(): ApiError<ErrorJson> {
  return new ApiError<ErrorJson>(401, { error: 'no-session', message: 'Sign in first' });
}

/** The steps before a session (sign-in, an invitation): no token to check yet, so the header only has to
 * be there — a cross-site form cannot send one. A page that still holds an old session's token may send that. */
export function requirePreSessionHeader(request: FastifyRequest): void {
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent === 'string' && sent.length > 0) return;
  throw new ApiError<ErrorJson>(403, { error: 'csrf', message: `Send the header ${CSRF_HEADER}: 1` });
}
