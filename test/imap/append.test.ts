// APPEND (RFC 3501 §6.3.11) with synchronising and non-synchronising literals (RFC 7888),
// APPENDUID (RFC 4315), APPENDLIMIT (RFC 7889), and literals that never arrive.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';

let s: ImapTestServer;
before(async () => {
  s = await startImapTestServer({ maxMessageSize: 10_000 });
});
after(() => s.close());

const inboxCount = async (): Promise<number> => (await s.folder('INBOX')).messages;

test('synchronising literal: continuation, then APPENDUID; flags and date are stored', async () => {
  const c = await s.login();
  const body = message('appended');
  const inbox = await s.folder('INBOX');
  c.write(`a1 APPEND INBOX (\\Seen $Label1) "14-Jul-2024 10:00:00 +0200" {${body.length}}\r\n`);
  assert.equal(await c.readResponse(), '+ Ready for literal data');
  c.write(Buffer.concat([body, Buffer.from('\r\n')]));
  assert.deepEqual((await c.until('a1')).all, [`a1 OK [APPENDUID ${inbox.uidValidity} 1] APPEND completed`]);
  const [stored] = await s.messages('INBOX');
  assert.deepEqual(stored!.flags, ['\\Seen', '$Label1']);
  assert.equal(stored!.internalDate.toISOString(), '2024-07-14T08:00:00.000Z');
  assert.ok((await s.mail.readBody(stored!.bodyId)).equals(body));
  c.close();
});

test('non-synchronising literal (LITERAL+) needs no round trip; 8-bit bytes are kept', async () => {
  const c = await s.login();
  const body = Buffer.concat([Buffer.from('Subject: 8bit\r\n\r\n'), Buffer.from([0xc3, 0xa9, 0xff, 0x80, 0x0a, 0x41])]);
  c.write(Buffer.concat([Buffer.from(`a2 APPEND Sent {${body.length}+}\r\n`), body, Buffer.from('\r\n')]));
  const { all } = await c.until('a2');
  assert.match(all[0]!, /^a2 OK \[APPENDUID \d+ 1\] APPEND completed$/);
  const [sent] = await s.messages('Sent');
  assert.ok((await s.mail.readBody(sent!.bodyId)).equals(body));
  c.close();
});

test('appending to the selected folder announces EXISTS', async () => {
  const c = await s.login();
  await c.command('s', 'SELECT INBOX');
  const body = message('second');
  c.write(Buffer.concat([Buffer.from(`a3 APPEND inbox {${body.length}+}\r\n`), body, Buffer.from('\r\n')]));
  const { all } = await c.until('a3');
  // Nobody selected INBOX before, so both messages are recent to this session.
  assert.deepEqual(all.slice(0, 2), ['* 2 EXISTS', '* 2 RECENT']);
  assert.match(all[2]!, /^a3 OK \[APPENDUID \d+ 2\]/);
  c.close();
});

test('missing folder → TRYCREATE; empty message → NO', async () => {
  const c = await s.login();
  assert.equal((await c.command('t1', 'APPEND Nope {3+}\r\nabc')).tagged, 't1 NO [TRYCREATE] No such mailbox');
  assert.equal((await c.command('t2', 'APPEND INBOX {0+}\r\n')).tagged, 't2 NO [CANNOT] Empty message');
  assert.equal((await c.command('t3', 'APPEND INBOX (\\Bogus) {3+}\r\nabc')).tagged, 't3 BAD Unknown system flag \\Bogus');
  assert.equal((await c.command('t4', 'APPEND INBOX "31-Feb-2024 00:00:00 +0000" {3+}\r\nabc')).tagged, 't4 BAD Invalid date-time');
  c.close();
});

test('a too-big synchronising literal is refused with NO [TOOBIG] before any data (RFC 7889)', async () => {
  const c = await s.login();
  const before = await inboxCount();
  c.write('b1 APPEND INBOX {10001}\r\n');
  assert.equal(await c.readResponse(), 'b1 NO [TOOBIG] Message too large');
  assert.equal((await c.command('b2', 'NOOP')).tagged, 'b2 OK NOOP completed');
  assert.equal(await inboxCount(), before);
  c.close();
});

