// Every outcome of a browser app's JSON API becomes one HTTP answer, decided once per request
// (STYLE §4): a refused step or a service UserError is a 4xx with a machine code and an English
// sentence (the app shows its own translation of the code); a TemporaryError is a 503 with
// Retry-After; anything else is a 500 whose details go to the log only.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { TemporaryError, UserError, type UserErrorCode } from '../../errors.ts';
import type { CommonErrorCode, ErrorJsonOf } from './wire.ts';

type AnyErrorJson = ErrorJsonOf<string, string>;

/** A refusal a route decides itself (a result's `ok: false`, a missing session…). */
export class ApiError<Body extends AnyErrorJson = AnyErrorJson> extends Error {
  readonly status: number;
  readonly body: Body;
  /** Sent as Retry-After (RFC 9110 §10.2.3) when set. */
  readonly retryAfter: Date | undefined;

  constructor(status: number, body: Body, retryAfter?: Date) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

const USER_ERRORS: Record<UserErrorCode, [number, CommonErrorCode]> = {
  NONEXISTENT: [404, 'not-found'],
  BADINPUT: [400, 'bad-input'],
  LIMIT: [429, 'rate-limited'],
  TOOBIG: [413, 'too-large'],
  NOPERM: [403, 'forbidden'],
  AUTHENTICATIONFAILED: [403, 'forbidden'],
  OVERQUOTA: [409, 'conflict'],
  ALREADYEXISTS: [409, 'conflict'],
  CANNOT: [409, 'conflict'],
  INUSE: [409, 'conflict'],
};

/** What a TemporaryError asks the browser to wait. */
const TEMPORARY_RETRY_SECONDS = 30;

/** Installs the one error handler of an API plugin; `what` names it in the log. */
export function apiErrorHandler(app: FastifyInstance, what: string): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    reply.header('Cache-Control', 'no-store');
    if (error instanceof ApiError) {
      if (error.retryAfter) setRetryAfter(reply, secondsUntil(error.retryAfter));
      return reply.code(error.status).send(error.body);
    }
    if (error instanceof UserError) {
      const [status, code] = USER_ERRORS[error.code];
      return reply.code(status).send({ ...body(code, error.message), ...(error.reason ? { reason: error.reason } : {}) });
    }
    if (error instanceof TemporaryError) {
      request.log.warn({ err: error }, `${what} request failed temporarily`);
      setRetryAfter(reply, TEMPORARY_RETRY_SECONDS);
      return reply.code(503).send(body('unavailable', 'The service is temporarily unavailable; try again shortly'));
    }
    // Fastify's own client errors: malformed JSON, a body over the limit, a wrong media type.
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send(body(status === 413 ? 'too-large' : 'bad-input', error.message));
    }
    request.log.error({ err: error }, `${what} request failed`);
    return reply.code(500).send(body('internal', 'Internal error'));
  });
}

/** The JSON 404 for a path under an API prefix that has no route. */
export function apiNotFoundHandler(app: FastifyInstance, message: string): void {
  app.setNotFoundHandler((_request, reply: FastifyReply) => {
    return reply.code(404).header('Cache-Control', 'no-store').send(body('not-found', message));
  });
}

function body(error: CommonErrorCode, message: string): ErrorJsonOf<CommonErrorCode> {
  return { error, message };
}

function secondsUntil(date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 1000));
}

function setRetryAfter(reply: FastifyReply, seconds: number): void {
  reply.header('Retry-After', String(seconds));
}
