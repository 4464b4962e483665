// Maps service errors to HTTP answers once for all admin routes: user errors are 4xx with the
// service's message, anything else is a 500 without details (those go to the log).
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { TemporaryError, UserError, type UserErrorCode } from '../../errors.ts';

const STATUS: Partial<Record<UserErrorCode, number>> = { NONEXISTENT: 404, ALREADYEXISTS: 409, INUSE: 409, CANNOT: 409, NOPERM: 403, TOOBIG: 413 };

export function adminErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ZodError) {
      return reply.code(400).send({ error: 'Invalid request', problems: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) });
    }
    if (error instanceof UserError) return reply.code(STATUS[error.code] ?? 400).send({ error: error.message });
    if (error instanceof TemporaryError) return reply.code(503).send({ error: error.message });
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: error.message });
    request.log.error({ err: error }, 'admin API request failed');
    return reply.code(500).send({ error: 'Internal error' });
  });
}
