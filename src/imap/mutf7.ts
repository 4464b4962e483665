// Modified UTF-7 mailbox names (RFC 3501 §5.1.3). The mail service speaks Unicode folder names; the
// IMAP wire carries them in this 7-bit form. Pure functions, fuzzed in test/imap/mutf7.test.ts.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i] as const));

// RFC 3501 §5.1.3: printable US-ASCII except "&" represents itself; "&" is "&-"; anything else is
// modified BASE64 of UTF-16BE (',' instead of '/', no padding) between "&" and "-".
export function encodeMailboxName(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes: number[] = [];
    for (const unit of pending) bytes.push(unit >> 8, unit & 0xff);
    let bits = 0;
    let acc = 0;
    out += '&';
    for (const byte of bytes) {
      acc = (acc << 8) | byte;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += B64[(acc >> bits) & 0x3f];
      }
      acc &= (1 << bits) - 1;
    }
    if (bits > 0) out += B64[(acc << (6 - bits)) & 0x3f];
    out += '-';
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : name[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

/** Decodes a modified UTF-7 name; returns null when it is not valid modified UTF-7 (8-bit
 * characters, bad base64, an unterminated shift, or a lone surrogate). */
export function decodeMailboxName(encoded: string): string | null {
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return null;
    if (c !== 0x26) {
      out += encoded[i];
      continue;
    }
    const end = encoded.indexOf('-', i + 1);
    if (end < 0) return null;
    if (end === i + 1) {
      out += '&';
      i = end;
      continue;
    }
    const units = decodeShift(encoded.slice(i + 1, end));
    if (units === null) return null;
    out += units;
    i = end;
  }
  return out;
}

function decodeShift(text: string): string | null {
  let acc = 0;
  let bits = 0;
  const bytes: number[] = [];
  for (const ch of text) {
    const v = B64_VALUE.get(ch);
    if (v === undefined) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero padding, and whole UTF-16 units only.
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0 || bytes.length % 2 !== 0) return null;
  let out = '';
  for (let j = 0; j < bytes.length; j += 2) out += String.fromCharCode((bytes[j]! << 8) | bytes[j + 1]!);
  // A shifted run that encodes printable ASCII is not the canonical form (RFC 3501 §5.1.3), and
  // lone surrogates are not Unicode: refuse both so every name has one spelling.
  if (/[\x20-\x7e]/.test(out) || !isWellFormedUtf16(out)) return null;
  return out;
}

function isWellFormedUtf16(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}
