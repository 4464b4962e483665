// Turning stored bytes into readable Unicode text: charsets, RFC 2047 encoded words and the
// transfer encodings of RFC 2045 §6. Used for search text and by consumers that show names to
// humans; the structure itself keeps raw byte strings.
import { createDecodeStream, decode as decodeWithCharset } from 'libmime/lib/charset.js';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const supportCache = new Map<string, boolean>();

function isUtf8Family(charset: string): boolean {
  return /^(?:utf-?8|(?:us-)?ascii|ansi_x3\.4-1968|7bit|8bit)$/i.test(charset);
}

/** True when libmime (iconv-lite / encoding-japanese) can decode this charset. */
function isSupportedCharset(charset: string): boolean {
  const key = charset.toLowerCase();
  let known = supportCache.get(key);
  if (known === undefined) {
    known = createDecodeStream(charset).supported;
    if (supportCache.size < 256) supportCache.set(key, known);
  }
  return known;
}

/** Decodes bytes in a declared charset. Without a charset, or labelled US-ASCII, text that is
 * not valid UTF-8 is read as latin1 (unlabelled 8-bit mail is mostly Western European); declared
 * UTF-8 keeps its valid characters and marks bad bytes U+FFFD; an unknown charset ("x-unknown")
 * is read as UTF-8 when valid, else latin1, so no byte is lost. */
export function decodeCharset(bytes: Buffer, charset: string | null): string {
  const name = (charset ?? '').trim();
  if (/^utf-?8$/i.test(name)) return bytes.toString('utf8');
  if (name === '' || isUtf8Family(name)) return utf8OrElse(bytes, null);
  if (!isSupportedCharset(name)) return utf8OrElse(bytes, null);
  return decodeWithCharset(bytes, name);
}

/** Valid UTF-8 as such, anything else in the fallback charset (latin1 if none or unknown). */
function utf8OrElse(bytes: Buffer, fallback: string | null): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    if (fallback !== null && !isUtf8Family(fallback) && isSupportedCharset(fallback)) {
      return decodeWithCharset(bytes, fallback);
    }
    return bytes.toString('latin1');
  }
}

// RFC 2047 §2 encoded-word; the charset may carry an RFC 2231 §5 language suffix
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\r\n]*)\?=/g;

/** A header value (latin1 byte string) as Unicode. RFC 2047 encoded words are decoded byte-wise,
 * adjacent words of one charset joined before decoding (a character may be split across them,
 * RFC 2047 §5); raw 8-bit text is taken as UTF-8 when valid (RFC 6532), else in
 * `fallbackCharset` (typically the body's charset, as mail readers do), else latin1. */
export function decodeHeaderText(byteString: string, fallbackCharset: string | null = null): string {
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | null = null;
  const flush = (): void => {
    if (pending !== null) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
    pending = null;
  };
  const raw = (text: string): void => {
    // eslint-disable-next-line no-control-regex
    out += /[^\x00-\x7f]/.test(text) ? utf8OrElse(Buffer.from(text, 'latin1'), fallbackCharset) : text;
  };
  for (const match of byteString.matchAll(ENCODED_WORD)) {
    const between = byteString.slice(last, match.index);
    // RFC 2047 §6.2: white space between adjacent encoded words is not displayed
    if (pending === null || !/^[ \t\r\n]*$/.test(between)) {
      flush();
      raw(between);
    }
    const charset = match[1]!;
    const text = match[3]!;
    const bytes = /b/i.test(match[2]!)
      ? Buffer.from(text, 'base64')
      : Buffer.from(
          text
            .replace(/_/g, ' ')
            .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        );
    const current: { charset: string; bytes: Buffer[] } | null = pending;
    if (current !== null && current.charset.toLowerCase() === charset.toLowerCase()) {
      current.bytes.push(bytes);
    } else {
      flush();
      pending = { charset, bytes: [bytes] };
    }
    last = match.index + match[0].length;
  }
  flush();
  raw(byteString.slice(last));
  return out;
}

/** RFC 2045 §6.7 quoted-printable, tolerant: invalid escapes are kept literally, trailing white
 * space before a line break is dropped, soft line breaks (`=` at end of line) are removed. */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === 0x3d) {
      const a = hexValue(input[i + 1]);
      const b = hexValue(input[i + 2]);
      if (a >= 0 && b >= 0) {
        out[o++] = (a << 4) | b;
        i += 3;
        continue;
      }
      // soft line break: "=" followed by optional white space and a line ending
      let j = i + 1;
      while (input[j] === 0x20 || input[j] === 0x09) j++;
      if (input[j] === 0x0d && input[j + 1] === 0x0a) j++;
      if (input[j] === 0x0a || j >= input.length) {
        i = j + 1;
        continue;
      }
      out[o++] = c;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x09) {
      // RFC 2045 §6.7 rule 3: white space at the end of an encoded line is padding
      let j = i;
      while (input[j] === 0x20 || input[j] === 0x09) j++;
      if (j >= input.length || input[j] === 0x0a || (input[j] === 0x0d && input[j + 1] === 0x0a)) {
        i = j;
        continue;
      }
    }
    out[o++] = c;
    i++;
  }
  return out.subarray(0, o);
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Undoes a Content-Transfer-Encoding (RFC 2045 §6). Node's base64 decoder skips characters
 * outside the alphabet, which is what RFC 2045 §6.8 asks of a decoder. Unknown encodings are
 * returned raw. */
export function decodeTransferEncoding(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}
