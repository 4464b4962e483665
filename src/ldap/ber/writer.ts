// BER writer for LDAP responses (RFC 4511 §5.1: definite lengths, primitive strings). It writes into one
// growing buffer; a constructed element reserves a single length octet, and the rare element whose
// content turns out longer than 127 octets shifts its content once when it is closed. The exported
// header helpers let a hot path (encodeSearchEntry) size a whole message first and write it in one go.
import { BerError, BerTag, MAX_INT, MIN_INT32 } from './reader.ts';

/** Octets needed to encode a definite length (X.690 §8.1.3). */
export function lengthSize(length: number): number {
  if (length < 0x80) return 1;
  if (length <= 0xff) return 2;
  if (length <= 0xffff) return 3;
  if (length <= 0xffffff) return 4;
  return 5;
}

/** Size of a whole TLV with a one-octet tag and the given content length. */
export function tlvSize(contentLength: number): number {
  return 1 + lengthSize(contentLength) + contentLength;
}

/** Writes a tag and definite length at offset; returns the offset after them. */
export function writeHeader(buffer: Buffer, offset: number, tag: number, length: number): number {
  buffer[offset++] = tag;
  if (length < 0x80) {
    buffer[offset++] = length;
    return offset;
  }
  const octets = lengthSize(length) - 1;
  buffer[offset++] = 0x80 | octets;
  for (let shift = (octets - 1) * 8; shift >= 0; shift -= 8) buffer[offset++] = Math.floor(length / 2 ** shift) & 0xff;
  return offset;
}

/** Content octets of the minimal two's-complement encoding of an int32 (X.690 §8.3.2). */
export function integerSize(value: number): number {
  if (value >= -0x80 && value <= 0x7f) return 1;
  if (value >= -0x8000 && value <= 0x7fff) return 2;
  if (value >= -0x800000 && value <= 0x7fffff) return 3;
  return 4;
}

export function writeInteger(buffer: Buffer, offset: number, tag: number, value: number): number {
  if (!Number.isInteger(value) || value < MIN_INT32 || value > MAX_INT)
    throw new BerError(`Cannot encode INTEGER ${value}`);
  const size = integerSize(value);
  buffer[offset++] = tag;
  buffer[offset++] = size;
  for (let shift = (size - 1) * 8; shift >= 0; shift -= 8) buffer[offset++] = (value >> shift) & 0xff;
  return offset;
}

export class BerWriter {
  private buffer: Buffer;
  private pos = 0;
  /** Offsets of the reserved length octet of each open constructed element. */
  private readonly open: number[] = [];

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  private header(tag: number, length: number): void {
    this.ensure(6 + length);
    this.pos = writeHeader(this.buffer, this.pos, tag, length);
  }

  writeInteger(value: number, tag: number = BerTag.integer): void {
    this.ensure(6);
    this.pos = writeInteger(this.buffer, this.pos, tag, value);
  }

  writeEnumerated(value: number, tag: number = BerTag.enumerated): void {
    this.writeInteger(value, tag);
  }

  writeBoolean(value: boolean, tag: number = BerTag.boolean): void {
    this.header(tag, 1);
    // RFC 4511 §5.1: TRUE is encoded as 0xFF.
    this.buffer[this.pos++] = value ? 0xff : 0x00;
  }

  writeNull(tag: number = BerTag.null): void {
    this.header(tag, 0);
  }

  /** An OCTET STRING; a string value is written as UTF-8 (an LDAPString, RFC 4511 §4.1.2). */
  writeOctetString(value: Uint8Array | string, tag: number = BerTag.octetString): void {
    if (typeof value === 'string') {
      const length = Buffer.byteLength(value);
      this.header(tag, length);
      this.buffer.write(value, this.pos, length, 'utf8');
      this.pos += length;
    } else {
      this.header(tag, value.length);
      this.buffer.set(value, this.pos);
      this.pos += value.length;
    }
  }

  /** Appends already encoded elements as they are. */
  writeRaw(encoded: Uint8Array): void {
    this.ensure(encoded.length);
    this.buffer.set(encoded, this.pos);
    this.pos += encoded.length;
  }

  startSequence(tag: number = BerTag.sequence): void {
    this.ensure(2);
    this.buffer[this.pos++] = tag;
    this.open.push(this.pos++);
  }

  endSequence(): void {
    const lengthAt = this.open.pop();
    if (lengthAt === undefined) throw new BerError('endSequence without startSequence');
    const length = this.pos - lengthAt - 1;
    const extra = lengthSize(length) - 1;
    if (extra > 0) {
      this.ensure(extra);
      this.buffer.copyWithin(lengthAt + 1 + extra, lengthAt + 1, this.pos);
      this.pos += extra;
    }
    writeHeader(this.buffer, lengthAt - 1, this.buffer[lengthAt - 1]!, length);
  }

  /** The encoded bytes: a view of the internal buffer, valid until the writer is written to again. */
  toBuffer(): Buffer {
    if (this.open.length > 0) throw new BerError(`${this.open.length} sequence(s) still open`);
    return this.buffer.subarray(0, this.pos);
  }
}
