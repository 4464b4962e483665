// What every browser app's API asks of a request before its route runs.
import type { FastifyRequest } from 'fastify';
import { normaliseAddress } from '../../identity/authenticator.ts';
import type { RequestContext } from '../../secure/types.ts';
import { ApiError } from './api-errors.ts';
import type { ErrorJsonOf } from './wire.ts';

/** Who is asking, for the services' throttling and audit log (SPEC R22, R24). */
export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return { remoteAddress: normaliseAddress(request.ip), ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}) };
}

/**
 * Every request that changes something must carry `<header>: 1`, besides the SameSite=Strict cookie:
 * a cross-site form cannot set a header, and a cross-site script cannot without a CORS preflight that
 * is never answered.
 */
export function requireCsrfHeader(request: FastifyRequest, header: string): void {
  if (request.method === 'GET' || request.method === 'HEAD' || request.headers[header] === '1') return;
  throw new ApiError<ErrorJsonOf<'csrf'>>(403, { error: 'csrf', message: `Send the header ${header}: 1` });
}
