// The patient API's own refusals: what each `ok: false` of PatientChannelService, a missing cookie
// and a refused contact become on the wire. Everything else (UserError, TemporaryError, crashes)
// goes through the shared handler (../shared/api-errors.ts).
import type { PatientCodeResult, PatientVerifyResult } from '../../secure/patient-channel.ts';
import { ApiError } from '../shared/api-errors.ts';
import type { ContactReason, ErrorJson } from './wire.ts';

/** The service counts code requests per source address over the last hour: an hour always suffices. */
const RATE_LIMIT_WAIT_MS = 60 * 60_000;
/** What a failed SMS or e-mail asks the browser to wait before the next try. */
const DELIVERY_RETRY_MS = 60_000;

export class PatientApiError extends ApiError<ErrorJson> {
  constructor(status: number, body: ErrorJson, retryAfter?: Date) {
    super(status, body, retryAfter);
    this.name = 'PatientApiError';
  }
}

export function notFound(): PatientApiError {
  // One answer for malformed, unknown and switched-off pages: guessing learns nothing.
  return new PatientApiError(404, { error: 'not-found', message: 'This organisation has no patient page' });
}

export function noSession(): PatientApiError {
  return new PatientApiError(401, { error: 'no-session', message: 'Request a code and enter it first' });
}

export function contactRefused(reason: ContactReason, message: string): PatientApiError {
  return new PatientApiError(400, { error: 'bad-input', reason, message });
}

export function codeRefused(result: Extract<PatientCodeResult, { ok: false }>): PatientApiError {
  switch (result.reason) {
    case 'rate-limit': {
      const retryAfter = new Date(Date.now() + RATE_LIMIT_WAIT_MS);
      return new PatientApiError(
        429,
        {
          error: 'rate-limited',
          message: 'Too many codes were requested from this address; try again later',
          retryAfter: retryAfter.toISOString(),
        },
        retryAfter,
      );
    }
    case 'delivery-failed':
      return new PatientApiError(
        503,
        { error: 'delivery-failed', message: 'The code could not be sent; try again later' },
        new Date(Date.now() + DELIVERY_RETRY_MS),
      );
  }
}

export function verifyRefused(result: Extract<PatientVerifyResult, { ok: false }>): PatientApiError {
  const attemptsLeft = result.attemptsLeft;
  switch (result.reason) {
    case 'wrong-code':
      return new PatientApiError(403, { error: 'wrong-code', message: 'The code is not correct', attemptsLeft });
    case 'code-expired':
      return new PatientApiError(403, {
        error: 'code-expired',
        message: 'The code has expired; request a new one',
        attemptsLeft,
      });
    case 'locked':
      // This verification is spent; a new code starts a new one.
      return new PatientApiError(423, {
        error: 'locked',
        message: 'Too many wrong codes: request a new code',
        attemptsLeft: 0,
      });
    case 'unknown':
      // Used already, or for another organisation, or never issued.
      return new PatientApiError(409, { error: 'no-code', message: 'Request a new code', attemptsLeft: 0 });
  }
}
