// Interop with curl's IMAP client over implicit TLS (imaps://): list folders, fetch a message by UID,
// run a search, and a failed login.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';

const run = promisify(execFile);
const BODY = Buffer.from('From: x@y.nl\r\nSubject: curl\r\n\r\nBericht voor curl \xe2\x9c\x93\r\n', 'latin1');

let server: TestServer;
let account: TestAccount;
before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('cor@fysio-test.nl');
  const { mail } = server.server.services;
  const inbox = await mail.getFolder(account.mailboxId, 'INBOX');
  await mail.append(inbox!.id, BODY);
});
after(() => server.close());

function curl(path: string, extra: string[] = [], user = `${account.klantnummer}:${account.key}`) {
  const port = server.ports.imaps;
  return run(
    'curl',
    ['--silent', '--show-error', '--cacert', server.caFile, '--resolve', `localhost:${port}:127.0.0.1`, '--user', user, ...extra, `imaps://localhost:${port}/${path}`],
    { encoding: 'buffer', timeout: 20_000 },
  );
}

test('curl imaps:// lists folders', async () => {
  const { stdout } = await curl('');
  const lines = stdout.toString().trim().split(/\r?\n/);
  assert.ok(lines.includes('* LIST (\\HasNoChildren) "/" "INBOX"'), lines.join('\n'));
  assert.ok(lines.includes('* LIST (\\HasNoChildren \\Junk) "/" "Junk"'));
});

test('curl imaps:// fetches a message by UID, byte for byte', async () => {
  const { stdout } = await curl('INBOX;UID=1');
  assert.ok(stdout.equals(BODY), JSON.stringify(stdout.toString('latin1')));
});

test('curl imaps:// runs a search and reports a failed login', async () => {
  const { stdout } = await curl('INBOX?SUBJECT%20curl');
  assert.equal(stdout.toString().trim(), '* SEARCH 1');
  await assert.rejects(curl('', [], `${account.klantnummer}:wrong`), /Login denied|67/);
});
