// LIST/LSUB with SPECIAL-USE and CHILDREN attributes (RFC 3501 §6.3.8-9, RFC 6154, RFC 3348),
// CREATE/DELETE/RENAME (§6.3.3-5), SUBSCRIBE/UNSUBSCRIBE (§6.3.6-7), STATUS (§6.3.10),
// modified UTF-7 names (§5.1.3).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';
import type { TestClient } from './helpers/imap-client.ts';

let s: ImapTestServer;
let c: TestClient;
before(async () => {
  s = await startImapTestServer();
  c = await s.login();
});
after(() => s.close());

test('LIST "" * shows every folder with special-use and child attributes, INBOX first', async () => {
  const { all } = await c.command('l1', 'LIST "" *');
  assert.deepEqual(all, [
    '* LIST (\\HasNoChildren) "/" "INBOX"',
    '* LIST (\\HasNoChildren \\Archive) "/" "Archive"',
    '* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"',
    '* LIST (\\HasNoChildren \\Junk) "/" "Junk"',
    '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
    '* LIST (\\HasNoChildren \\Trash) "/" "Trash"',
    'l1 OK LIST completed',
  ]);
  // RFC 3501 §6.3.8: an empty pattern returns the delimiter.
  assert.deepEqual((await c.command('l2', 'LIST "" ""')).all, ['* LIST (\\Noselect) "/" ""', 'l2 OK LIST completed']);
  assert.deepEqual((await c.command('l3', 'LIST "" inbox')).untagged, ['* LIST (\\HasNoChildren) "/" "INBOX"']);
});

test('CREATE with hierarchy, %, references and modified UTF-7 names', async () => {
  assert.equal((await c.command('c1', 'CREATE Projecten/2024/')).tagged, 'c1 OK CREATE completed');
  assert.equal((await c.command('c2', 'CREATE "Cli&AOs-nten"')).tagged, 'c2 OK CREATE completed');
  assert.ok((await s.mail.listFolders(s.user.mailboxId)).some((f) => f.name === 'Cliënten'));
  assert.equal((await c.command('c3', 'CREATE INBOX')).tagged, 'c3 NO [ALREADYEXISTS] INBOX already exists');
  assert.equal((await c.command('c4', 'CREATE Sent')).tagged, 'c4 NO [ALREADYEXISTS] Folder already exists');
  assert.equal((await c.command('c5', 'CREATE "Bad&Jjo"')).tagged, 'c5 BAD Mailbox name is not valid modified UTF-7');
  assert.deepEqual((await c.command('c6', 'LIST "" %')).untagged.filter((l) => /Projecten|Cli/.test(l)), [
    '* LIST (\\HasNoChildren) "/" "Cli&AOs-nten"',
    '* LIST (\\HasChildren) "/" "Projecten"',
  ]);
  assert.deepEqual((await c.command('c7', 'LIST Projecten/ %')).untagged, ['* LIST (\\HasNoChildren) "/" "Projecten/2024"']);
  assert.deepEqual((await c.command('c8', 'LIST "" "Proj*"')).untagged, [
    '* LIST (\\HasChildren) "/" "Projecten"',
    '* LIST (\\HasNoChildren) "/" "Projecten/2024"',
  ]);
});

test('RENAME moves children; DELETE refuses INBOX and missing folders', async () => {
  assert.equal((await c.command('r1', 'RENAME Projecten Werk')).tagged, 'r1 OK RENAME completed');
  assert.deepEqual((await c.command('r2', 'LIST "" Werk*')).untagged, [
    '* LIST (\\HasChildren) "/" "Werk"',
    '* LIST (\\HasNoChildren) "/" "Werk/2024"',
  ]);
  assert.equal((await c.command('r3', 'RENAME Nope Elders')).tagged, 'r3 NO [NONEXISTENT] Folder "Nope" does not exist');
  assert.equal((await c.command('d1', 'DELETE INBOX')).tagged, 'd1 NO [CANNOT] INBOX cannot be deleted');
  assert.equal((await c.command('d2', 'DELETE Nope')).tagged, 'd2 NO [NONEXISTENT] No such mailbox');
  assert.equal((await c.command('d3', 'DELETE Werk/2024')).tagged, 'd3 OK DELETE completed');
  assert.equal((await c.command('d4', 'DELETE Werk')).tagged, 'd4 OK DELETE completed');
});

test('SUBSCRIBE, UNSUBSCRIBE and LSUB', async () => {
  assert.equal((await c.command('s1', 'SUBSCRIBE INBOX')).tagged, 's1 OK SUBSCRIBE completed');
  assert.equal((await c.command('s2', 'SUBSCRIBE "Cli&AOs-nten"')).tagged, 's2 OK SUBSCRIBE completed');
  assert.equal((await c.command('s3', 'SUBSCRIBE Verdwenen')).tagged, 's3 OK SUBSCRIBE completed');
  // A new mailbox starts with its default folders subscribed (IdentityService.addMailbox).
  assert.deepEqual((await c.command('s4', 'LSUB "" *')).untagged, [
    '* LSUB () "/" "INBOX"',
    '* LSUB () "/" "Archive"',
    '* LSUB () "/" "Cli&AOs-nten"',
    '* LSUB () "/" "Drafts"',
    '* LSUB () "/" "Junk"',
    '* LSUB () "/" "Sent"',
    '* LSUB () "/" "Trash"',
    '* LSUB (\\Noselect) "/" "Verdwenen"',
  ]);
  assert.equal((await c.command('s5', 'UNSUBSCRIBE Verdwenen')).tagged, 's5 OK UNSUBSCRIBE completed');
  assert.equal((await c.command('s6', 'LSUB "" V*')).untagged.length, 0);
});

