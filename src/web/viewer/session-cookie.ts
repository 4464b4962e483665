// The Viewer session's cookie (../shared/session-cookie.ts): HttpOnly, Secure, SameSite=Strict, and
// sent only to the API of the one message it opens (Path=/api/viewer/<link>).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionCookie } from '../shared/session-cookie.ts';

export const SESSION_COOKIE = 'zp_viewer';

const cookie = sessionCookie(SESSION_COOKIE, '/api/viewer');

export function setSessionCookie(reply: FastifyReply, link: string, token: string, expires: Date): void {
  cookie.set(reply, link, token, expires);
}

export function clearSessionCookie(reply: FastifyReply, link: string): void {
  cookie.clear(reply, link);
}

export function sessionToken(request: FastifyRequest): string | null {
  return cookie.read(request);
}
