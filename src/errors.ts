// The few error kinds every service raises (STYLE §4). Protocol front-ends map them once per command:
// UserError → IMAP NO [code] / SMTP 5xx / POP3 -ERR; TemporaryError → NO [UNAVAILABLE] / 4xx;
// anything else is an internal error: a generic reply, details only in the log.

/** Stable machine codes; IMAP front-ends turn them into response codes (RFC 5530). */
export type UserErrorCode =
  | 'NONEXISTENT'
  | 'ALREADYEXISTS'
  | 'CANNOT'
  | 'LIMIT'
  | 'OVERQUOTA'
  | 'TOOBIG'
  | 'NOPERM'
  | 'INUSE'
  | 'AUTHENTICATIONFAILED'
  | 'BADINPUT';

export class UserError extends Error {
  readonly code: UserErrorCode;
  /** Which rule was broken, as a stable key a user interface translates (the message is English). */
  readonly reason: string | undefined;
  constructor(code: UserErrorCode, message: string, reason?: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.reason = reason;
  }
}

export class TemporaryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporaryError';
  }
}
