// A new Hosted Mail Key revokes the old one at once (SPEC R3): the old key no longer logs in on any
// protocol, and the IMAP, POP3 and SMTP sessions that logged in with it are closed promptly, each
// with its protocol's goodbye (IMAP * BYE, POP3 -ERR [AUTH], SMTP 421). Sessions of other mailboxes
// and sessions that already use the new key stay open.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { WireSocket, imapLoginReply } from '../helpers/wire-socket.ts';
import { SmtpWire, authPlain } from '../helpers/smtp-wire.ts';
import { Pop3Wire } from '../helpers/pop3-wire.ts';
import { connectImap } from '../helpers/clients.ts';
import { withTimeout } from '../helpers/async.ts';

const PROMPTLY_MS = 2_000;

let server: TestServer;
let account: TestAccount;
let bystander: TestAccount;

before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('sleutel@praktijk-revoke.nl');
  bystander = await server.addMailbox('collega@praktijk-revoke.nl');
});
after(() => server.close());

async function imapSession(user: string, pass: string): Promise<WireSocket> {
  const wire = await WireSocket.tls(server.ports.imaps, server.ca);
  await wire.readLine();
  wire.write(`a1 LOGIN ${user} ${pass}\r\na2 SELECT INBOX\r\n`);
  for (;;) if ((await wire.readLine()).startsWith('a2 OK')) return wire;
}

const imapLogin = (user: string, pass: string) => imapLoginReply(server.ports.imaps, server.ca, user, pass);

/** Reads lines until the server closes the connection; returns them. */
async function linesUntilClosed(wire: WireSocket, timeoutMs: number): Promise<string[]> {
  const lines: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      lines.push(await wire.readLine(Math.max(1, deadline - Date.now())));
    } catch (error) {
      if (wire.closed) return lines;
      throw new Error(`still open after ${timeoutMs} ms (read ${JSON.stringify(lines)}): ${(error as Error).message}`);
    }
  }
}

test('a new key closes the IMAP, POP3 and SMTP sessions of the old key promptly; the old key fails', async () => {
  const oldKey = account.key;
  const imapRaw = await imapSession(account.klantnummer, oldKey);
  const imapflow = await connectImap(server, { user: account.address, pass: oldKey });
  await imapflow.mailboxOpen('INBOX');
  const imapflowClosed = new Promise<void>((resolve) => imapflow.once('close', () => resolve()));
  const pop3 = await Pop3Wire.login(server.ports.pop3s, server.ca, account.klantnummer, oldKey);
  const smtp = await SmtpWire.login(server.ports.smtps, server.ca, account.klantnummer, oldKey);
  await smtp.expect(`MAIL FROM:<${account.address}>`, 250);
  // Sessions that must survive: another mailbox's, on every protocol.
  const otherImap = await imapSession(bystander.klantnummer, bystander.key);
  const otherPop3 = await Pop3Wire.login(server.ports.pop3s, server.ca, bystander.klantnummer, bystander.key);
  const otherSmtp = await SmtpWire.login(server.ports.smtps, server.ca, bystander.klantnummer, bystander.key);

  try {
    const { identity } = server.server.services;
    const mailbox = await identity.requireMailbox(account.klantnummer);
    const started = Date.now();
    const { key: newKey } = await identity.generateHostedMailKey(mailbox, { actor: 'test' });

    const [imapLines, pop3Lines, smtpLines] = await Promise.all([
      linesUntilClosed(imapRaw, PROMPTLY_MS),
      linesUntilClosed(pop3.wire, PROMPTLY_MS),
      linesUntilClosed(smtp.wire, PROMPTLY_MS),
      withTimeout(imapflowClosed, PROMPTLY_MS, 'imapflow to see its connection closed'),
    ]);
    const elapsed = Date.now() - started;
    assert.ok(imapLines.some((l) => /^\* BYE /.test(l)), `IMAP: ${JSON.stringify(imapLines)}`);
    assert.ok(pop3Lines.some((l) => /^-ERR \[AUTH\] /.test(l)), `POP3: ${JSON.stringify(pop3Lines)}`);
    assert.ok(smtpLines.some((l) => /^421[ -]/.test(l)), `SMTP: ${JSON.stringify(smtpLines)}`);
    assert.ok(elapsed < PROMPTLY_MS, `closed after ${elapsed} ms`);

    // The old key is refused everywhere; the new one works.
    assert.match(await imapLogin(account.klantnummer, oldKey), /^a1 NO \[AUTHENTICATIONFAILED\] /);
    const smtpOld = await SmtpWire.tls(server.ports.smtps, server.ca);
    await smtpOld.expect('EHLO client.test', 250);
    assert.equal((await smtpOld.command(`AUTH PLAIN ${authPlain(account.klantnummer, oldKey)}`)).code, 535);
    await smtpOld.expect(`AUTH PLAIN ${authPlain(account.klantnummer, newKey)}`, 235);
    smtpOld.destroy();
    await assert.rejects(Pop3Wire.login(server.ports.pop3s, server.ca, account.klantnummer, oldKey), /-ERR \[AUTH\]/);
    assert.match(await imapLogin(account.klantnummer, newKey), /^a1 OK /);
    const pop3New = await Pop3Wire.login(server.ports.pop3s, server.ca, account.klantnummer, newKey);
    await pop3New.quit();
    account = { ...account, key: newKey };

    // The other mailbox's sessions were left alone.
    otherImap.write('n1 NOOP\r\n');
    for (;;) if ((await otherImap.readLine()).startsWith('n1 OK')) break;
    assert.equal(await otherPop3.command('NOOP'), '+OK');
    await otherSmtp.expect('NOOP', 250);
  } finally {
    for (const wire of [imapRaw, otherImap]) wire.destroy();
    for (const client of [pop3, otherPop3, smtp, otherSmtp]) client.destroy();
    imapflow.close();
  }
});

test('sessions that log in with the new key are not closed by the change that made it', async () => {
  const { identity } = server.server.services;
  const mailbox = await identity.requireMailbox(account.klantnummer);
  const { key } = await identity.generateHostedMailKey(mailbox, { actor: 'test' });
  account = { ...account, key };
  const imap = await imapSession(account.klantnummer, key);
  const pop3 = await Pop3Wire.login(server.ports.pop3s, server.ca, account.klantnummer, key);
  const smtp = await SmtpWire.login(server.ports.smtps, server.ca, account.klantnummer, key);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    imap.write('n1 NOOP\r\n');
    for (;;) if ((await imap.readLine()).startsWith('n1 OK')) break;
    assert.equal(await pop3.command('NOOP'), '+OK');
    await smtp.expect('NOOP', 250);
  } finally {
    imap.destroy();
    pop3.destroy();
    smtp.destroy();
  }
});
