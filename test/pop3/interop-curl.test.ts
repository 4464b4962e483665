// Interop with curl's POP3 client (pop3s://): LIST, RETR (with the documented wire effects),
// UIDL, TOP, DELE, both SASL PLAIN forms (curl's default continuation and --sasl-ir, the initial
// response of RFC 5034 §4), and a refused login. (poplib covers USER/PASS.)
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { expectedCurlPop3Output } from '../helpers/corpus.ts';

const run = promisify(execFile);

let server: TestServer;
let account: TestAccount;
let uidValidity = 0;
const MESSAGES = [
  Buffer.from('From: a@praktijk.nl\r\nSubject: een\r\n\r\nRegel een\r\nRegel twee\r\n'),
  // A "." line after a bare LF and no final CRLF: curl's output differs from the stored bytes in the
  // two documented ways.
  Buffer.from('From: a@praktijk.nl\nSubject: twee\n\n.punt na LF\r\n.punt na CRLF\nslot'),
];

before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('curl@praktijk-curl.nl');
  const { mail } = server.server.services;
  const inbox = await mail.getFolder(account.mailboxId, 'INBOX');
  uidValidity = inbox!.uidValidity;
  for (const message of MESSAGES) await mail.append(inbox!.id, message);
});
after(() => server.close());

function curl(path: string, extra: string[] = [], user = `${account.klantnummer}:${account.key}`) {
  const port = server.ports.pop3s;
  return run('curl', ['--silent', '--show-error', '--cacert', server.caFile, '--resolve', `localhost:${port}:127.0.0.1`, '--user', user, ...extra, `pop3s://localhost:${port}/${path}`], {
    encoding: 'buffer',
    timeout: 20_000,
  });
}

test('curl: LIST, RETR, UIDL and TOP', async () => {
  const list = (await curl('')).stdout.toString();
  assert.equal(list, MESSAGES.map((m, i) => `${i + 1} ${m.length}\r\n`).join(''));
  for (const [i, message] of MESSAGES.entries()) {
    const { stdout } = await curl(String(i + 1));
    assert.ok(stdout.equals(expectedCurlPop3Output(message)), JSON.stringify(stdout.toString('latin1')));
  }
  // The second message shows both effects: the stuffed "." after a bare LF stays, and a CRLF ends it.
  assert.ok((await curl('2')).stdout.toString().endsWith('\n..punt na LF\r\n.punt na CRLF\nslot\r\n'));
  const uidl = (await curl('', ['--request', 'UIDL'])).stdout.toString();
  assert.equal(uidl, `1 1.${uidValidity}\r\n2 2.${uidValidity}\r\n`);
  const top = (await curl('', ['--request', 'TOP 1 1'])).stdout.toString();
  assert.equal(top, 'From: a@praktijk.nl\r\nSubject: een\r\n\r\nRegel een\r\n');
});

test('curl: SASL PLAIN with an initial response (--sasl-ir, RFC 5034 §4), by klantnummer and by address; APOP is not offered', async () => {
  const withInitialResponse = await curl('1', ['--sasl-ir', '--login-options', 'AUTH=PLAIN']);
  assert.ok(withInitialResponse.stdout.equals(expectedCurlPop3Output(MESSAGES[0]!)));
  const byAddress = await curl('1', ['--sasl-ir'], `${account.address}:${account.key}`);
  assert.ok(byAddress.stdout.equals(expectedCurlPop3Output(MESSAGES[0]!)));
  // No APOP: the greeting has no timestamp (RFC 1939 §7), so curl cannot even try.
  await assert.rejects(curl('1', ['--login-options', 'AUTH=+APOP']));
});

test('curl: a wrong key is refused (exit 67, login denied)', async () => {
  await assert.rejects(curl('', [], `${account.klantnummer}:verkeerd`), (error: { code?: number }) => error.code === 67);
  await assert.rejects(curl('', ['--sasl-ir'], `${account.klantnummer}:verkeerd`), (error: { code?: number }) => error.code === 67);
});

test('curl: DELE removes the message once the session ends', async () => {
  await curl('1', ['--request', 'DELE', '--head']);
  const list = (await curl('')).stdout.toString();
  assert.equal(list, `1 ${MESSAGES[1]!.length}\r\n`);
  const uidl = (await curl('', ['--request', 'UIDL'])).stdout.toString();
  assert.equal(uidl, `1 2.${uidValidity}\r\n`);
});
