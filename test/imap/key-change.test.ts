// SPEC R3 end to end: generating a new Hosted Mail Key closes IMAP sessions opened with the old key
// (an idling one and a busy one), and the old key no longer logs in.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { TestClient } from './helpers/imap-client.ts';

let server: TestServer;
let account: TestAccount;
before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('dirk@tandarts-test.nl');
});
after(() => server.close());

async function login(key = account.key): Promise<{ client: TestClient; tagged: string }> {
  const client = await TestClient.open(server.ports.imaps, { tls: true, ca: server.ca });
  await client.readResponse();
  const { tagged } = await client.command('l', `LOGIN ${account.klantnummer} ${key}`);
  return { client, tagged };
}

test('a new Hosted Mail Key ends open sessions with BYE and the old key stops working', async () => {
  const { client: idler } = await login();
  await idler.command('s', 'SELECT INBOX');
  idler.write('i IDLE\r\n');
  assert.equal(await idler.readResponse(), '+ idling');
  const { client: other } = await login();

  const { identity } = server.server.services;
  const mailbox = await identity.requireMailbox(account.klantnummer);
  const { key } = await identity.generateHostedMailKey(mailbox, { actor: 'test' });

  assert.equal(await idler.readResponse(), '* BYE Hosted Mail Key changed, please log in again');
  await idler.waitClosed();
  assert.equal(await other.readResponse(), '* BYE Hosted Mail Key changed, please log in again');
  await other.waitClosed();

  const old = await login();
  assert.equal(old.tagged, 'l NO [AUTHENTICATIONFAILED] Invalid credentials');
  old.client.close();
  const fresh = await login(key);
  assert.match(fresh.tagged, /^l OK /);
  assert.equal((await fresh.client.command('n', 'NOOP')).tagged, 'n OK NOOP completed');
  fresh.client.close();
});
