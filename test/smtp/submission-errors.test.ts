// SMTP submission refusing bad input, each with its proper reply (RFC 5321 §4.2, RFC 4954, RFC 3207,
// RFC 1870), and nothing delivered or left behind: wrong key, AUTH before STARTTLS, a message over
// the size limit, an envelope sender or From header that is not the user's, unknown and external
// recipients, and a client that disconnects mid-DATA. Between the refusals the server keeps serving.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { SmtpWire, authPlain } from '../helpers/smtp-wire.ts';
import { smtpTransport } from '../helpers/clients.ts';
import { listBlobFiles } from '../helpers/blobs.ts';
import { sleep, waitFor } from '../helpers/async.ts';

const MAX_MESSAGE_BYTES = 100_000;

let server: TestServer;
let sender: TestAccount;
let colleague: TestAccount;
let otherOrg: TestAccount;

before(async () => {
  server = await startTestServer({ limits: { maxMessageBytes: MAX_MESSAGE_BYTES } });
  sender = await server.addMailbox('dokter@praktijk-smtp.nl');
  colleague = await server.addMailbox('assistent@praktijk-smtp.nl');
  otherOrg = await server.addMailbox('balie@apotheek-smtp.nl');
});
after(() => server.close());

async function inboxCount(account: TestAccount): Promise<number> {
  const { mail } = server.server.services;
  const inbox = await mail.getFolder(account.mailboxId, 'INBOX');
  return (await mail.getFolderById(inbox!.id))!.messages;
}

function message(from: string, to: string, body = 'Hallo'): Buffer {
  return Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: test\r\nMessage-ID: <${Math.random()}@test>\r\n\r\n${body}\r\n`);
}

/** The server still takes a normal submission: the refusals before did not break it. */
async function assertStillServing(): Promise<void> {
  const before = await inboxCount(colleague);
  const client = await SmtpWire.login(server.ports.smtps, server.ca, sender.klantnummer, sender.key);
  try {
    await client.expect(`MAIL FROM:<${sender.address}>`, 250);
    await client.expect(`RCPT TO:<${colleague.address}>`, 250);
    const reply = await client.data(message(sender.address, colleague.address));
    assert.equal(reply.code, 250, reply.text);
    await client.expect('QUIT', 221);
  } finally {
    client.destroy();
  }
  assert.equal(await inboxCount(colleague), before + 1);
}

test('a wrong Hosted Mail Key is 535 (5.7.8); the same connection can then log in', async () => {
  const client = await SmtpWire.tls(server.ports.smtps, server.ca);
  try {
    assert.equal(client.greeting!.code, 220);
    await client.expect('EHLO client.test', 250);
    const wrong = await client.command(`AUTH PLAIN ${authPlain(sender.klantnummer, 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg')}`);
    assert.equal(wrong.code, 535);
    assert.match(wrong.text, /^5\.7\.8 /);
    const unknown = await client.command(`AUTH PLAIN ${authPlain('999999999', sender.key)}`);
    assert.equal(unknown.code, 535);
    // MAIL before a successful AUTH: authentication required (RFC 4954 §6).
    assert.equal((await client.command(`MAIL FROM:<${sender.address}>`)).code, 530);
    await client.expect(`AUTH PLAIN ${authPlain(sender.address, sender.key)}`, 235);
  } finally {
    client.destroy();
  }
  // nodemailer reports the same.
  const transport = smtpTransport(server, { user: sender.klantnummer, pass: 'fout' });
  await assert.rejects(transport.verify(), (error: { code?: string; responseCode?: number }) => error.code === 'EAUTH' && error.responseCode === 535);
  transport.close();
  await assertStillServing();
});

