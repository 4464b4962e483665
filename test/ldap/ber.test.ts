// The BER reader and writer (RFC 4511 §5.1), checked against ldapts's independent BER implementation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BerReader as LdaptsReader, BerWriter as LdaptsWriter } from 'ldapts';
import { BerError, BerReader, BerTag, MAX_INT, MIN_INT32 } from '../../src/ldap/ber/reader.ts';
import { BerWriter } from '../../src/ldap/ber/writer.ts';

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const reader = (hex: string): BerReader => new BerReader(bytes(hex));

const INTEGERS = [
  0,
  1,
  127,
  128,
  255,
  256,
  32767,
  32768,
  65535,
  8388607,
  8388608,
  MAX_INT,
  -1,
  -128,
  -129,
  -32768,
  -32769,
  -8388608,
  -8388609,
  MIN_INT32,
];

test('integers: our encoding matches ldapts, and both read back', () => {
  for (const value of INTEGERS) {
    const ours = new BerWriter();
    ours.writeInteger(value);
    const theirs = new LdaptsWriter();
    theirs.writeInt(value);
    assert.deepEqual(ours.toBuffer(), theirs.buffer, `encoding of ${value}`);
    assert.equal(new BerReader(theirs.buffer).readInteger(), value);
    assert.equal(new LdaptsReader(ours.toBuffer()).readInt(), value);
  }
});

test('integers: length and range limits', () => {
  assert.throws(() => reader('02 00').readInteger(), BerError, 'empty');
  assert.throws(() => reader('02 05 00 00 00 00 01').readInteger(), /5 octets/);
  assert.throws(() => reader('02 01 ff').readInteger(BerTag.integer, 0, MAX_INT), /out of range/);
  assert.throws(() => reader('02 01 05').readInteger(BerTag.integer, 1, 4), /out of range/);
  // Non-minimal but within 4 octets: accepted.
  assert.equal(reader('02 04 00 00 00 05').readInteger(), 5);
  assert.equal(reader('02 02 ff ff').readInteger(), -1);
  assert.equal(reader('0a 01 02').readEnumerated(), 2);
  assert.throws(() => reader('0a 01 ff').readEnumerated(), BerError, 'enumerations default to non-negative');
  assert.throws(() => reader('04 01 05').readInteger(), /Expected tag 0x02 at offset 0, found 0x04/);
});

test('lengths: short, long and non-minimal forms; indefinite, over-long and lying lengths fail', () => {
  assert.equal(reader('04 03 61 62 63').readString(), 'abc');
  assert.equal(reader('04 81 03 61 62 63').readString(), 'abc', 'non-minimal long form is accepted');
  assert.equal(reader('04 84 00 00 00 01 61').readString(), 'a');
  const long = Buffer.concat([bytes('04 82 01 2c'), Buffer.alloc(300, 0x61)]);
  assert.equal(new BerReader(long).readString(), 'a'.repeat(300));
  assert.throws(() => reader('30 80 00 00').readSequence(), /Indefinite length/);
  assert.throws(() => reader('04 85 00 00 00 00 01 61').readString(), /5 octets .* too long/);
  assert.throws(() => reader('04 04 61 62').readString(), /runs past the end/);
  assert.throws(() => reader('04 84 ff ff ff ff 61').readString(), /runs past the end/);
  assert.throws(() => reader('04 82 01').readString(), /Truncated length/);
  assert.throws(() => reader('04').readString(), /Missing length/);
  assert.throws(() => reader('').readTag(), /Unexpected end/);
});

test('sequences are bounded by their length, even when the buffer goes on', () => {
  const outer = reader('30 03 02 01 07 04 01 61');
  const inner = outer.readSequence();
  assert.equal(inner.readInteger(), 7);
  assert.equal(inner.atEnd, true);
  assert.equal(inner.peekTag(), -1);
  assert.throws(() => inner.readString(), /Unexpected end/);
  assert.equal(outer.readString(), 'a');
  outer.expectEnd();
  // An inner length that is within the buffer but beyond its parent is still a lie.
  assert.throws(() => reader('30 02 04 03 61 62 63').readSequence().readString(), /runs past the end/);
  assert.throws(() => reader('30 00 05 00').expectEnd('message'), /Unexpected data at offset 0 after message/);
});

