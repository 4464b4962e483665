// A browser app's session travels only in a cookie the page's script cannot read (HttpOnly), that
// never leaves HTTPS (Secure) or follows a link from another site (SameSite=Strict), and that is
// sent only to the API of the one thing it opens (Path=/api/<app>/<key>): a browser holding sessions
// for two messages or two practices keeps them apart, and the token never reaches the page or asset routes.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SessionCookie {
  set(reply: FastifyReply, key: string, token: string, expires: Date): void;
  clear(reply: FastifyReply, key: string): void;
  /** The token the browser sent, or null. */
  read(request: FastifyRequest): string | null;
}

/** The cookie `name`, scoped to `<apiPrefix>/<key>`. */
export function sessionCookie(name: string, apiPrefix: string): SessionCookie {
  const attributes = (key: string) =>
    ({ path: `${apiPrefix}/${key}`, httpOnly: true, secure: true, sameSite: 'strict' }) as const;
  return {
    set: (reply, key, token, expires) => void reply.setCookie(name, token, { ...attributes(key), expires }),
    clear: (reply, key) => void reply.clearCookie(name, attributes(key)),
    read: (request) => request.cookies[name] || null,
  };
}
