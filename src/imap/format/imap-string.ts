// IMAP string syntax (RFC 3501 §4.3, §9 formal syntax) for byte strings: one JS character per
// byte (latin1), as the mail layer stores header-derived values.

/** Quoted strings longer than this are sent as literals: long quoted strings are legal but some
 * clients cap the line length they read. */
const MAX_QUOTED = 1024;

/** RFC 3501 §9: a quoted string holds TEXT-CHARs (7-bit, no NUL, CR or LF). */
// eslint-disable-next-line no-control-regex
const NEEDS_LITERAL = /[\x00\r\n\x80-\xff]/;

/** `string` of RFC 3501 §9 as a byte string: quoted when possible, else a literal. */
export function imapStringText(value: string): string {
  if (value.length <= MAX_QUOTED && !NEEDS_LITERAL.test(value)) {
    return `"${value.replace(/[\\"]/g, '\\$&')}"`;
  }
  // RFC 3501 §9: CHAR8 excludes NUL even in a literal; like Dovecot, send such bytes as 0x80
  const bytes = value.replace(/\x00/g, '\x80'); // eslint-disable-line no-control-regex
  return `{${bytes.length}}\r\n${bytes}`;
}

/** `nstring` of RFC 3501 §9: NIL for null. */
export function imapNStringText(value: string | null): string {
  return value === null ? 'NIL' : imapStringText(value);
}

export function imapString(value: string): Buffer {
  return Buffer.from(imapStringText(value), 'latin1');
}

export function imapNString(value: string | null): Buffer {
  return Buffer.from(imapNStringText(value), 'latin1');
}
