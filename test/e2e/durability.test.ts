// Durability: a message acknowledged with SMTP 250 or IMAP APPEND OK survives a kill -9 of the
// server the moment the acknowledgement arrives. A real `zorgpost serve` child process (accounts made
// with the CLI beforehand) is killed with SIGKILL, restarted on the same data directory and ports,
// and the message must be there byte for byte with the same UID and UIDVALIDITY.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, runCli, type ChildPorts } from '../helpers/child-server.ts';
import { connectImap } from '../helpers/clients.ts';
import { SmtpWire } from '../helpers/smtp-wire.ts';
import { Pop3Wire } from '../helpers/pop3-wire.ts';
import { splitTracePrefix } from '../helpers/corpus.ts';

interface CliAccount {
  klantnummer: string;
  address: string;
  key: string;
}

let dataDir: string;
let server: ChildServer | null = null;
let ports: ChildPorts;
let sender: CliAccount;
let recipient: CliAccount;

async function cliAccount(address: string, name: string): Promise<CliAccount> {
  const mailbox = await runCli<{ klantnummer: string; address: string }>(dataDir, ['mailbox', 'add', '--address', address, '--name', name]);
  const { key } = await runCli<{ key: string }>(dataDir, ['key', 'generate', '--mailbox', mailbox.klantnummer]);
  return { klantnummer: mailbox.klantnummer, address: mailbox.address, key };
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'zorgpost-durability-'));
  await runCli(dataDir, ['org', 'add', '--name', 'Huisartsenpraktijk Durability', '--domain', 'praktijk-durability.nl']);
  await runCli(dataDir, ['org', 'add', '--name', 'Apotheek Durability', '--domain', 'apotheek-durability.nl']);
  sender = await cliAccount('dokter@praktijk-durability.nl', 'Dokter');
  recipient = await cliAccount('balie@apotheek-durability.nl', 'Balie');
  server = await ChildServer.start(dataDir);
  ports = server.ports;
});
after(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Kills the running server with SIGKILL and starts it again on the same data directory and ports. */
async function restartAfterKill(): Promise<void> {
  const { signal } = await server!.exited;
  assert.equal(signal, 'SIGKILL');
  server = await ChildServer.start(dataDir, ports);
}

async function inboxState(account: CliAccount): Promise<{ uidValidity: number; uidNext: number; messages: number }> {
  const client = await connectImap(server!, { user: account.klantnummer, pass: account.key });
  try {
    const status = await client.status('INBOX', { uidValidity: true, uidNext: true, messages: true });
    assert.ok(status);
    return { uidValidity: Number(status.uidValidity), uidNext: status.uidNext!, messages: status.messages! };
  } finally {
    await client.logout();
  }
}

async function fetchByUid(account: CliAccount, uid: number): Promise<{ source: Buffer; uidValidity: number }> {
  const client = await connectImap(server!, { user: account.klantnummer, pass: account.key });
  try {
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
    assert.ok(message && message.source, `UID ${uid} is missing after the restart`);
    return { source: message.source, uidValidity: Number(mailbox.uidValidity) };
  } finally {
    await client.logout();
  }
}

function message(subject: string): Buffer {
  return Buffer.from(
    `From: ${sender.address}\r\nTo: ${recipient.address}\r\nSubject: ${subject}\r\nMessage-ID: <${randomBytes(6).toString('hex')}@durability>\r\n\r\n` +
      `${'Uitslag volgt. '.repeat(20)}\r\n`,
  );
}

test('an SMTP 250 survives kill -9 right after it: same bytes, UID and UIDVALIDITY', { timeout: 90_000 }, async () => {
  const before = await inboxState(recipient);
  const bytes = message('Na de 250');
  const smtp = await SmtpWire.login(server!.ports.smtps, server!.ca, sender.klantnummer, sender.key);
  await smtp.expect(`MAIL FROM:<${sender.address}>`, 250);
  await smtp.expect(`RCPT TO:<${recipient.address}>`, 250);
  const reply = await smtp.data(bytes);
  server!.kill9();
  smtp.destroy();
  assert.equal(reply.code, 250, reply.text);

  await restartAfterKill();
  const after = await fetchByUid(recipient, before.uidNext);
  assert.equal(after.uidValidity, before.uidValidity);
  splitTracePrefix(after.source, bytes);
  // POP3 sees it too, with the same bytes.
  const pop3 = await Pop3Wire.login(server!.ports.pop3s, server!.ca, recipient.klantnummer, recipient.key);
  try {
    assert.ok((await pop3.retr(before.messages + 1)).equals(after.source));
    await pop3.quit();
  } finally {
    pop3.destroy();
  }
});

test('an IMAP APPEND OK survives kill -9 right after it: same bytes, UID and UIDVALIDITY', { timeout: 90_000 }, async () => {
  const bytes = Buffer.from(`From: ${recipient.address}\r\nSubject: Concept\r\n\r\nNog afmaken.\n.Met bare LF\n`);
  const client = await connectImap(server!, { user: recipient.klantnummer, pass: recipient.key });
  const appended = await client.append('INBOX', bytes, ['\\Draft']);
  server!.kill9();
  client.close();
  assert.ok(appended && appended.uid && appended.uidValidity, 'APPENDUID');

  await restartAfterKill();
  const after = await fetchByUid(recipient, appended.uid);
  assert.equal(after.uidValidity, Number(appended.uidValidity));
  assert.ok(after.source.equals(bytes));
});

test('a burst of 20 submissions killed at the last 250: all 20 are there, in order', { timeout: 90_000 }, async () => {
  const before = await inboxState(recipient);
  const sent: Buffer[] = [];
  const smtp = await SmtpWire.login(server!.ports.smtps, server!.ca, sender.klantnummer, sender.key);
  for (let i = 1; i <= 20; i++) {
    const bytes = message(`Burst ${i}`);
    await smtp.expect(`MAIL FROM:<${sender.address}>`, 250);
    await smtp.expect(`RCPT TO:<${recipient.address}>`, 250);
    const reply = await smtp.data(bytes);
    if (i === 20) server!.kill9();
    assert.equal(reply.code, 250, reply.text);
    sent.push(bytes);
  }
  smtp.destroy();

  await restartAfterKill();
  const after = await inboxState(recipient);
  assert.equal(after.uidValidity, before.uidValidity);
  assert.equal(after.messages, before.messages + 20);
  for (const [i, bytes] of sent.entries()) splitTracePrefix((await fetchByUid(recipient, before.uidNext + i)).source, bytes);
});
