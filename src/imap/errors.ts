// IMAP-specific failures, raised inside a command and turned into one tagged response by the
// connection (STYLE §4). Service errors (UserError, TemporaryError) are mapped there as well.

/** A protocol syntax error: the tagged response is `BAD text` (RFC 3501 §7.1.3). */
export class ImapSyntaxError extends Error {
  readonly code: string | null;
  constructor(message: string, code: string | null = null) {
    super(message);
    this.name = 'ImapSyntaxError';
    this.code = code;
  }
}

/** A refusal that carries an IMAP response code the shared UserError vocabulary does not have
 * (TRYCREATE, READ-ONLY, BADCHARSET…): the tagged response is `NO [code] text`. */
export class ImapNoError extends Error {
  readonly code: string | null;
  constructor(code: string | null, message: string) {
    super(message);
    this.name = 'ImapNoError';
    this.code = code;
  }
}

/** The connection went away (or must go away) while a command was running. */
export class ConnectionClosedError extends Error {
  constructor(message = 'Connection closed') {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

/** A literal already announced to the client could not be completed (the stored body failed or
 * ended early): the byte stream is broken, so the connection has been destroyed. */
export class LiteralAbortedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LiteralAbortedError';
  }
}
