// SELECT / EXAMINE (RFC 3501 §6.3.1-2), UNSELECT (RFC 3691), CLOSE (§6.4.2), CHECK (§6.4.1).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';

let s: ImapTestServer;
before(async () => {
  s = await startImapTestServer();
  const inbox = await s.folder('INBOX');
  await s.mail.append(inbox.id, message('a'), { flags: ['\\Seen'] });
  await s.mail.append(inbox.id, message('b'), { flags: ['$Label1'] });
  await s.mail.append(inbox.id, message('c'), { flags: ['\\Seen', '\\Deleted'] });
});
after(() => s.close());

test('SELECT announces flags, counts, first unseen, UIDVALIDITY, UIDNEXT; \\Recent goes to one session', async () => {
  const inbox = await s.folder('INBOX');
  const c = await s.login();
  const { all } = await c.command('s1', 'SELECT INBOX');
  assert.deepEqual(all, [
    '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1)',
    '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Label1 \\*)] Flags permitted',
    '* 3 EXISTS',
    '* 3 RECENT',
    '* OK [UNSEEN 2] First unseen message',
    `* OK [UIDVALIDITY ${inbox.uidValidity}] UIDs valid`,
    '* OK [UIDNEXT 4] Predicted next UID',
    's1 OK [READ-WRITE] SELECT completed',
  ]);
  const d = await s.login();
  assert.ok((await d.command('s2', 'SELECT INBOX')).untagged.includes('* 0 RECENT'));
  c.close();
  d.close();
});

test('[UNSEEN n] is the sequence number of the first unseen message, also near the end of a big folder (RFC 3501 §6.3.1)', async () => {
  const archive = await s.folder('Archive');
  // 5000 \Seen messages sharing one stored body (inserted through the store in one transaction),
  // then the first ten expunged so that sequence numbers and UIDs differ.
  const first = await s.mail.append(archive.id, message('archived'), { flags: ['\\Seen'] });
  const [meta] = (await s.messages('Archive')).filter((m) => m.uid === first.uid);
  const body = (await s.services.store.messages.getBody(meta!.bodyId))!;
  const count = 5000;
  const unseenSeq = 4990;
  const expunged = 10;
  const targets = Array.from({ length: count - 1 }, (_, i) => ({
    folderId: archive.id,
    // UID i + 2; after the expunge, UID u has sequence number u - expunged.
    flags: i + 2 - expunged === unseenSeq || i + 2 - expunged === unseenSeq + 5 ? [] : ['\\Seen'],
    internalDate: new Date(),
  }));
  await s.services.store.messages.insert({ blobId: body.blobId, size: body.size, structure: body.structure }, targets);
  await s.mail.deleteMessages(archive.id, Array.from({ length: expunged }, (_, i) => i + 1));

  const c = await s.login();
  const { untagged } = await c.command('u1', 'SELECT Archive', 30_000);
  assert.ok(untagged.includes(`* ${count - expunged} EXISTS`), untagged.join('\n'));
  assert.ok(untagged.includes(`* OK [UNSEEN ${unseenSeq}] First unseen message`), untagged.join('\n'));
  assert.deepEqual((await c.command('u2', `FETCH ${unseenSeq} (UID FLAGS)`)).untagged, [`* ${unseenSeq} FETCH (UID ${unseenSeq + expunged} FLAGS (\\Recent))`]);

  // Once every message is \Seen there is no [UNSEEN n] at all.
  await s.mail.storeFlags(archive.id, [{ start: 1, end: Infinity }], 'add', ['\\Seen']);
  const again = await c.command('u3', 'EXAMINE Archive', 30_000);
  assert.ok(!again.untagged.some((line) => line.includes('[UNSEEN')), again.untagged.join('\n'));
  c.close();
});

test('EXAMINE is read-only: no PERMANENTFLAGS, no \\Recent claim, STORE/EXPUNGE refused, FETCH BODY keeps \\Seen off', async () => {
  const c = await s.login();
  const { all } = await c.command('e1', 'EXAMINE INBOX');
  assert.ok(all.includes('* OK [PERMANENTFLAGS ()] Flags permitted'));
  assert.equal(all.at(-1), 'e1 OK [READ-ONLY] EXAMINE completed');
  assert.equal((await c.command('e2', 'STORE 1 +FLAGS (\\Flagged)')).tagged, 'e2 NO [CANNOT] Mailbox is read-only');
  assert.equal((await c.command('e3', 'EXPUNGE')).tagged, 'e3 NO [CANNOT] Mailbox is read-only');
  const fetched = await c.command('e4', 'FETCH 2 (BODY[TEXT] FLAGS)');
  assert.match(fetched.untagged[0]!, /FLAGS \(\$Label1\)\)$/);
  assert.deepEqual((await s.messages('INBOX'))[1]!.flags, ['$Label1']);
  c.close();
});

test('SELECT of a missing folder fails and leaves no folder selected', async () => {
  const c = await s.login();
  await c.command('m1', 'SELECT INBOX');
  assert.equal((await c.command('m2', 'SELECT Nope')).tagged, 'm2 NO [NONEXISTENT] No such mailbox');
  assert.equal((await c.command('m3', 'FETCH 1 FLAGS')).tagged, 'm3 BAD No mailbox selected');
  assert.equal((await c.command('m4', 'SELECT INBOX (CONDSTORE)')).tagged, 'm4 BAD SELECT parameters are not supported');
  c.close();
});

test('UNSELECT keeps \\Deleted messages; CLOSE expunges them silently', async () => {
  const c = await s.login();
  await c.command('u1', 'SELECT INBOX');
  assert.deepEqual((await c.command('u2', 'UNSELECT')).all, ['u2 OK UNSELECT completed']);
  assert.equal((await s.messages('INBOX')).length, 3);
  await c.command('u3', 'SELECT INBOX');
  assert.deepEqual((await c.command('u4', 'CHECK')).all, ['u4 OK CHECK completed']);
  assert.deepEqual((await c.command('u5', 'CLOSE')).all, ['u5 OK CLOSE completed']);
  assert.deepEqual((await s.messages('INBOX')).map((m) => m.uid), [1, 2]);
  assert.equal((await c.command('u6', 'CLOSE')).tagged, 'u6 BAD No mailbox selected');
  c.close();
});