test('a too-big non-synchronising literal ends the connection (RFC 7888 §4)', async () => {
  const c = await s.login();
  c.write('b3 APPEND INBOX {50000+}\r\n');
  assert.equal(await c.readResponse(), 'b3 BAD [TOOBIG] Literal too large');
  assert.equal(await c.readResponse(), '* BYE Protocol error, closing connection');
  await c.waitClosed();
});

test('a client that disconnects mid-literal stores nothing', async () => {
  const c = await s.login();
  const before = await inboxCount();
  c.write('d1 APPEND INBOX {5000+}\r\nFrom: half@message\r\n');
  await new Promise((r) => setTimeout(r, 50));
  c.close();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await inboxCount(), before);
  // A literal whose size lies (more bytes follow) leaves the extra bytes to be parsed as a command.
  const d = await s.login();
  d.write('d2 APPEND INBOX {5+}\r\nHello world\r\n');
  const { all } = await d.until('d2');
  assert.equal(all.at(-1), 'd2 BAD Unexpected characters after the message literal');
  assert.equal(await inboxCount(), before);
  d.close();
});

test('refusals come before the continuation request, so no data is sent for nothing (RFC 3501 §7.5)', async () => {
  const c = await s.login();
  c.write('r1 APPEND Nope {10}\r\n');
  assert.equal(await c.readResponse(), 'r1 NO [TRYCREATE] No such mailbox');
  c.write('r2 APPEND INBOX (\\Bogus) {10}\r\n');
  assert.equal(await c.readResponse(), 'r2 BAD Unknown system flag \\Bogus');
  c.write('r3 APPEND INBOX {0}\r\n');
  assert.equal(await c.readResponse(), 'r3 NO [CANNOT] Empty message');
  assert.equal((await c.command('r4', 'NOOP')).tagged, 'r4 OK NOOP completed');
  c.close();
});

test('a store failure while the literal streams skips the rest of the command', async () => {
  const { UserError } = await import('../../src/errors.ts');
  const c = await s.login();
  const before = await inboxCount();
  // The store reads the first piece of the literal, then refuses the message.
  const restore = s.override('append', async (_folderId, source) => {
    for await (const _piece of source as AsyncIterable<Buffer>) break;
    throw new UserError('OVERQUOTA', 'Mailbox is full');
  });
  try {
    const body = message('over quota', 'x'.repeat(5000));
    c.write(Buffer.concat([Buffer.from(`q1 APPEND INBOX {${body.length}+}\r\n`), body, Buffer.from('\r\nq2 NOOP\r\n')]));
    assert.deepEqual((await c.until('q1')).all, ['q1 NO [OVERQUOTA] Mailbox is full']);
    assert.deepEqual((await c.until('q2')).all, ['q2 OK NOOP completed']);
  } finally {
    restore();
  }
  assert.equal(await inboxCount(), before);
  c.close();
});

test('a mailbox name sent as a literal takes the collected-literal path', async () => {
  const c = await s.login();
  const body = message('literal mailbox');
  c.write(Buffer.concat([Buffer.from(`m1 APPEND {5+}\r\nDraft {${body.length}+}\r\n`), body, Buffer.from('\r\n')]));
  assert.equal((await c.until('m1')).tagged, 'm1 NO [TRYCREATE] No such mailbox');
  c.write(Buffer.concat([Buffer.from(`m2 APPEND {6+}\r\nDrafts {${body.length}+}\r\n`), body, Buffer.from('\r\n')]));
  assert.match((await c.until('m2')).tagged, /^m2 OK \[APPENDUID \d+ 1\] APPEND completed$/);
  c.close();
});

test('APPEND before login is refused', async () => {
  const c = await s.connect();
  await c.readResponse();
  assert.equal((await c.command('n1', 'APPEND INBOX {3+}\r\nabc')).tagged, 'n1 BAD Log in first');
  c.close();
});
