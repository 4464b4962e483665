// The pure command parsers, checked with the RFCs' own example lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandParser } from '../../src/imap/parser/command-parser.ts';
import { parseSequenceSet, sequenceSetToUids, uidSetToRanges, formatUidSet, SequenceNumberError } from '../../src/imap/parser/sequence-set.ts';
import { parseFetchItems, sectionLabel } from '../../src/imap/fetch/fetch-args.ts';
import { parseSearch } from '../../src/imap/search/search-args.ts';
import { parseDateTime, parseSearchDate, formatDateTime } from '../../src/imap/parser/date-time.ts';
import { parseFlagList, parseStoreFlags } from '../../src/imap/parser/flags.ts';
import { ImapSyntaxError, ImapNoError } from '../../src/imap/errors.ts';
import { matchesPattern } from '../../src/imap/mailbox-list.ts';

const parser = (text: string, ...more: Array<string | Buffer>): CommandParser =>
  new CommandParser([Buffer.from(text), ...more.map((m) => (typeof m === 'string' ? Buffer.from(m) : m))]);

test('astring: atom, quoted with escapes, literal (RFC 3501 §4.3)', () => {
  const p = parser('foo "a \\"b\\" \\\\c" {5}', 'hello', ' x]y');
  assert.equal(p.astringText(), 'foo');
  p.sp();
  assert.equal(p.astringText(), 'a "b" \\c');
  p.sp();
  assert.equal(p.astringText(), 'hello');
  p.sp();
  assert.equal(p.astringText(), 'x]y');
  p.end();
});

test('quoted strings reject bad escapes, CR/LF and NUL; literals must match their size', () => {
  assert.throws(() => parser('"a\\nb"').astring(), ImapSyntaxError);
  assert.throws(() => parser('"abc').astring(), ImapSyntaxError);
  assert.throws(() => parser('{4}', 'abc', '').astring(), ImapSyntaxError);
  assert.throws(() => parser('{3}x', 'abc', '').astring(), ImapSyntaxError);
  assert.throws(() => parser('(').astring(), ImapSyntaxError);
});

test('numbers are 32-bit (RFC 3501 §9 number)', () => {
  assert.equal(parser('4294967295').number(), 4294967295);
  assert.throws(() => parser('4294967296').number(), ImapSyntaxError);
  assert.throws(() => parser('0').nzNumber(), ImapSyntaxError);
});

test('sequence sets resolve against the sequence map (RFC 3501 §9 sequence-set, §6.4.8)', () => {
  const uids = [3, 5, 6, 7, 10];
  const set = parseSequenceSet(parser('2:4,1,*'));
  assert.deepEqual(sequenceSetToUids(set, uids), [{ start: 3, end: 10 }]);
  assert.deepEqual(sequenceSetToUids(parseSequenceSet(parser('1,3')), uids), [{ start: 3, end: 3 }, { start: 6, end: 6 }]);
  assert.deepEqual(sequenceSetToUids(parseSequenceSet(parser('4:2')), uids), [{ start: 5, end: 7 }]);
  assert.throws(() => sequenceSetToUids(parseSequenceSet(parser('6')), uids), SequenceNumberError);
  assert.deepEqual(sequenceSetToUids(parseSequenceSet(parser('1:*')), []), []);
  // UID sets: "n:*" includes the highest UID even when n is above it.
  assert.deepEqual(uidSetToRanges(parseSequenceSet(parser('559:*')), uids), [{ start: 10, end: 10 }]);
  assert.deepEqual(uidSetToRanges(parseSequenceSet(parser('1:4,8,11:20')), uids), [{ start: 1, end: 4 }, { start: 8, end: 8 }]);
  assert.equal(formatUidSet([1, 2, 3, 5, 7, 8]), '1:3,5,7:8');
});

test('huge sequence sets are refused', () => {
  const set = Array.from({ length: 20000 }, (_, i) => String(i * 2 + 1)).join(',');
  assert.throws(() => parseSequenceSet(parser(set)), /too long/);
});

