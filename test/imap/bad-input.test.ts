// Malformed and hostile input: every syntax error is BAD (RFC 3501 §7.1.3) and the connection keeps
// working; input that could desynchronise the stream (over-long lines, oversized non-synchronising
// literals) ends the connection with BYE.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, type ImapTestServer } from './helpers/imap-test-server.ts';

let s: ImapTestServer;
before(async () => {
  s = await startImapTestServer({ limits: { maxLineBytes: 8192 } });
});
after(() => s.close());

test('malformed commands are answered with BAD and the session goes on', async () => {
  const c = await s.login();
  await c.command('s', 'SELECT INBOX');
  const cases: Array<[string, string]> = [
    ['x1 FROB', 'x1 BAD Unknown command'],
    ['x2 LOGIN', 'x2 BAD Already logged in'],
    ['x3 SELECT', 'x3 BAD Expected space'],
    ['x4 SELECT "unterminated', 'x4 BAD Unterminated quoted string'],
    ['x5 LIST "" * extra', 'x5 BAD Unexpected characters at end of command'],
    ['x6 STORE 1:x +FLAGS (\\Seen)', 'x6 BAD Expected number'],
    ['x7 FETCH 1 BODY[HEADER.FIELDS]', 'x7 BAD Expected space'],
    ['x8 NOOP extra', 'x8 BAD Unexpected characters at end of command'],
    ['x9 UID', 'x9 BAD Unknown command'],
    ['x10 UID FROB 1', 'x10 BAD Unknown command'],
    ['x11 COPY 1', 'x11 BAD Expected space'],
    ['x12 FETCH 4294967296 FLAGS', 'x12 BAD Number too large'],
    ['x13 CREATE "a\\b"', 'x13 BAD Invalid escape in quoted string'],
  ];
  for (const [command, expected] of cases) {
    const [tag, ...rest] = command.split(' ');
    assert.equal((await c.command(tag!, rest.join(' '))).tagged, expected, command);
  }
  c.write('\r\n');
  assert.equal(await c.readResponse(), '* BAD Missing or invalid tag');
  c.write('+tag NOOP\r\n');
  assert.equal(await c.readResponse(), '* BAD Missing or invalid tag');
  assert.equal((await c.command('ok', 'NOOP')).tagged, 'ok OK NOOP completed');
  c.close();
});

test('deeply nested parentheses and huge sequence sets are refused quickly', async () => {
  const c = await s.login();
  await c.command('s', 'SELECT INBOX');
  const started = Date.now();
  assert.equal((await c.command('n1', `SEARCH ${'('.repeat(2000)}ALL${')'.repeat(2000)}`)).tagged, 'n1 BAD Search too deeply nested');
  assert.equal((await c.command('n2', `SEARCH ${'NOT '.repeat(1500)}ALL`)).tagged, 'n2 BAD Search too deeply nested');
  const ranges = Array.from({ length: 700 }, (_, i) => `${i * 2 + 1}:${i * 2 + 2}`).join(',');
  assert.equal((await c.command('n3', `UID FETCH ${ranges} UID`)).tagged, 'n3 OK UID FETCH completed');
  assert.equal((await c.command('n4', `SEARCH ${Array.from({ length: 1200 }, () => 'ALL').join(' ')}`)).tagged, 'n4 BAD Search has too many keys');
  // Loose: what matters is that nothing is exponential (that would take minutes, not seconds).
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  c.close();
});

test('literals in ordinary commands are limited; before login even more', async () => {
  const c = await s.connect();
  await c.readResponse();
  c.write('l1 LOGIN {9000}\r\n');
  assert.equal(await c.readResponse(), 'l1 NO [TOOBIG] Literal too large');
  c.write('l2 LOGIN {100000+}\r\n');
  assert.equal(await c.readResponse(), 'l2 BAD [TOOBIG] Literal too large');
  assert.equal(await c.readResponse(), '* BYE Protocol error, closing connection');
  await c.waitClosed();
  const d = await s.login();
  d.write('l3 CREATE {70000}\r\n');
  assert.equal(await d.readResponse(), 'l3 NO [TOOBIG] Literal too large');
  d.close();
});

test('an over-long line ends the connection without being buffered', async () => {
  const c = await s.connect();
  await c.readResponse();
  c.write(`t1 LOGIN ${'x'.repeat(20000)}`);
  assert.equal(await c.readResponse(), '* BYE Line too long');
  await c.waitClosed();
});

test('a client that vanishes mid-command leaves the server healthy', async () => {
  const c = await s.login();
  c.write('v1 SELECT INBOX\r\nv2 FETCH 1:* (FLAGS');
  c.close();
  const d = await s.login();
  assert.equal((await d.command('v3', 'NOOP')).tagged, 'v3 OK NOOP completed');
  d.close();
});

test('pipelined commands are answered in order', async () => {
  const c = await s.login();
  c.write('p1 NOOP\r\np2 SELECT INBOX\r\np3 CAPABILITY\r\np4 NOOP\r\n');
  assert.equal((await c.until('p1')).tagged, 'p1 OK NOOP completed');
  assert.match((await c.until('p2')).tagged, /^p2 OK \[READ-WRITE\]/);
  assert.equal((await c.until('p3')).tagged, 'p3 OK CAPABILITY completed');
  assert.equal((await c.until('p4')).tagged, 'p4 OK NOOP completed');
  c.close();
});
