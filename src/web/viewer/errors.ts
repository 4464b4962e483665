// The Viewer's refusals. Every API outcome becomes one HTTP answer in the shared handler
// (../shared/api-errors.ts): a refused step (wrong code, withdrawn message) or a service UserError
// is a 4xx with a machine code and an English sentence, a TemporaryError a 503, anything else a 500.
import type { FastifyInstance } from 'fastify';
import { ApiError, apiErrorHandler } from '../shared/api-errors.ts';
import type { ErrorJson } from './wire.ts';

/** A refusal the routes decide themselves (a result's `ok: false`, a missing session…). */
export class ViewerApiError extends ApiError<ErrorJson> {
  constructor(status: number, body: ErrorJson, retryAfter?: Date) {
    super(status, body, retryAfter);
    this.name = 'ViewerApiError';
  }
}

export function notFound(): ViewerApiError {
  // One answer for malformed, unknown and vanished links: guessing learns nothing (types.ts).
  return new ViewerApiError(404, { error: 'not-found', message: 'This link is unknown' });
}

export function viewerErrorHandler(app: FastifyInstance): void {
  apiErrorHandler(app, 'viewer');
}
