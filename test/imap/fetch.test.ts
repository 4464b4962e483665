// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8, §7.4.2): data items, macros, sections, partials,
// the implicit \Seen, exact stored bytes, and bad input.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';
import type { TestClient } from './helpers/imap-client.ts';

const MULTIPART = Buffer.from(
  [
    'From: Jan <jan@praktijk.nl>',
    'To: piet@praktijk.nl',
    'Subject: Verslag',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    'preamble',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Geachte collega, zie bijlage. Één ß.',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    'From: lab@lab.nl',
    'Subject: Uitslag',
    '',
    'Inner body',
    '--b1--',
    '',
  ].join('\r\n'),
);
const LF_ONLY = Buffer.from('From: a@b.nl\nSubject: lf\n\nline one\nline two\n');
const BINARY = Buffer.concat([Buffer.from('Subject: bin\r\nContent-Type: application/octet-stream\r\n\r\n'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i % 255) + 1))]);

let s: ImapTestServer;
let c: TestClient;
before(async () => {
  s = await startImapTestServer();
  const inbox = await s.folder('INBOX');
  await s.mail.append(inbox.id, message('first'), { internalDate: new Date('2024-03-05T10:11:12Z') });
  await s.mail.append(inbox.id, MULTIPART);
  await s.mail.append(inbox.id, LF_ONLY);
  await s.mail.append(inbox.id, BINARY, { flags: ['\\Seen'] });
  c = await s.login();
  await c.command('s', 'SELECT INBOX');
});
after(() => s.close());

test('FAST, ALL and FULL macros', async () => {
  const size = message('first').length;
  assert.deepEqual((await c.command('f1', 'FETCH 1 FAST')).untagged, [`* 1 FETCH (FLAGS (\\Recent) INTERNALDATE "05-Mar-2024 10:11:12 +0000" RFC822.SIZE ${size})`]);
  const all = (await c.command('f2', 'FETCH 1 ALL')).untagged[0]!;
  assert.match(all, /ENVELOPE \("Mon, 1 Jan 2024 10:00:00 \+0100" "first" \(\("Jan" NIL "jan" "praktijk.nl"\)\)/);
  const full = (await c.command('f3', 'FETCH 1 FULL')).untagged[0]!;
  assert.match(full, / BODY \("TEXT" "PLAIN" \("CHARSET" "us-ascii"\) NIL NIL "7BIT" 7 1\)\)$/);
});

test('BODYSTRUCTURE of a multipart with an encapsulated message', async () => {
  const line = (await c.command('b1', 'FETCH 2 BODYSTRUCTURE')).untagged[0]!;
  assert.match(line, /^\* 2 FETCH \(BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "8BIT" \d+ \d+ NIL NIL NIL NIL\)\("MESSAGE" "RFC822" NIL NIL NIL "7BIT" \d+ \(NIL "Uitslag" \(\(NIL NIL "lab" "lab.nl"\)\)/);
  assert.match(line, / "MIXED" \("BOUNDARY" "b1"\) NIL NIL NIL\)\)$/);
});

test('sections: [], HEADER, TEXT, part numbers, MIME, HEADER.FIELDS(.NOT), nested message parts', async () => {
  const text = MULTIPART.toString('latin1');
  const get = async (tag: string, section: string): Promise<string> => {
    const line = (await c.command(tag, `FETCH 2 BODY.PEEK[${section}]`)).untagged[0]!;
    const match = /\{(\d+)\}\r\n([\s\S]*)\)$/.exec(line);
    assert.ok(match, line);
    assert.equal(Number(match[1]), Buffer.byteLength(match[2]!, 'latin1'));
    return match[2]!;
  };
  assert.equal(await get('x1', ''), text);
  assert.equal(await get('x2', 'HEADER'), text.slice(0, text.indexOf('\r\n\r\n') + 4));
  assert.equal(await get('x3', 'TEXT'), text.slice(text.indexOf('\r\n\r\n') + 4));
  assert.equal(await get('x4', '1'), 'Geachte collega, zie bijlage. \xc3\x89\xc3\xa9n \xc3\x9f.');
  assert.equal(await get('x5', '1.MIME'), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n');
  assert.equal(await get('x6', '2.HEADER'), 'From: lab@lab.nl\r\nSubject: Uitslag\r\n\r\n');
  assert.equal(await get('x7', '2.TEXT'), 'Inner body');
  assert.equal(await get('x8', '2.1'), 'Inner body');
  assert.equal(await get('x9', 'HEADER.FIELDS (SUBJECT to)'), 'To: piet@praktijk.nl\r\nSubject: Verslag\r\n\r\n');
  assert.equal(await get('x10', 'HEADER.FIELDS.NOT (Content-Type From To)'), 'Subject: Verslag\r\n\r\n');
  // A part that does not exist is an empty string.
  assert.equal((await c.command('x11', 'FETCH 2 BODY.PEEK[7]')).untagged[0], '* 2 FETCH (BODY[7] "")');
  assert.equal((await c.command('x12', 'FETCH 2 BODY.PEEK[1.HEADER]')).untagged[0], '* 2 FETCH (BODY[1.HEADER] "")');
});

