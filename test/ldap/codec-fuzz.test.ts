// Fuzzing the LDAP codec (STYLE §7): random bytes, mutations of real requests (bit flips, truncation,
// lying length fields, splices) and deep nesting. frameLength may only throw FrameError, decodeMessage
// only LdapProtocolError, parseFilter only FilterSyntaxError — a RangeError, TypeError or stack overflow
// is a bug. The PRNG is seeded, so a failing case reproduces from its index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AbandonRequest,
  AddRequest,
  Attribute,
  BindRequest,
  CompareRequest,
  DeleteRequest,
  ExtendedRequest,
  FilterParser,
  ModifyDNRequest,
  PagedResultsControl,
  SearchRequest,
  UnbindRequest,
} from 'ldapts';
import { FILTER_LIMITS, type Filter } from '../../src/directory/filter.ts';
import { FilterSyntaxError, parseFilter } from '../../src/directory/filter-text.ts';
import { BerWriter } from '../../src/ldap/ber/writer.ts';
import { FrameError, frameLength } from '../../src/ldap/protocol/framing.ts';
import { LdapProtocolError, decodeMessage } from '../../src/ldap/protocol/messages.ts';
import { decodePagedResults } from '../../src/ldap/protocol/paged-results.ts';
import { seededRandom as rng } from '../mail/mime/helpers.ts';

const MAX_FRAME = 1 << 20;


const FILTERS = [
  '(&(objectClass=inetOrgPerson)(|(cn=Jan*de*Vries)(mail=*@zorg.nl))(!(sn>=M)))',
  '(cn:dn:2.5.13.5:=Huisartsen)',
  '(|(a~=b)(c<=d)(e=*)(:1.2.3:=x))',
];

function seeds(): Buffer[] {
  const paged = new PagedResultsControl({ critical: true, value: { size: 100, cookie: Buffer.from('cookie') } });
  return [
    new BindRequest({ messageId: 1, dn: 'cn=Jan,ou=Huisartsen,o=Zorg', password: 'geheim' }).write(),
    new BindRequest({ messageId: 2, mechanism: 'PLAIN', password: '\0jan\0geheim' }).write(),
    new UnbindRequest({ messageId: 3 }).write(),
    new AbandonRequest({ messageId: 4, abandonId: 70000 }).write(),
    new ExtendedRequest({ messageId: 5, oid: '1.3.6.1.4.1.4203.1.11.3' }).write(),
    new ExtendedRequest({ messageId: 6, oid: '1.2.3', value: Buffer.from([1, 2, 3]) }).write(),
    new DeleteRequest({ messageId: 7, dn: 'cn=x,o=Zorg' }).write(),
    new AddRequest({ messageId: 8, dn: 'cn=x', attributes: [new Attribute({ type: 'cn', values: ['x'] })] }).write(),
    new ModifyDNRequest({ messageId: 9, dn: 'cn=x', newRdn: 'cn=y', deleteOldRdn: true }).write(),
    new CompareRequest({ messageId: 10, dn: 'cn=x', attribute: 'sn', value: 'y' }).write(),
    ...FILTERS.map((filter, i) =>
      new SearchRequest({
        messageId: 200 + i,
        baseDN: 'ou=Adresboek,o=Zorg',
        scope: 'sub',
        sizeLimit: 50,
        filter: FilterParser.parseString(filter),
        attributes: ['cn', 'mail'],
        controls: [paged],
      }).write(),
    ),
  ];
}

/** Offsets of bytes that are probably length octets: the byte after each plausible tag. */
function lengthOffsets(message: Buffer): number[] {
  const offsets: number[] = [];
  for (let i = 1; i < message.length; i++)
    if ([0x30, 0x31, 0x02, 0x04, 0x0a, 0x01, 0x80, 0x87, 0xa0, 0xa3, 0xa4, 0x60, 0x63].includes(message[i - 1]!))
      offsets.push(i);
  return offsets;
}

function mutate(seed: Buffer, other: Buffer, random: () => number): Buffer {
  let bytes = Buffer.from(seed);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * bytes.length);
    const choice = random();
    if (choice < 0.25) {
      bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8));
    } else if (choice < 0.4) {
      bytes[at] = Math.floor(random() * 256);
    } else if (choice < 0.5) {
      bytes = bytes.subarray(0, at);
    } else if (choice < 0.75) {
      // A length field that lies: too long, too short, indefinite, long form with up to 6 octets.
      const offsets = lengthOffsets(bytes);
      const where = offsets[Math.floor(random() * offsets.length)];
      if (where === undefined) continue;
      const lies = [0x00, 0x7f, 0x80, 0x81, 0x84, 0x85, 0xff, bytes[where]! + 1, Math.max(0, bytes[where]! - 1)];
      const lie = lies[Math.floor(random() * lies.length)]!;
      const extra =
        lie > 0x80
          ? Buffer.from(Array.from({ length: Math.min(lie & 0x7f, 6) }, () => (random() < 0.5 ? 0xff : 0x00)))
          : Buffer.alloc(0);
      bytes = Buffer.concat([bytes.subarray(0, where), Buffer.from([lie & 0xff]), extra, bytes.subarray(where + 1)]);
    } else if (choice < 0.85) {
      const insert = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * 256)),
      );
      bytes = Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)]);
    } else if (choice < 0.95) {
      const from = Math.floor(random() * other.length);
      bytes = Buffer.concat([
        bytes.subarray(0, at),
        other.subarray(from, from + 1 + Math.floor(random() * 20)),
        bytes.subarray(at),
      ]);
    } else {
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + 10), bytes.subarray(at)]);
    }
  }
  return bytes;
}