test('FETCH items, macros and sections (RFC 3501 §6.4.5)', () => {
  assert.deepEqual(parseFetchItems(parser('FAST')).map((i) => i.type), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
  const items = parseFetchItems(parser('(FLAGS BODY[HEADER.FIELDS (DATE FROM)] BODY.PEEK[1.2.MIME]<0.100> BODY[] body[text] RFC822.SIZE)'));
  assert.equal(items.length, 6);
  const [, fields, mime, whole, text] = items;
  assert.ok(fields?.type === 'section' && mime?.type === 'section' && whole?.type === 'section' && text?.type === 'section');
  assert.equal(sectionLabel(fields.section), '[HEADER.FIELDS (DATE FROM)]');
  assert.deepEqual(mime.section.part, [1, 2]);
  assert.equal(mime.section.text, 'MIME');
  assert.equal(mime.peek, true);
  assert.deepEqual(mime.partial, { start: 0, length: 100 });
  assert.equal(sectionLabel(whole.section), '[]');
  assert.equal(sectionLabel(text.section), '[TEXT]');
  for (const bad of ['BODY[MIME]', 'BODY[0]', 'BODY[1.]', 'BODY.PEEK', 'FOO', '(FLAGS', 'BODY[]<1>', 'BODY[HEADER.FIELDS ()]']) {
    assert.throws(() => parseFetchItems(parser(bad)), ImapSyntaxError, bad);
  }
});

test('SEARCH keys, OR/NOT/parentheses and CHARSET (RFC 3501 §6.4.4)', () => {
  const { key } = parseSearch(parser(' FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"'));
  assert.deepEqual(key, {
    type: 'and',
    keys: [
      { type: 'flag', flag: '\\Flagged', set: true },
      { type: 'internaldate', op: 'since', date: '1994-02-01' },
      { type: 'not', key: { type: 'header', field: 'from', value: 'Smith' } },
    ],
  });
  const or = parseSearch(parser(' OR (SEEN 1:3) UID 5:* '.trimEnd()));
  assert.equal(or.key.type, 'or');
  const utf8 = parseSearch(parser(' CHARSET UTF-8 SUBJECT {5}', Buffer.from('café', 'utf8'), ''));
  assert.deepEqual(utf8.key, { type: 'header', field: 'subject', value: 'café' });
  assert.throws(() => parseSearch(parser(' CHARSET KOI8-R ALL')), (e: unknown) => e instanceof ImapNoError && e.code === 'BADCHARSET (UTF-8 US-ASCII)');
  assert.throws(() => parseSearch(parser(' FOO')), ImapSyntaxError);
  assert.throws(() => parseSearch(parser(` ${'('.repeat(100)}ALL${')'.repeat(100)}`)), /nested/);
  assert.throws(() => parseSearch(parser(` ${'NOT '.repeat(100)}ALL`)), /nested/);
});

test('dates (RFC 3501 §9 date, date-time)', () => {
  assert.equal(parseSearchDate(parser('"5-Nov-2024"')), '2024-11-05');
  assert.throws(() => parseSearchDate(parser('31-Feb-2024')), ImapSyntaxError);
  const date = parseDateTime(parser('" 7-Jul-1996 02:44:25 -0700"'));
  assert.equal(date.toISOString(), '1996-07-07T09:44:25.000Z');
  assert.equal(formatDateTime(date), '"07-Jul-1996 09:44:25 +0000"');
});

test('flags: canonical system flags, \\Recent dropped, unknown system flags refused', () => {
  assert.deepEqual(parseFlagList(parser('(\\seen $Label1 \\Recent \\SEEN)')), ['\\Seen', '$Label1']);
  assert.deepEqual(parseStoreFlags(parser('\\Deleted \\Flagged')), ['\\Deleted', '\\Flagged']);
  assert.throws(() => parseFlagList(parser('(\\Bogus)')), ImapSyntaxError);
});

test('LIST wildcards: * crosses levels, % does not (RFC 3501 §6.3.8)', () => {
  assert.ok(matchesPattern('*', 'a/b/c'));
  assert.ok(matchesPattern('a/%', 'a/b'));
  assert.ok(!matchesPattern('a/%', 'a/b/c'));
  assert.ok(matchesPattern('%/c', 'b/c'));
  // Exponential backtracking is not possible.
  const started = Date.now();
  assert.ok(!matchesPattern('*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(200)));
  assert.ok(Date.now() - started < 500);
});
