// Undoing a Content-Transfer-Encoding (RFC 2045 §6) while the part streams from the blob store, so an
// attachment download never holds the whole part in memory. The buffer decoders of
// ../mime/text-decoding.ts decide what each byte means; these only cut the stream where that is safe.
import { Transform, type TransformCallback } from 'node:stream';
import { decodeQuotedPrintable } from '../mime/text-decoding.ts';

/** A stream that decodes `encoding`; identity for 7bit, 8bit, binary and unknown encodings. */
export function transferDecoder(encoding: string): Transform {
  if (encoding === 'base64') return new Base64Decoder();
  if (encoding === 'quoted-printable') return new QuotedPrintableDecoder();
  return new Transform({ transform: (chunk: Buffer, _encoding, done) => done(null, chunk) });
}

// Outside the RFC 2045 §6.8 alphabet (RFC 4648 §5 base64url is accepted too, some senders use it).
const NOT_BASE64 = /[^A-Za-z0-9+/\-_]+/g;

/** Keeps the characters that do not yet make a full 4-character quantum for the next chunk; everything
 * outside the alphabet (line breaks, junk) is skipped, as RFC 2045 §6.8 asks of a decoder. Padding
 * ends the data: what follows it is ignored, as Node's (and so the server's) buffer decoder does. */
class Base64Decoder extends Transform {
  #carry = '';
  #padded = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#padded) return done();
    let piece = chunk.toString('latin1');
    const padding = piece.indexOf('=');
    if (padding >= 0) {
      piece = piece.slice(0, padding);
      this.#padded = true;
    }
    const text = this.#carry + piece.replace(NOT_BASE64, '');
    const whole = text.length - (text.length % 4);
    this.#carry = text.slice(whole);
    done(null, whole ? Buffer.from(text.slice(0, whole), 'base64') : undefined);
  }

  override _flush(done: TransformCallback): void {
    // An unpadded last quantum still carries whole bytes (Node decodes 2 or 3 characters).
    done(null, this.#carry.length > 1 ? Buffer.from(this.#carry, 'base64') : undefined);
  }
}

/** Beyond this a line without a break is decoded in pieces (a broken sender's endless line). */
const MAX_QP_CARRY = 64 * 1024;

/** Decodes up to the last line break of what has arrived: an escape (`=XX`), a soft break (`=`
 * CRLF) or trailing white space (dropped before a break, RFC 2045 §6.7 rule 3) is never cut apart. */
class QuotedPrintableDecoder extends Transform {
  #carry: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : chunk;
    let cut = bytes.lastIndexOf(0x0a) + 1;
    if (cut === 0 && bytes.length > MAX_QP_CARRY) {
      // No line break in sight: keep back what might still be an escape or trailing white space.
      cut = bytes.length - 2;
      while (cut > 0 && (bytes[cut - 1] === 0x20 || bytes[cut - 1] === 0x09 || bytes[cut - 1] === 0x3d)) cut--;
    }
    this.#carry = Buffer.from(bytes.subarray(cut));
    done(null, cut > 0 ? decodeQuotedPrintable(bytes.subarray(0, cut)) : undefined);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.#carry.length ? decodeQuotedPrintable(this.#carry) : undefined);
  }
}
