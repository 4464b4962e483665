// APPEND streaming into the real store (SQLite + blob files): a big literal is stored byte for
// byte, and a client that disconnects mid-literal or lies about the literal's size leaves neither
// a message nor a blob (not even a temporary file) behind.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { TestClient } from './helpers/imap-client.ts';

let server: TestServer;
let account: TestAccount;
before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('els@verloskunde-test.nl');
});
after(() => server.close());

async function login(): Promise<TestClient> {
  const client = await TestClient.open(server.ports.imaps, { tls: true, ca: server.ca });
  await client.readResponse();
  await client.command('l', `LOGIN ${account.klantnummer} ${account.key}`);
  return client;
}

async function inboxMessages(): Promise<number> {
  const { mail } = server.server.services;
  return (await mail.getFolder(account.mailboxId, 'INBOX'))!.messages;
}

/** Every blob file in the store: a failed APPEND must leave none behind. */
async function blobFiles(): Promise<string[]> {
  const names = await readdir(join(server.dataDir, 'blobs'), { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => /[0-9a-f]{32}$/.test(name)).sort();
}

test('a 5 MB synchronising literal is streamed into the store byte for byte', async () => {
  const c = await login();
  const body = Buffer.concat([Buffer.from('Subject: groot\r\n\r\n'), Buffer.alloc(5 * 1024 * 1024, 0xe9)]);
  c.write(`a APPEND INBOX {${body.length}}\r\n`);
  assert.equal(await c.readResponse(), '+ Ready for literal data');
  c.write(Buffer.concat([body, Buffer.from('\r\n')]));
  const { tagged } = await c.until('a', 30_000);
  const match = /^a OK \[APPENDUID (\d+) (\d+)\] APPEND completed$/.exec(tagged);
  assert.ok(match, tagged);
  const { mail } = server.server.services;
  const inbox = (await mail.getFolder(account.mailboxId, 'INBOX'))!;
  for await (const chunk of mail.fetchMeta(inbox.id, [{ start: Number(match[2]), end: Number(match[2]) }])) {
    assert.equal(chunk[0]!.size, body.length);
    assert.ok((await mail.readBody(chunk[0]!.bodyId)).equals(body));
  }
  c.close();
});

test('a disconnect mid-literal and a lying literal store nothing', async () => {
  const before = await inboxMessages();
  const blobsBefore = await blobFiles();
  const c = await login();
  c.write(Buffer.concat([Buffer.from('b APPEND INBOX {1000000+}\r\nSubject: half\r\n\r\n'), Buffer.alloc(300_000, 0x41)]));
  await new Promise((r) => setTimeout(r, 200));
  c.close();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await inboxMessages(), before);
  assert.deepEqual(await blobFiles(), blobsBefore);

  const d = await login();
  d.write('c APPEND INBOX {5+}\r\nHello, this is longer than five bytes\r\n');
  assert.equal((await d.until('c')).tagged, 'c BAD Unexpected characters after the message literal');
  assert.equal(await inboxMessages(), before);
  assert.deepEqual(await blobFiles(), blobsBefore);
  assert.equal((await d.command('e', 'NOOP')).tagged, 'e OK NOOP completed');
  d.close();
});