test('booleans, nulls, multi-octet tags and skipping', () => {
  assert.equal(reader('01 01 ff').readBoolean(), true);
  assert.equal(reader('01 01 01').readBoolean(), true, 'any non-zero octet is TRUE in BER');
  assert.equal(reader('01 01 00').readBoolean(), false);
  assert.throws(() => reader('01 02 00 00').readBoolean(), /one content octet/);
  assert.throws(() => reader('01 00').readBoolean(), /one content octet/);
  reader('05 00').readNull();
  assert.throws(() => reader('05 01 00').readNull(), /must be empty/);
  assert.throws(() => reader('1f 81 00 00').readTag(), /Multi-octet tag/);
  const r = reader('63 02 04 00 42 00');
  assert.equal(r.skipElement(), 0x63);
  assert.equal(r.peekTag(), 0x42);
  assert.equal(r.offset, 4);
  assert.equal(r.remaining, 2);
});

test('strings are strict UTF-8 and keep a leading BOM; octet strings are raw views', () => {
  assert.equal(reader('04 07 4c 75 c4 8d 69 c4 87').readString(), 'Lučić');
  assert.equal(reader('04 04 ef bb bf 61').readString(), '\ufeffa');
  assert.throws(() => reader('04 02 c4 28').readString(), /not valid UTF-8/);
  assert.throws(() => reader('04 01 ff').readString(), /not valid UTF-8/);
  const octets = reader('04 02 c4 28').readOctetString();
  assert.deepEqual([...octets], [0xc4, 0x28]);
  assert.equal(reader('80 01 61').readString(0x80), 'a');
});

test('writer: nested sequences around the 127- and 65535-octet length boundaries match ldapts', () => {
  for (const size of [0, 1, 120, 121, 122, 125, 126, 127, 128, 250, 255, 256, 65530, 65535, 65536, 70000]) {
    const value = 'x'.repeat(size);
    const ours = new BerWriter(4);
    const theirs = new LdaptsWriter();
    for (const w of [ours, theirs]) {
      w.startSequence(0x30);
      w.startSequence(0x63);
      if (w instanceof BerWriter) {
        w.writeOctetString(value);
        w.writeBoolean(true);
        w.writeEnumerated(2);
      } else {
        w.writeString(value);
        w.writeBoolean(true);
        w.writeEnumeration(2);
      }
      w.endSequence();
      w.startSequence(0xa0);
      w.endSequence();
      w.endSequence();
    }
    assert.deepEqual(ours.toBuffer(), theirs.buffer, `content of ${size} bytes`);
    const outer = new BerReader(ours.toBuffer()).readSequence();
    const inner = outer.readSequence(0x63);
    assert.equal(inner.readString(), value);
    assert.equal(inner.readBoolean(), true);
    assert.equal(inner.readEnumerated(), 2);
    assert.equal(outer.readSequence(0xa0).atEnd, true);
  }
});

test('writer: buffers, UTF-8, raw bytes, nulls and misuse', () => {
  const w = new BerWriter(1);
  w.writeOctetString(Buffer.from([1, 2, 3]), 0x81);
  w.writeOctetString('Lučić');
  w.writeNull(0x42);
  w.writeRaw(bytes('05 00'));
  assert.deepEqual(w.toBuffer(), bytes('81 03 010203 04 07 4c75c48d69c487 42 00 05 00'));
  assert.equal(w.length, 18);
  const open = new BerWriter();
  open.startSequence();
  assert.throws(() => open.toBuffer(), BerError);
  assert.throws(() => new BerWriter().endSequence(), BerError);
  assert.throws(() => new BerWriter().writeInteger(2 ** 31), BerError);
  assert.throws(() => new BerWriter().writeInteger(1.5), BerError);
});
