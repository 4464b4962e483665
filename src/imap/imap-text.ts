// Small serialisation helpers for response lines the session layer writes itself (mailbox names,
// flag lists, resp-text). Message data (ENVELOPE, BODYSTRUCTURE) has its own serialisers in format/.

/** A string as quoted, or as a literal when quoting cannot carry it (RFC 3501 §4.3, §9). */
export function imapString(value: string): string {
  if (value.length < 1024 && isQuotable(value)) {
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  return `{${bytes}}\r\n${value}`;
}

/** RFC 3501 §9 QUOTED-CHAR: 7-bit text without NUL, CR or LF. */
function isQuotable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0x7f) return false;
  }
  return true;
}

export function imapNString(value: string | null): string {
  return value === null ? 'NIL' : imapString(value);
}

/** Human-readable resp-text must be 7-bit and single-line (RFC 3501 §9 text). */
export function safeText(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  return clean.length > 0 ? clean.slice(0, 500) : 'Failed';
}

export function flagList(flags: Iterable<string>): string {
  return `(${[...flags].join(' ')})`;
}