function depthOf(filter: Filter): number {
  if (filter.type === 'and' || filter.type === 'or') return 1 + Math.max(0, ...filter.filters.map(depthOf));
  if (filter.type === 'not') return 1 + depthOf(filter.filter);
  return 1;
}

/** Runs one input through framing and decoding; returns whether a message was decoded. */
function exercise(bytes: Buffer, label: string): boolean {
  let length: number | null = null;
  try {
    length = frameLength(bytes, MAX_FRAME);
  } catch (error) {
    if (!(error instanceof FrameError)) assert.fail(`${label}: frameLength threw ${String(error)}`);
  }
  const frames = length === null ? [bytes] : [bytes.subarray(0, length), bytes];
  let decoded = false;
  for (const frame of frames) {
    try {
      const message = decodeMessage(frame);
      assert.ok(Number.isInteger(message.messageId) && message.messageId > 0, label);
      if (message.request.kind === 'search')
        assert.ok(depthOf(message.request.filter) <= FILTER_LIMITS.maxDepth, label);
      for (const control of message.controls) {
        try {
          decodePagedResults(control.value);
        } catch (error) {
          if (!(error instanceof LdapProtocolError)) assert.fail(`${label}: decodePagedResults threw ${String(error)}`);
        }
      }
      decoded = true;
    } catch (error) {
      if (!(error instanceof LdapProtocolError)) assert.fail(`${label}: decodeMessage threw ${String(error)}`);
    }
  }
  return decoded;
}

test('mutated requests: only FrameError and LdapProtocolError', () => {
  const random = rng(4511);
  const corpus = seeds();
  for (const seed of corpus) assert.ok(exercise(seed, 'seed'), 'every seed decodes');
  const started = Date.now();
  let decoded = 0;
  for (let i = 0; i < 20_000; i++) {
    const seed = corpus[Math.floor(random() * corpus.length)]!;
    const other = corpus[Math.floor(random() * corpus.length)]!;
    if (exercise(mutate(seed, other, random), `mutation ${i}`)) decoded++;
  }
  // Some mutations keep the message valid (a changed character in a string); most must not.
  assert.ok(decoded > 100 && decoded < 20_000, `${decoded} mutations decoded`);
  assert.ok(Date.now() - started < 20_000, 'the fuzz loop finished in time');
});

test('random bytes: only FrameError and LdapProtocolError', () => {
  const random = rng(2696);
  for (let i = 0; i < 5_000; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    if (random() < 0.7 && bytes.length > 0) bytes[0] = 0x30;
    if (random() < 0.5 && bytes.length > 1) bytes[1] = bytes.length - 2 < 0x80 ? bytes.length - 2 : 0x7f;
    exercise(bytes, `random ${i}`);
  }
});

/** A search request whose filter is `depth` nested filters of one kind around a present filter. */
function deepSearch(depth: number, tag: number): Buffer {
  const writer = new BerWriter(depth * 6 + 64);
  writer.startSequence();
  writer.writeInteger(1);
  writer.startSequence(0x63);
  writer.writeOctetString('o=Zorg');
  writer.writeEnumerated(2);
  writer.writeEnumerated(0);
  writer.writeInteger(0);
  writer.writeInteger(0);
  writer.writeBoolean(false);
  for (let i = 0; i < depth; i++) writer.startSequence(tag);
  writer.writeOctetString('cn', 0x87);
  for (let i = 0; i < depth; i++) writer.endSequence();
  writer.startSequence();
  writer.endSequence();
  writer.endSequence();
  writer.endSequence();
  return Buffer.from(writer.toBuffer());
}

test('10,000 levels of nesting fail fast with a protocol error, never a stack overflow', () => {
  for (const tag of [0xa0, 0xa1, 0xa2]) {
    const started = Date.now();
    const message = deepSearch(10_000, tag);
    assert.equal(frameLength(message, MAX_FRAME), message.length);
    assert.throws(
      () => decodeMessage(message),
      (error: unknown) =>
        error instanceof LdapProtocolError && /nested deeper/.test(error.message) && error.messageId === 1,
    );
    // The same with the lengths truncated: a prefix of the message, re-framed.
    const truncated = message.subarray(0, 20_000);
    assert.throws(() => decodeMessage(truncated), LdapProtocolError);
    assert.ok(Date.now() - started < 1000);
  }
  assert.doesNotThrow(() => decodeMessage(deepSearch(FILTER_LIMITS.maxDepth - 1, 0xa2)));
  assert.throws(() => parseFilter('(&'.repeat(10_000) + '(a=b)' + ')'.repeat(10_000)), FilterSyntaxError);
  assert.throws(() => parseFilter('('.repeat(10_000)), FilterSyntaxError);
});

test('mutated filter text: only FilterSyntaxError', () => {
  const random = rng(4515);
  const alphabet = '()&|!=~<>*:\\ \0aZ09.;-é😀';
  let parsed = 0;
  for (let i = 0; i < 10_000; i++) {
    let text = FILTERS[Math.floor(random() * FILTERS.length)]!;
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (text.length + 1));
      const choice = random();
      if (choice < 0.4)
        text = text.slice(0, at) + [...alphabet][Math.floor(random() * [...alphabet].length)] + text.slice(at);
      else if (choice < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
      else if (choice < 0.8) text = text.slice(0, at) + '\\' + Math.floor(random() * 256).toString(16) + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + 12).repeat(2) + text.slice(at);
    }
    try {
      parseFilter(text);
      parsed++;
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) assert.fail(`${JSON.stringify(text)}: ${String(error)}`);
    }
  }
  assert.ok(parsed > 0);
});