test('partial fetches answer with the origin octet (RFC 3501 §6.4.5)', async () => {
  assert.deepEqual((await c.command('p1', 'FETCH 1 BODY.PEEK[]<0.4>')).untagged, ['* 1 FETCH (BODY[]<0> {4}\r\nFrom)']);
  assert.deepEqual((await c.command('p2', 'FETCH 1 BODY.PEEK[HEADER]<6.3>')).untagged, ['* 1 FETCH (BODY[HEADER]<6> {3}\r\nJan)']);
  assert.deepEqual((await c.command('p3', 'FETCH 1 BODY.PEEK[]<100000.10>')).untagged, ['* 1 FETCH (BODY[]<100000> {0}\r\n)']);
});

test('stored bytes come back exactly: LF-only and 8-bit/binary bodies, streamed when large', async () => {
  const lf = (await c.command('r1', 'FETCH 3 RFC822')).untagged[0]!;
  assert.equal(lf, `* 3 FETCH (RFC822 {${LF_ONLY.length}}\r\n${LF_ONLY.toString('latin1')} FLAGS (\\Seen \\Recent))`);
  const bin = (await c.command('r2', 'UID FETCH 4 (BODY.PEEK[] RFC822.SIZE)', 10_000)).untagged[0]!;
  assert.ok(bin.startsWith(`* 4 FETCH (UID 4 BODY[] {${BINARY.length}}\r\n`));
  const start = bin.indexOf('\r\n') + 2;
  assert.ok(Buffer.from(bin.slice(start, start + BINARY.length), 'latin1').equals(BINARY));
  assert.ok(bin.endsWith(` RFC822.SIZE ${BINARY.length})`));
});

test('a non-PEEK body fetch sets \\Seen and reports FLAGS; RFC822.HEADER and RFC822.TEXT', async () => {
  const line = (await c.command('n1', 'FETCH 1 (RFC822.HEADER)')).untagged[0]!;
  assert.match(line, /^\* 1 FETCH \(RFC822.HEADER \{\d+\}\r\nFrom: Jan/);
  assert.ok(!line.includes('FLAGS'));
  const text = await c.command('n2', 'FETCH 1 RFC822.TEXT');
  assert.deepEqual(text.untagged, ['* 1 FETCH (RFC822.TEXT {7}\r\nHello\r\n FLAGS (\\Seen \\Recent))']);
  assert.deepEqual((await c.command('n3', 'FETCH 1 (FLAGS BODY[TEXT])')).untagged, ['* 1 FETCH (FLAGS (\\Seen \\Recent) BODY[TEXT] {7}\r\nHello\r\n)']);
  // The session's own \Seen change is not announced again afterwards.
  assert.deepEqual((await c.command('n4', 'NOOP')).all, ['n4 OK NOOP completed']);
});

test('UID FETCH always includes UID; unknown UIDs give an empty OK', async () => {
  assert.deepEqual((await c.command('u1', 'UID FETCH 2 FLAGS')).untagged, ['* 2 FETCH (UID 2 FLAGS (\\Recent))']);
  assert.deepEqual((await c.command('u2', 'UID FETCH 50:60 FLAGS')).all, ['u2 OK UID FETCH completed']);
  assert.deepEqual((await c.command('u3', 'UID FETCH 3:* UID')).untagged, ['* 3 FETCH (UID 3)', '* 4 FETCH (UID 4)']);
  assert.deepEqual((await c.command('u4', 'UID FETCH 99:* UID')).untagged, ['* 4 FETCH (UID 4)']);
});

test('bad FETCH commands are BAD', async () => {
  assert.equal((await c.command('b1', 'FETCH 9 FLAGS')).tagged, 'b1 BAD Invalid message sequence number');
  assert.equal((await c.command('b2', 'FETCH 1 (FLAGS')).tagged, 'b2 BAD Expected space');
  assert.equal((await c.command('b3', 'FETCH 1 BOGUS')).tagged, 'b3 BAD Unknown fetch attribute BOGUS');
  assert.equal((await c.command('b4', 'FETCH 0 FLAGS')).tagged, 'b4 BAD Expected non-zero number');
  assert.equal((await c.command('b5', 'FETCH 1 FLAGS (CHANGEDSINCE 1)')).tagged, 'b5 BAD FETCH modifiers are not supported');
  assert.equal((await c.command('b6', 'FETCH')).tagged, 'b6 BAD Expected space');
});

test('a body stream that fails mid-literal closes the connection instead of corrupting it', async () => {
  const d = await s.login();
  await d.command('s', 'SELECT INBOX');
  const big = (await s.messages('INBOX'))[3]!;
  // The blob read fails halfway through the literal (a disk error, a blob gone missing).
  const restore = s.override('openBody', async (bodyId, range) => {
    const real = await s.mail.openBody(bodyId, range);
    if (bodyId !== big.bodyId) return real;
    return Readable.from(
      (async function* () {
        let room = Math.floor(BINARY.length / 2);
        for await (const chunk of real as AsyncIterable<Buffer>) {
          yield chunk.subarray(0, room);
          room -= Math.min(room, chunk.length);
          if (room === 0) throw new Error('blob read failed');
        }
      })(),
      { objectMode: false },
    );
  });
  try {
    d.write('z1 FETCH 4 BODY.PEEK[]\r\n');
    const sent = await d.waitClosed();
    assert.ok(sent.startsWith(`* 4 FETCH (BODY[] {${BINARY.length}}\r\n`));
    assert.ok(sent.length < BINARY.length);
  } finally {
    restore();
  }
  assert.equal((await c.command('z2', 'NOOP')).tagged, 'z2 OK NOOP completed');
});
