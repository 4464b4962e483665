// Interop with imapflow (a client nobody here wrote) against the complete server over TLS: list,
// select, append, fetch envelope/bodystructure/source, flags, copy/move, expunge, search, and IDLE
// receiving another session's delivery (STYLE §7).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';

let server: TestServer;
let account: TestAccount;

before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('anna@huisarts-test.nl', 'Anna de Vries');
});
after(() => server.close());

function client(user = account.klantnummer, pass = account.key): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: server.ports.imaps,
    secure: true,
    tls: { ca: server.ca, servername: 'localhost' },
    auth: { user, pass },
    logger: false,
    disableAutoIdle: true,
  });
}

const MESSAGE = Buffer.from(
  [
    'From: Anna de Vries <anna@huisarts-test.nl>',
    'To: Lab <lab@lab-test.nl>',
    'Subject: =?utf-8?q?Uitslag_br=C3=BCder?=',
    'Date: Tue, 2 Jan 2024 09:30:00 +0100',
    'Message-ID: <imapflow-1@huisarts-test.nl>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="zz"',
    '',
    '--zz',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Zie bijlage.',
    '--zz',
    'Content-Type: application/pdf; name="uitslag.pdf"',
    'Content-Disposition: attachment; filename="uitslag.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    '--zz--',
    '',
  ].join('\r\n'),
);

test('imapflow: login (klantnummer and address), list with special-use, status', async () => {
  const imap = client(account.address);
  await imap.connect();
  const folders = await imap.list();
  const byPath = new Map(folders.map((f) => [f.path, f]));
  assert.ok(byPath.has('INBOX'));
  assert.equal(byPath.get('Sent')?.specialUse, '\\Sent');
  assert.equal(byPath.get('Trash')?.specialUse, '\\Trash');
  assert.equal(byPath.get('Drafts')?.delimiter, '/');
  await imap.mailboxCreate('Patiënten/2024');
  const nested = (await imap.list()).find((f) => f.path === 'Patiënten/2024');
  assert.ok(nested, 'Unicode folder created through modified UTF-7');
  const status = await imap.status('INBOX', { messages: true, uidNext: true, uidValidity: true, unseen: true });
  assert.ok(status);
  assert.equal(status.messages, 0);
  await imap.logout();

  const bad = client(account.klantnummer, 'wrong-key');
  await assert.rejects(bad.connect());
});

test('imapflow: append, fetch envelope/bodystructure/source, flags, search, copy, move, expunge', async () => {
  const imap = client();
  await imap.connect();
  const appended = await imap.append('INBOX', MESSAGE, ['\\Flagged'], new Date('2024-01-02T08:30:00Z'));
  assert.ok(appended && appended.uid === 1 && appended.uidValidity);
  const mailbox = await imap.mailboxOpen('INBOX');
  assert.equal(mailbox.exists, 1);
  assert.equal(mailbox.uidValidity, BigInt(appended.uidValidity!));

  const message = await imap.fetchOne('*', { uid: true, flags: true, envelope: true, bodyStructure: true, source: true, internalDate: true, size: true }, {});
  assert.ok(message);
  assert.equal(message.uid, 1);
  assert.ok(message.source?.equals(MESSAGE), 'source is byte-identical');
  assert.equal(message.size, MESSAGE.length);
  assert.equal(message.envelope?.subject, 'Uitslag brüder');
  assert.equal(message.envelope?.from?.[0]?.address, 'anna@huisarts-test.nl');
  assert.equal(message.envelope?.messageId, '<imapflow-1@huisarts-test.nl>');
  assert.equal(message.bodyStructure?.type, 'multipart/mixed');
  assert.equal(message.bodyStructure?.childNodes?.[1]?.type, 'application/pdf');
  assert.equal(message.bodyStructure?.childNodes?.[1]?.disposition, 'attachment');
  assert.ok(message.flags?.has('\\Flagged'));
  assert.equal((message.internalDate as Date).toISOString(), '2024-01-02T08:30:00.000Z');

  const part = await imap.download('1', '2', { uid: true });
  const chunks: Buffer[] = [];
  for await (const chunk of part.content as AsyncIterable<Buffer>) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).toString('latin1').slice(0, 8), '%PDF-1.4');

  assert.ok(await imap.messageFlagsAdd('1', ['\\Seen', '$Afgehandeld'], { uid: true }));
  assert.deepEqual(await imap.search({ seen: true }, { uid: true }), [1]);
  assert.deepEqual(await imap.search({ keyword: '$Afgehandeld' }), [1]);
  assert.deepEqual(await imap.search({ subject: 'brüder' }, { uid: true }), [1]);
  assert.deepEqual(await imap.search({ seen: false }), []);
  assert.ok(await imap.messageFlagsRemove('1', ['\\Seen'], { uid: true }));

  const copied = await imap.messageCopy('1', 'Archive', { uid: true });
  assert.ok(copied && copied.uidMap?.get(1) === 1);
  const moved = await imap.messageMove('1', 'Trash', { uid: true });
  assert.ok(moved && moved.uidMap?.get(1) === 1);
  assert.equal(imap.mailbox && imap.mailbox.exists, 0);

  await imap.mailboxOpen('Archive');
  assert.ok(await imap.messageDelete('1', { uid: true }));
  assert.equal(imap.mailbox && imap.mailbox.exists, 0);
  await imap.logout();
});

test('imapflow: a 3 MB message with 8-bit bytes round-trips byte for byte (streamed literal)', async () => {
  const imap = client();
  await imap.connect();
  const big = Buffer.concat([
    Buffer.from('From: a@huisarts-test.nl\r\nSubject: groot\r\nContent-Type: application/octet-stream\r\n\r\n'),
    Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 31) % 255 + 1)),
  ]);
  const appended = await imap.append('Drafts', big);
  assert.ok(appended);
  await imap.mailboxOpen('Drafts');
  const message = await imap.fetchOne(String(appended.uid), { source: true, size: true }, { uid: true });
  assert.ok(message && message.source);
  assert.equal(message.size, big.length);
  assert.ok(message.source.equals(big));
  await imap.logout();
});

test("imapflow: IDLE receives another session's append and flag change", async () => {
  const watcher = client();
  const writer = client();
  await watcher.connect();
  await writer.connect();
  await watcher.mailboxOpen('INBOX');
  const before = watcher.mailbox ? watcher.mailbox.exists : 0;
  const exists = new Promise<number>((resolve) => watcher.on('exists', (info: { count: number }) => resolve(info.count)));
  const idling = watcher.idle();
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await writer.append('INBOX', MESSAGE);
  assert.equal(await exists, before + 1);
  assert.ok(Date.now() - started < 2000, 'announced promptly');

  const flags = new Promise<Set<string>>((resolve) => watcher.on('flags', (info: { flags: Set<string> }) => resolve(info.flags)));
  await writer.mailboxOpen('INBOX');
  await writer.messageFlagsAdd('*', ['\\Answered']);
  assert.ok((await flags).has('\\Answered'));

  const expunged = new Promise<number>((resolve) => watcher.on('expunge', (info: { seq: number }) => resolve(info.seq)));
  await writer.messageDelete('*');
  assert.equal(await expunged, before + 1);

  await watcher.noop();
  await idling.catch(() => undefined);
  await writer.logout();
  await watcher.logout();
});
