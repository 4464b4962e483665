// COPY / UID COPY (RFC 3501 §6.4.7) with COPYUID (RFC 4315), MOVE / UID MOVE (RFC 6851),
// EXPUNGE (§6.4.3) and UID EXPUNGE (RFC 4315 §2.1).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';
import type { TestClient } from './helpers/imap-client.ts';

let s: ImapTestServer;
let c: TestClient;
let archive: number;
before(async () => {
  s = await startImapTestServer();
  const inbox = await s.folder('INBOX');
  for (let i = 1; i <= 6; i++) await s.mail.append(inbox.id, message(`m${i}`));
  await s.mail.claimRecent(inbox.id);
  archive = (await s.folder('Archive')).uidValidity;
  c = await s.login();
  await c.command('s', 'SELECT INBOX');
});
after(() => s.close());

test('COPY answers COPYUID; a missing target gets TRYCREATE', async () => {
  assert.deepEqual((await c.command('c1', 'COPY 1:2,4 Archive')).all, [`c1 OK [COPYUID ${archive} 1:2,4 1:3] COPY completed`]);
  assert.deepEqual((await c.command('c2', 'UID COPY 6 Archive')).all, [`c2 OK [COPYUID ${archive} 6 4] COPY completed`]);
  assert.equal((await c.command('c3', 'COPY 1 Nope')).tagged, 'c3 NO [TRYCREATE] No such mailbox');
  assert.deepEqual((await c.command('c4', 'UID COPY 77 Archive')).all, ['c4 OK UID COPY completed']);
});

test('COPY into the selected folder announces the new messages', async () => {
  const inbox = (await s.folder('INBOX')).uidValidity;
  assert.deepEqual((await c.command('c5', 'COPY 1 INBOX')).all, ['* 7 EXISTS', '* 1 RECENT', `c5 OK [COPYUID ${inbox} 1 7] COPY completed`]);
});

test('MOVE sends COPYUID untagged, then EXPUNGE responses (RFC 6851 §4.3)', async () => {
  assert.deepEqual((await c.command('m1', 'MOVE 2:3 Archive')).all, [
    `* OK [COPYUID ${archive} 2:3 5:6] Moved`,
    '* 3 EXPUNGE',
    '* 2 EXPUNGE',
    'm1 OK MOVE completed',
  ]);
  assert.deepEqual((await c.command('m2', 'UID MOVE 6 Archive')).all, [`* OK [COPYUID ${archive} 6 7] Moved`, '* 4 EXPUNGE', 'm2 OK UID MOVE completed']);
  assert.equal((await c.command('m3', 'MOVE 1 Nope')).tagged, 'm3 NO [TRYCREATE] No such mailbox');
});

test('EXPUNGE removes \\Deleted messages; UID EXPUNGE only those in the set', async () => {
  // Left: seq 1 = uid 1, seq 2 = uid 4, seq 3 = uid 5, seq 4 = uid 7.
  await c.command('e0', 'STORE 1:* +FLAGS.SILENT (\\Deleted)');
  assert.deepEqual((await c.command('e1', 'UID EXPUNGE 4:5')).all, ['* 3 EXPUNGE', '* 2 EXPUNGE', 'e1 OK UID EXPUNGE completed']);
  assert.deepEqual((await c.command('e2', 'UID FETCH 1:* UID')).untagged, ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 7)']);
  await c.command('e3', 'STORE 1 -FLAGS.SILENT (\\Deleted)');
  assert.deepEqual((await c.command('e4', 'EXPUNGE')).all, ['* 2 EXPUNGE', 'e4 OK EXPUNGE completed']);
  assert.deepEqual((await c.command('e5', 'EXPUNGE')).all, ['e5 OK EXPUNGE completed']);
});

test('MOVE into the selected folder itself gives the messages new UIDs (RFC 6851 §3.3)', async () => {
  const inbox = (await s.folder('INBOX')).uidValidity;
  const before = (await c.command('v0', 'UID FETCH 1:* UID')).untagged;
  assert.deepEqual(before, ['* 1 FETCH (UID 1)']);
  const { all } = await c.command('v1', 'UID MOVE 1 INBOX');
  assert.equal(all[0], `* OK [COPYUID ${inbox} 1 8] Moved`);
  assert.ok(all.includes('* 1 EXPUNGE'), all.join(' | '));
  assert.equal(all.at(-1), 'v1 OK UID MOVE completed');
  const after = (await c.command('v2', 'UID FETCH 1:* UID')).all;
  assert.ok(after.includes('* 1 FETCH (UID 8)'), after.join(' | '));
});