test('before STARTTLS AUTH is neither offered nor accepted, nor is a transaction; after STARTTLS it works', async () => {
  const client = await SmtpWire.plain(server.ports.submission);
  try {
    const ehlo = await client.expect('EHLO client.test', 250);
    assert.ok(ehlo.lines.some((l) => /STARTTLS/.test(l)), 'STARTTLS offered');
    // RFC 3207 §4 / RFC 4954 §4: no AUTH capability, so no client is invited to send a key in the clear.
    assert.ok(!ehlo.lines.some((l) => /AUTH/.test(l)), ehlo.lines.join(' | '));
    const auth = await client.command(`AUTH PLAIN ${authPlain(sender.klantnummer, sender.key)}`);
    assert.ok(auth.code >= 500, auth.text);
    const login = await client.command('AUTH LOGIN');
    assert.ok(login.code >= 500, login.text);
    const mail = await client.command(`MAIL FROM:<${sender.address}>`);
    assert.equal(mail.code, 530, mail.text);
    assert.match(mail.text, /STARTTLS/);
    await client.startTls(server.ca);
    const secureEhlo = await client.expect('EHLO client.test', 250);
    assert.ok(secureEhlo.lines.some((l) => /AUTH .*PLAIN/.test(l)), secureEhlo.lines.join(' | '));
    await client.expect(`AUTH PLAIN ${authPlain(sender.klantnummer, sender.key)}`, 235);
    await client.expect(`MAIL FROM:<${sender.address}>`, 250);
    await client.expect(`RCPT TO:<${colleague.address}>`, 250);
    assert.equal((await client.data(message(sender.address, colleague.address))).code, 250);
  } finally {
    client.destroy();
  }
});

test('a message over the size limit is 552, declared (SIZE=) or not; nothing is delivered', async () => {
  const before = await inboxCount(colleague);
  const blobsBefore = await listBlobFiles(server.dataDir);
  const client = await SmtpWire.login(server.ports.smtps, server.ca, sender.klantnummer, sender.key);
  try {
    const ehlo = await client.expect('EHLO client.test', 250);
    assert.ok(ehlo.lines.some((l) => l.endsWith(`SIZE ${MAX_MESSAGE_BYTES}`)), ehlo.lines.join(' | '));
    // RFC 1870 §6.1: a declared size over the limit is refused at MAIL.
    const declared = await client.command(`MAIL FROM:<${sender.address}> SIZE=${MAX_MESSAGE_BYTES * 2}`);
    assert.equal(declared.code, 552, declared.text);
    // Undeclared: refused after the data.
    await client.expect(`MAIL FROM:<${sender.address}>`, 250);
    await client.expect(`RCPT TO:<${colleague.address}>`, 250);
    const big = message(sender.address, colleague.address, `${'x'.repeat(76)}\r\n`.repeat(2000));
    const reply = await client.data(big);
    assert.equal(reply.code, 552, reply.text);
    // The session goes on: a small message right after is accepted.
    await client.expect(`MAIL FROM:<${sender.address}>`, 250);
    await client.expect(`RCPT TO:<${colleague.address}>`, 250);
    assert.equal((await client.data(message(sender.address, colleague.address))).code, 250);
  } finally {
    client.destroy();
  }
  assert.equal(await inboxCount(colleague), before + 1, 'only the small message arrived');
  // nodemailer, which declares SIZE when it knows it.
  const transport = smtpTransport(server, { user: sender.klantnummer, pass: sender.key });
  await assert.rejects(
    transport.sendMail({ envelope: { from: sender.address, to: [colleague.address] }, raw: message(sender.address, colleague.address, 'y'.repeat(150_000)) }),
    (error: { responseCode?: number }) => error.responseCode === 552,
  );
  transport.close();
  assert.equal(await inboxCount(colleague), before + 1);
  const blobsAfter = await listBlobFiles(server.dataDir);
  assert.equal(blobsAfter.filter((f) => f.startsWith('tmp/')).length, 0, 'no temporary files left');
  assert.equal(blobsAfter.length, blobsBefore.length + 1, 'one new blob: the small message');
});

test('MAIL FROM that is not the user\'s own address is 550', async () => {
  const client = await SmtpWire.login(server.ports.smtps, server.ca, sender.klantnummer, sender.key);
  try {
    for (const address of [colleague.address, otherOrg.address, 'iemand@example.com']) {
      const reply = await client.command(`MAIL FROM:<${address}>`);
      assert.equal(reply.code, 550, `${address}: ${reply.text}`);
      assert.match(reply.text, new RegExp(sender.address.replace('.', '\\.')));
    }
    // The own address in another case is the own address.
    await client.expect(`MAIL FROM:<${sender.address.toUpperCase()}>`, 250);
  } finally {
    client.destroy();
  }
});

