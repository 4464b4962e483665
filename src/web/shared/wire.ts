// What every browser app's API has in common on the wire: the generic error codes, the error body's
// shape and the upload limits. Types and plain constants only: the browser bundles import this file
// (through each app's own wire.ts), so it must not pull server code in.

/** Error codes any API may answer, besides the ones of its own steps. */
export type CommonErrorCode =
  | 'not-found'
  | 'csrf'
  | 'bad-input'
  | 'too-large'
  | 'forbidden'
  | 'rate-limited'
  | 'conflict'
  | 'unavailable'
  | 'internal';

/** Every 4xx/5xx answer: a machine code the app translates, and an English sentence for API users and logs. */
export interface ErrorJsonOf<Code extends string, Reason extends string = never> {
  error: Code;
  message: string;
  attemptsLeft?: number;
  lockedUntil?: string;
  retryAfter?: string;
  /** What exactly was refused (which limit, which field). */
  reason?: Reason;
}

/** Why an upload was refused with 413. */
export type TooLargeReason = 'file-too-large' | 'too-many-files' | 'total-too-large' | 'text-too-long';

/** Limits of one upload — a Viewer reply or a patient's message — also checked in the browser. */
export const UPLOAD_LIMITS = {
  fileBytes: 25 * 1024 * 1024,
  files: 10,
  totalBytes: 50 * 1024 * 1024,
  /** UTF-8 bytes of one text field. */
  textBytes: 1024 * 1024,
} as const;
