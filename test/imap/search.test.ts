// SEARCH and UID SEARCH (RFC 3501 §6.4.4, §6.4.8): keys, sequence sets, OR/NOT/parentheses,
// CHARSET and literals, \Recent-based keys resolved by the session.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startImapTestServer, message, type ImapTestServer } from './helpers/imap-test-server.ts';
import type { TestClient } from './helpers/imap-client.ts';

let s: ImapTestServer;
let c: TestClient;
before(async () => {
  s = await startImapTestServer();
  const inbox = await s.folder('INBOX');
  await s.mail.append(inbox.id, message('Afspraak maandag', 'Tot maandag'), { flags: ['\\Seen'], internalDate: new Date('2024-01-10T12:00:00Z') });
  await s.mail.append(inbox.id, message('Uitslag lab', 'Bloeddruk normaal'), { flags: ['\\Flagged'], internalDate: new Date('2024-02-10T12:00:00Z') });
  await s.mail.append(inbox.id, message('Café overleg', 'Koffie?'), { flags: ['\\Seen', '$Work'], internalDate: new Date('2024-03-10T12:00:00Z') });
  await s.mail.claimRecent(inbox.id);
  await s.mail.append(inbox.id, message('Nieuw', 'x'.repeat(5000)), { internalDate: new Date('2024-04-10T12:00:00Z') });
  c = await s.login();
  await c.command('s', 'SELECT INBOX');
});
after(() => s.close());

const search = async (tag: string, criteria: string): Promise<string> => {
  const { untagged, tagged } = await c.command(tag, `SEARCH ${criteria}`);
  assert.equal(tagged, `${tag} OK SEARCH completed`);
  assert.equal(untagged.length, 1);
  return untagged[0]!;
};

test('flag, keyword, size and date keys', async () => {
  assert.equal(await search('a1', 'ALL'), '* SEARCH 1 2 3 4');
  assert.equal(await search('a2', 'SEEN'), '* SEARCH 1 3');
  assert.equal(await search('a3', 'UNSEEN'), '* SEARCH 2 4');
  assert.equal(await search('a4', 'FLAGGED'), '* SEARCH 2');
  assert.equal(await search('a5', 'KEYWORD $Work'), '* SEARCH 3');
  assert.equal(await search('a6', 'UNKEYWORD $Work'), '* SEARCH 1 2 4');
  assert.equal(await search('a7', 'LARGER 1000'), '* SEARCH 4');
  assert.equal(await search('a8', 'SMALLER 1000'), '* SEARCH 1 2 3');
  assert.equal(await search('a9', 'SINCE 10-Feb-2024'), '* SEARCH 2 3 4');
  assert.equal(await search('a10', 'BEFORE "10-Feb-2024"'), '* SEARCH 1');
  assert.equal(await search('a11', 'ON 10-Mar-2024'), '* SEARCH 3');
});

test('RECENT, NEW and OLD come from the session (RFC 3501 §6.4.4)', async () => {
  assert.equal(await search('r1', 'RECENT'), '* SEARCH 4');
  assert.equal(await search('r2', 'NEW'), '* SEARCH 4');
  assert.equal(await search('r3', 'OLD'), '* SEARCH 1 2 3');
});

test('header and text keys, CHARSET UTF-8 with a literal', async () => {
  assert.equal(await search('h1', 'SUBJECT lab'), '* SEARCH 2');
  assert.equal(await search('h2', 'FROM "jan@praktijk.nl"'), '* SEARCH 1 2 3 4');
  assert.equal(await search('h3', 'HEADER Message-ID "<Nieuw@test>"'), '* SEARCH 4');
  assert.equal(await search('h4', 'BODY bloeddruk'), '* SEARCH 2');
  assert.equal(await search('h5', 'TEXT koffie'), '* SEARCH 3');
  c.write('h6 SEARCH CHARSET UTF-8 SUBJECT {5}\r\n');
  assert.equal(await c.readResponse(), '+ Ready for literal data');
  c.write(Buffer.concat([Buffer.from('café', 'utf8'), Buffer.from('\r\n')]));
  assert.deepEqual((await c.until('h6')).all, ['* SEARCH 3', 'h6 OK SEARCH completed']);
  assert.equal((await c.command('h7', 'SEARCH CHARSET ISO-2022-JP ALL')).tagged, 'h7 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset');
});

test('sequence sets, UID sets, OR, NOT and parentheses', async () => {
  assert.equal(await search('s1', '2:3'), '* SEARCH 2 3');
  assert.equal(await search('s2', '3:*'), '* SEARCH 3 4');
  assert.equal(await search('s3', '10:20'), '* SEARCH');
  assert.equal(await search('s4', 'UID 2,4'), '* SEARCH 2 4');
  assert.equal(await search('s5', 'OR FLAGGED KEYWORD $Work'), '* SEARCH 2 3');
  assert.equal(await search('s6', 'NOT (SEEN OR 1 4)'), '* SEARCH 2 3 4');
  assert.equal(await search('s7', '(SEEN (SINCE 1-Mar-2024)) 1:*'), '* SEARCH 3');
  assert.deepEqual((await c.command('s8', 'UID SEARCH UNSEEN')).all, ['* SEARCH 2 4', 's8 OK UID SEARCH completed']);
});

test('bad SEARCH input is BAD', async () => {
  assert.equal((await c.command('b1', 'SEARCH BOGUS')).tagged, 'b1 BAD Unknown search key BOGUS');
  assert.equal((await c.command('b2', 'SEARCH (SEEN')).tagged, 'b2 BAD Expected space');
  assert.equal((await c.command('b3', 'SEARCH SINCE 32-Jan-2024')).tagged, 'b3 BAD Invalid date');
  assert.equal((await c.command('b4', `SEARCH ${'('.repeat(60)}ALL${')'.repeat(60)}`)).tagged, 'b4 BAD Search too deeply nested');
  assert.equal((await c.command('b5', 'SEARCH')).tagged, 'b5 BAD Expected space');
});
