// A strict BER reader for the subset LDAP uses (RFC 4511 §5.1): single-octet tags, definite lengths of
// at most 4 length octets, primitive strings. Everything it reads is bounds-checked against the element
// that contains it, so a lying length field fails here instead of as a RangeError further on. Pure;
// fuzzed in test/ldap/codec-fuzz.test.ts.

export class BerError extends Error {
  override name = 'BerError';
}

/** Universal tags LDAP uses (X.680 §8.4), as tag octets. */
export const BerTag = {
  boolean: 0x01,
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  enumerated: 0x0a,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Tag octet of [APPLICATION n] (X.690 §8.1.2: class in bits 8–7, constructed in bit 6). */
export function applicationTag(n: number, constructed: boolean): number {
  return 0x40 | (constructed ? 0x20 : 0) | n;
}

/** Tag octet of a context-specific [n]. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

export const MIN_INT32 = -0x80000000;
/** RFC 4511 §4.1.1: maxInt INTEGER ::= 2147483647. */
export const MAX_INT = 0x7fffffff;

// ignoreBOM keeps a leading U+FEFF as part of the value instead of silently dropping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

export class BerReader {
  readonly buffer: Buffer;
  private pos: number;
  private readonly end: number;

  constructor(buffer: Buffer, start = 0, end = buffer.length) {
    this.buffer = buffer;
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Throws unless every byte of this element was consumed: LDAP's SEQUENCEs have no room for extras. */
  expectEnd(what = 'element'): void {
    if (this.pos < this.end) throw new BerError(`Unexpected data at offset ${this.pos} after ${what}`);
  }

  /** The next tag octet without consuming it, or -1 at the end. */
  peekTag(): number {
    return this.pos < this.end ? this.buffer[this.pos]! : -1;
  }

  readTag(): number {
    if (this.pos >= this.end) throw new BerError(`Unexpected end of data at offset ${this.pos}`);
    const tag = this.buffer[this.pos]!;
    // X.690 §8.1.2.4: tag number 31 announces multi-octet tags; no LDAP tag number is that large.
    if ((tag & 0x1f) === 0x1f) throw new BerError(`Multi-octet tag at offset ${this.pos} is not used by LDAP`);
    this.pos++;
    return tag;
  }

  /** Reads a length and checks that its content fits in the rest of this element. */
  readLength(): number {
    if (this.pos >= this.end) throw new BerError(`Missing length at offset ${this.pos}`);
    const first = this.buffer[this.pos++]!;
    let length = first;
    if (first >= 0x80) {
      // RFC 4511 §5.1: only the definite form of length encoding is used.
      if (first === 0x80) throw new BerError(`Indefinite length at offset ${this.pos - 1}`);
      const octets = first & 0x7f;
      if (octets > 4) throw new BerError(`Length of ${octets} octets at offset ${this.pos - 1} is too long`);
      if (octets > this.end - this.pos) throw new BerError(`Truncated length at offset ${this.pos - 1}`);
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + this.buffer[this.pos++]!;
    }
    if (length > this.end - this.pos) {
      throw new BerError(`Length ${length} at offset ${this.pos} runs past the end of the data`);
    }
    return length;
  }

  /** Reads the header of an element with the expected tag; returns its content length. */
  private enter(tag: number): number {
    const found = this.readTag();
    if (found !== tag) throw new BerError(`Expected tag ${hex(tag)} at offset ${this.pos - 1}, found ${hex(found)}`);
    return this.readLength();
  }

  /** A reader over the content of a constructed element (SEQUENCE, SET or a tagged one). */
  readSequence(tag: number = BerTag.sequence): BerReader {
    const length = this.enter(tag);
    const start = this.pos;
    this.pos += length;
    return new BerReader(this.buffer, start, start + length);
  }

  /** A two's-complement INTEGER of at most 4 octets, within [min, max]. */
  readInteger(tag: number = BerTag.integer, min = MIN_INT32, max = MAX_INT): number {
    const start = this.pos;
    const length = this.enter(tag);
    if (length === 0) throw new BerError(`Empty INTEGER at offset ${start}`);
    if (length > 4) throw new BerError(`INTEGER of ${length} octets at offset ${start} is out of range`);
    // Sign-extend the first octet; four octets then fill exactly 32 bits.
    let value = (this.buffer[this.pos++]! << 24) >> 24;
    for (let i = 1; i < length; i++) value = (value << 8) | this.buffer[this.pos++]!;
    if (value < min || value > max) throw new BerError(`INTEGER ${value} at offset ${start} is out of range`);
    return value;
  }

  readEnumerated(tag: number = BerTag.enumerated, min = 0, max = MAX_INT): number {
    return this.readInteger(tag, min, max);
  }

  readBoolean(tag: number = BerTag.boolean): boolean {
    const start = this.pos;
    if (this.enter(tag) !== 1) throw new BerError(`BOOLEAN at offset ${start} must have one content octet`);
    // RFC 4511 §5.1 says TRUE is sent as 0xFF; X.690 §8.2.2 lets any non-zero octet mean TRUE.
    return this.buffer[this.pos++]! !== 0;
  }

  readNull(tag: number = BerTag.null): void {
    const start = this.pos;
    if (this.enter(tag) !== 0) throw new BerError(`NULL at offset ${start} must be empty`);
  }

  /** The content octets as a view into the underlying buffer (no copy). */
  readOctetString(tag: number = BerTag.octetString): Buffer {
    const length = this.enter(tag);
    const start = this.pos;
    this.pos += length;
    return this.buffer.subarray(start, start + length);
  }

  /** An LDAPString (RFC 4511 §4.1.2): UTF-8, rejected when malformed. */
  readString(tag: number = BerTag.octetString): string {
    const start = this.pos;
    const bytes = this.readOctetString(tag);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new BerError(`String at offset ${start} is not valid UTF-8`);
    }
  }

  /** Skips one element of any tag; returns the tag. */
  skipElement(): number {
    const tag = this.readTag();
    const length = this.readLength();
    this.pos += length;
    return tag;
  }
}