test('STATUS reports counts from the folder row (RFC 3501 §6.3.10, RFC 7889)', async () => {
  const inbox = await s.folder('INBOX');
  await s.mail.append(inbox.id, message('status 1'));
  await s.mail.append(inbox.id, message('status 2'), { flags: ['\\Seen'] });
  const { all } = await c.command('t1', 'STATUS inbox (MESSAGES UNSEEN UIDNEXT UIDVALIDITY RECENT APPENDLIMIT)');
  // Nobody has selected INBOX yet, so both messages are still \Recent.
  assert.deepEqual(all, [
    `* STATUS "INBOX" (MESSAGES 2 UNSEEN 1 UIDNEXT 3 UIDVALIDITY ${inbox.uidValidity} RECENT 2 APPENDLIMIT 1048576)`,
    't1 OK STATUS completed',
  ]);
  assert.equal((await c.command('t2', 'STATUS Nope (MESSAGES)')).tagged, 't2 NO [NONEXISTENT] No such mailbox');
  assert.equal((await c.command('t3', 'STATUS INBOX (BOGUS)')).tagged, 't3 BAD Unknown status item BOGUS');
  assert.equal((await c.command('t4', 'STATUS INBOX ()')).tagged, 't4 BAD Empty list');
});

test('STATUS RECENT counts the messages no session has claimed: STATUS and EXAMINE leave them, SELECT takes them (RFC 3501 §2.3.2)', async () => {
  const recent = async (tag: string): Promise<string> => {
    const { untagged } = await c.command(tag, 'STATUS INBOX (RECENT)');
    return untagged[0]!;
  };
  assert.equal(await recent('r1'), '* STATUS "INBOX" (RECENT 2)');
  assert.equal(await recent('r2'), '* STATUS "INBOX" (RECENT 2)');
  const d = await s.login();
  assert.ok((await d.command('r3', 'EXAMINE INBOX')).untagged.includes('* 2 RECENT'), 'EXAMINE reports recent messages without claiming them');
  assert.equal(await recent('r4'), '* STATUS "INBOX" (RECENT 2)');
  assert.ok((await d.command('r5', 'SELECT INBOX')).untagged.includes('* 2 RECENT'));
  assert.equal(await recent('r6'), '* STATUS "INBOX" (RECENT 0)');
  // A new message is \Recent until the selecting session hears of it, and then only there.
  await s.mail.append((await s.folder('INBOX')).id, message('status 3'));
  assert.equal(await recent('r7'), '* STATUS "INBOX" (RECENT 1)');
  assert.deepEqual((await d.command('r8', 'NOOP')).all, ['* 3 EXISTS', '* 3 RECENT', 'r8 OK NOOP completed']);
  assert.equal(await recent('r9'), '* STATUS "INBOX" (RECENT 0)');
  d.close();
});

test('service failures map to NO [UNAVAILABLE] and NO [SERVERBUG] without details', async () => {
  const { TemporaryError } = await import('../../src/errors.ts');
  let restore = s.override('listFolders', () => Promise.reject(new TemporaryError('database busy')));
  assert.equal((await c.command('e1', 'LIST "" *')).tagged, 'e1 NO [UNAVAILABLE] database busy');
  restore();
  restore = s.override('listFolders', () => Promise.reject(new Error('secret internal detail')));
  assert.equal((await c.command('e2', 'LIST "" *')).tagged, 'e2 NO [SERVERBUG] Internal error');
  restore();
  assert.equal((await c.command('e3', 'NOOP')).tagged, 'e3 OK NOOP completed');
  assert.equal((await c.command('e4', 'LIST "" INBOX')).tagged, 'e4 OK LIST completed');
});

test('a session whose selected folder another session deletes is ended with BYE (RFC 2180 §3)', async () => {
  assert.equal((await c.command('x1', 'CREATE Tijdelijk')).tagged, 'x1 OK CREATE completed');
  const other = await s.login();
  assert.match((await other.command('x2', 'SELECT Tijdelijk')).tagged, /^x2 OK \[READ-WRITE\]/);
  assert.equal((await c.command('x3', 'DELETE Tijdelijk')).tagged, 'x3 OK DELETE completed');
  // The BYE follows the running command's completion so no response is cut short.
  assert.equal((await other.command('x4', 'NOOP')).tagged, 'x4 OK NOOP completed');
  assert.equal(await other.readResponse(), '* BYE The selected folder was deleted by another session');
  // The deleting session is unaffected.
  assert.equal((await c.command('x5', 'NOOP')).tagged, 'x5 OK NOOP completed');
});

test('a re-created Sent folder gets its \\Sent attribute back (RFC 6154)', async () => {
  assert.equal((await c.command('u1', 'DELETE Sent')).tagged, 'u1 OK DELETE completed');
  assert.equal((await c.command('u2', 'CREATE Sent')).tagged, 'u2 OK CREATE completed');
  assert.deepEqual((await c.command('u3', 'LIST "" Sent')).untagged, ['* LIST (\\HasNoChildren \\Sent) "/" "Sent"']);
  // Only while no other folder holds the attribute.
  assert.equal((await c.command('u4', 'CREATE Trash/Sent')).tagged, 'u4 OK CREATE completed');
  assert.deepEqual((await c.command('u5', 'LIST "" Trash/Sent')).untagged, ['* LIST (\\HasNoChildren) "/" "Trash/Sent"']);
});