test('a From header that is not the user\'s is 550 after DATA; nothing is delivered or stored', async () => {
  const before = await inboxCount(colleague);
  const blobsBefore = await listBlobFiles(server.dataDir);
  const client = await SmtpWire.login(server.ports.smtps, server.ca, sender.klantnummer, sender.key);
  try {
    const cases = [
      message(colleague.address, colleague.address),
      message(`"Dokter" <${sender.address}>, ${otherOrg.address}`, colleague.address),
      Buffer.from(`To: ${colleague.address}\r\nSubject: geen From\r\n\r\nHallo\r\n`),
      message(`Dokter <dokter@praktijk-smtp.nl.evil.example>`, colleague.address),
      // RFC 5322 §3.6: exactly one From; a second one would show clients another sender.
      Buffer.from(`From: ${sender.address}\r\nFrom: ${colleague.address}\r\nTo: ${colleague.address}\r\n\r\nHallo\r\n`),
    ];
    for (const bytes of cases) {
      await client.expect(`MAIL FROM:<${sender.address}>`, 250);
      await client.expect(`RCPT TO:<${colleague.address}>`, 250);
      const reply = await client.data(bytes);
      assert.equal(reply.code, 550, `${bytes.toString().split('\r\n')[0]}: ${reply.text}`);
      assert.match(reply.text, /From header/);
    }
  } finally {
    client.destroy();
  }
  assert.equal(await inboxCount(colleague), before);
  assert.deepEqual(await listBlobFiles(server.dataDir), blobsBefore);
  await assertStillServing();
});

test('RCPT to an unknown local address is 550; an external recipient without a trigger is refused at DATA with a clear text', async () => {
  const client = await SmtpWire.login(server.ports.smtps, server.ca, sender.klantnummer, sender.key);
  try {
    await client.expect(`MAIL FROM:<${sender.address}>`, 250);
    const unknown = await client.command('RCPT TO:<bestaat-niet@praktijk-smtp.nl>');
    assert.equal(unknown.code, 550);
    assert.match(unknown.text, /No mailbox <bestaat-niet@praktijk-smtp\.nl>/);
    // Whether an external recipient may get the message depends on the subject (a Viewer
    // trigger), so RCPT accepts it and DATA decides (SPEC R16/R17).
    await client.expect('RCPT TO:<someone@gmail.com>', 250);
    await client.expect(`RCPT TO:<${otherOrg.address}>`, 250);
    const refused = await client.data(message(sender.address, otherOrg.address));
    assert.equal(refused.code, 550);
    assert.match(refused.text, /<someone@gmail\.com> is outside the healthcare community.*\[veilig\]/);
    // Another organisation on this platform is fine, and the session goes on.
    await client.expect(`MAIL FROM:<${sender.address}>`, 250);
    await client.expect(`RCPT TO:<${otherOrg.address}>`, 250);
    assert.equal((await client.data(message(sender.address, otherOrg.address))).code, 250);
    // With no accepted recipient there is nothing to send: 554/503.
    await client.expect(`MAIL FROM:<${sender.address}>`, 250);
    await client.command('RCPT TO:<bestaat-niet@praktijk-smtp.nl>');
    assert.ok([503, 554].includes((await client.command('DATA')).code));
  } finally {
    client.destroy();
  }
});

test('a client that disconnects mid-DATA leaves nothing half-delivered and no stray blob files', async (t) => {
  const before = await inboxCount(colleague);
  const blobsBefore = await listBlobFiles(server.dataDir);
  const client = await SmtpWire.login(server.ports.smtps, server.ca, sender.klantnummer, sender.key);
  await client.expect(`MAIL FROM:<${sender.address}>`, 250);
  await client.expect(`RCPT TO:<${colleague.address}>`, 250);
  assert.equal((await client.command('DATA')).code, 354);
  const partial = message(sender.address, colleague.address, `${'z'.repeat(70)}\r\n`.repeat(500));
  client.write(partial);
  // Let the server take the bytes (and start writing its temporary file) before the cut.
  const sawPartFile = await waitFor(async () => (await listBlobFiles(server.dataDir)).some((f) => f.startsWith('tmp/')), 5_000, 'a temporary blob file').catch(() => false);
  t.diagnostic(sawPartFile ? 'cut while the server was writing its temporary file' : 'cut before the server opened a temporary file');
  client.destroy();
  await waitFor(async () => {
    const files = await listBlobFiles(server.dataDir);
    return files.every((f) => !f.startsWith('tmp/')) ? files : undefined;
  }, 5_000, 'temporary blob files to be removed');
  await sleep(100);
  assert.equal(await inboxCount(colleague), before);
  assert.deepEqual(await listBlobFiles(server.dataDir), blobsBefore);
  await assertStillServing();
  assert.equal((await listBlobFiles(server.dataDir)).length, blobsBefore.length + 1, 'a complete delivery adds exactly one blob');
});
