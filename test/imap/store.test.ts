// STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8): FLAGS / +FLAGS / -FLAGS, .SILENT, keywords.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';
import type { TestClient } from './helpers/imap-client.ts';

let s: ImapTestServer;
let c: TestClient;
before(async () => {
  s = await startImapTestServer();
  const inbox = await s.folder('INBOX');
  for (const subject of ['a', 'b', 'c']) await s.mail.append(inbox.id, message(subject));
  // Another session owns \Recent, so the flag lists below are exactly the stored flags.
  await s.mail.claimRecent(inbox.id);
  c = await s.login();
  await c.command('s', 'SELECT INBOX');
});
after(() => s.close());

test('+FLAGS, -FLAGS and FLAGS report the new flags of changed messages', async () => {
  assert.deepEqual((await c.command('a1', 'STORE 1:2 +FLAGS (\\Seen \\Flagged)')).all, [
    '* 1 FETCH (FLAGS (\\Seen \\Flagged))',
    '* 2 FETCH (FLAGS (\\Seen \\Flagged))',
    'a1 OK STORE completed',
  ]);
  // Unchanged messages are not reported.
  assert.deepEqual((await c.command('a2', 'STORE 1 +FLAGS \\Seen')).all, ['a2 OK STORE completed']);
  assert.deepEqual((await c.command('a3', 'STORE 2 -FLAGS (\\Flagged)')).untagged, ['* 2 FETCH (FLAGS (\\Seen))']);
  assert.deepEqual((await c.command('a4', 'STORE 3 FLAGS (\\Answered)')).untagged, ['* 3 FETCH (FLAGS (\\Answered))']);
  assert.deepEqual((await c.command('a5', 'STORE 3 FLAGS ()')).untagged, ['* 3 FETCH (FLAGS ())']);
});

test('.SILENT suppresses the FETCH responses; UID STORE adds UID', async () => {
  assert.deepEqual((await c.command('b1', 'STORE 1:* +FLAGS.SILENT (\\Draft)')).all, ['b1 OK STORE completed']);
  assert.deepEqual((await c.command('b2', 'UID STORE 3 -FLAGS (\\Draft)')).untagged, ['* 3 FETCH (FLAGS () UID 3)']);
  assert.deepEqual((await c.command('b3', 'UID STORE 100 +FLAGS (\\Draft)')).all, ['b3 OK UID STORE completed']);
});

test('a new keyword brings new FLAGS and PERMANENTFLAGS first', async () => {
  assert.deepEqual((await c.command('k1', 'STORE 1 +FLAGS ($Urgent)')).all, [
    '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Urgent)',
    '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Urgent \\*)] Flags permitted',
    '* 1 FETCH (FLAGS (\\Seen \\Flagged \\Draft $Urgent))',
    'k1 OK STORE completed',
  ]);
});

test('bad STORE arguments', async () => {
  assert.equal((await c.command('x1', 'STORE 1 +FLAGS (\\Bogus)')).tagged, 'x1 BAD Unknown system flag \\Bogus');
  assert.equal((await c.command('x2', 'STORE 1 FLAGZ (\\Seen)')).tagged, 'x2 BAD Expected FLAGS');
  assert.equal((await c.command('x3', 'STORE 7 +FLAGS (\\Seen)')).tagged, 'x3 BAD Invalid message sequence number');
});
