// Every /api/admin request carries `Authorization: Bearer <token>` (RFC 6750 §2.1); the token's name
// becomes the actor in the audit log.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminTokenService } from '../../identity/admin-tokens.ts';
import type { Actor } from '../../identity/identity-service.ts';
import { normaliseAddress } from '../../identity/authenticator.ts';

declare module 'fastify' {
  interface FastifyRequest {
    adminActor?: Actor;
  }
}

export function adminAuthentication(tokens: AdminTokenService) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const remoteAddress = normaliseAddress(request.socket.remoteAddress ?? 'unknown');
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      // RFC 6750 §3: tell the client which scheme to use.
      reply.header('WWW-Authenticate', 'Bearer realm="zorgpost-admin"');
      return reply.code(401).send({ error: 'Send an admin token: Authorization: Bearer <token> (create one with "zorgpost admin token create")' });
    }
    const check = await tokens.check(match[1]!, remoteAddress);
    if (!check.ok) {
      if (check.retryAfterSeconds > 0) {
        reply.header('Retry-After', String(check.retryAfterSeconds));
        return reply.code(429).send({ error: `Too many failed attempts: try again in ${check.retryAfterSeconds} s` });
      }
      reply.header('WWW-Authenticate', 'Bearer realm="zorgpost-admin", error="invalid_token"');
      return reply.code(401).send({ error: 'Unknown or revoked admin token' });
    }
    request.adminActor = { actor: `admin-api:${check.token.name}`, remoteAddress };
  };
}
