// Untagged updates from other sessions (RFC 3501 §5.2, §5.5, §7.4.1) and IDLE (RFC 2177):
// EXISTS/RECENT and FETCH FLAGS may come with any command; EXPUNGE never during FETCH, STORE or
// SEARCH, nor while no command runs (except IDLE); the session's own changes are not re-announced.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';
import type { TestClient } from './helpers/imap-client.ts';

let s: ImapTestServer;
let a: TestClient;
let b: TestClient;
let inboxId: number;

beforeEach(async () => {
  s = await startImapTestServer();
  inboxId = (await s.folder('INBOX')).id;
  for (const subject of ['one', 'two', 'three']) await s.mail.append(inboxId, message(subject));
  await s.mail.claimRecent(inboxId);
  a = await s.login();
  b = await s.login();
  await a.command('as', 'SELECT INBOX');
  await b.command('bs', 'SELECT INBOX');
});
afterEach(() => s.close());

// RFC 2177 wants IDLE updates pushed promptly; generous, as every change is an fsynced commit and
// the test machine may be busy.
const PROMPTLY = 5000;

const quiet = async (client: TestClient, ms = 100): Promise<void> => {
  await assert.rejects(client.readResponse(ms), /timeout/);
};

test("another session's append shows up as EXISTS and RECENT on the next command", async () => {
  await s.mail.append(inboxId, message('four'));
  await quiet(a);
  assert.deepEqual((await a.command('a1', 'NOOP')).all, ['* 4 EXISTS', '* 1 RECENT', 'a1 OK NOOP completed']);
  // The new message was recent to A only.
  assert.deepEqual((await b.command('b1', 'NOOP')).all, ['* 4 EXISTS', '* 0 RECENT', 'b1 OK NOOP completed']);
  // EXISTS may come with FETCH too.
  await s.mail.append(inboxId, message('five'));
  assert.deepEqual((await a.command('a2', 'FETCH 1 UID')).all, ['* 1 FETCH (UID 1)', '* 5 EXISTS', '* 2 RECENT', 'a2 OK FETCH completed']);
});

test("another session's flag change arrives as FETCH FLAGS; the session's own STORE is not repeated", async () => {
  assert.deepEqual((await b.command('b1', 'STORE 2 +FLAGS (\\Flagged)')).untagged, ['* 2 FETCH (FLAGS (\\Flagged))']);
  assert.deepEqual((await b.command('b2', 'NOOP')).all, ['b2 OK NOOP completed']);
  assert.deepEqual((await a.command('a1', 'NOOP')).all, ['* 2 FETCH (UID 2 FLAGS (\\Flagged))', 'a1 OK NOOP completed']);
  assert.deepEqual((await a.command('a2', 'NOOP')).all, ['a2 OK NOOP completed']);
});

test('EXPUNGE waits while FETCH, STORE and SEARCH run, then comes with NOOP', async () => {
  await b.command('b1', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
  assert.deepEqual((await b.command('b2', 'EXPUNGE')).all, ['* 2 EXPUNGE', 'b2 OK EXPUNGE completed']);
  // A still numbers three messages; the expunged one just has no data any more.
  assert.deepEqual((await a.command('a1', 'FETCH 1:* UID')).all, ['* 1 FETCH (UID 1)', '* 3 FETCH (UID 3)', 'a1 OK FETCH completed']);
  assert.deepEqual((await a.command('a2', 'SEARCH ALL')).all, ['* SEARCH 1 3', 'a2 OK SEARCH completed']);
  assert.deepEqual((await a.command('a3', 'STORE 3 +FLAGS (\\Seen)')).all, ['* 3 FETCH (FLAGS (\\Seen))', 'a3 OK STORE completed']);
  assert.deepEqual((await a.command('a4', 'NOOP')).all, ['* 2 EXPUNGE', 'a4 OK NOOP completed']);
  assert.deepEqual((await a.command('a5', 'FETCH 2 UID')).all, ['* 2 FETCH (UID 3)', 'a5 OK FETCH completed']);
});

test('UID FETCH may carry EXPUNGE responses (RFC 3501 §7.4.1)', async () => {
  await b.command('b1', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
  await b.command('b2', 'EXPUNGE');
  assert.deepEqual((await a.command('a1', 'UID FETCH 1:* UID')).all, ['* 2 FETCH (UID 2)', '* 3 FETCH (UID 3)', '* 1 EXPUNGE', 'a1 OK UID FETCH completed']);
});

test('nothing is sent while no command runs', async () => {
  await s.mail.append(inboxId, message('four'));
  await b.command('b1', 'STORE 1 +FLAGS (\\Seen)');
  await quiet(a, 200);
});

test('IDLE pushes appends, flag changes and expunges from other sessions promptly (RFC 2177)', async () => {
  a.write('i1 IDLE\r\n');
  assert.equal(await a.readResponse(), '+ idling');
  await s.mail.append(inboxId, message('four'));
  assert.equal(await a.readResponse(PROMPTLY), '* 4 EXISTS');
  assert.equal(await a.readResponse(PROMPTLY), '* 1 RECENT');
  await b.command('b1', 'STORE 1 +FLAGS (\\Answered)');
  assert.equal(await a.readResponse(PROMPTLY), '* 1 FETCH (UID 1 FLAGS (\\Answered))');
  await b.command('b2', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
  assert.equal(await a.readResponse(PROMPTLY), '* 2 FETCH (UID 2 FLAGS (\\Deleted))');
  await b.command('b3', 'EXPUNGE');
  assert.equal(await a.readResponse(PROMPTLY), '* 2 EXPUNGE');
  a.write('DONE\r\n');
  assert.deepEqual((await a.until('i1')).all, ['i1 OK IDLE completed']);
  assert.deepEqual((await a.command('a2', 'FETCH 1:* UID')).untagged, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', '* 3 FETCH (UID 4)']);
});

test('IDLE ends with BAD on anything but DONE; IDLE without a selected folder works', async () => {
  a.write('i1 IDLE\r\n');
  await a.readResponse();
  a.write('NOOP\r\n');
  assert.deepEqual((await a.until('i1')).all, ['i1 BAD Expected DONE']);
  const c = await s.login();
  c.write('i2 IDLE\r\n');
  assert.equal(await c.readResponse(), '+ idling');
  c.write('done\r\n');
  assert.deepEqual((await c.until('i2')).all, ['i2 OK IDLE completed']);
});
