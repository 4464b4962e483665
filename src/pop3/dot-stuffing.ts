// RFC 1939 §3 multi-line responses: a line that starts with "." gets one more "." in front, and the
// response ends with CRLF "." CRLF. Bytes are otherwise sent exactly as stored. A line start is any
// byte after LF, bare LF included: clients that split lines on LF must never see an unstuffed "."
// line inside a message.
import { Transform, type TransformCallback } from 'node:stream';

const DOT = 0x2e;
const LF = 0x0a;
const CR = 0x0d;

export class DotStuffer extends Transform {
  #atLineStart = true;
  #lastTwo: [number, number] = [LF, LF];
  #sawData = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length === 0) return callback();
    this.#sawData = true;
    const parts: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (this.#atLineStart && chunk[i] === DOT) {
        parts.push(chunk.subarray(from, i), Buffer.from('.'));
        from = i;
      }
      this.#atLineStart = chunk[i] === LF;
    }
    parts.push(chunk.subarray(from));
    this.#lastTwo = chunk.length >= 2 ? [chunk[chunk.length - 2]!, chunk[chunk.length - 1]!] : [this.#lastTwo[1], chunk[0]!];
    callback(null, parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  override _flush(callback: TransformCallback): void {
    // The terminating "." must start a line of its own (RFC 1939 §3): a message that does not end
    // with CRLF gets one, which clients then see as part of its last line.
    const endsWithCrlf = this.#lastTwo[0] === CR && this.#lastTwo[1] === LF;
    callback(null, Buffer.from(!this.#sawData || endsWithCrlf ? '.\r\n' : '\r\n.\r\n'));
  }
}
