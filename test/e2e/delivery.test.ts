// A message submitted by mailbox A arrives in mailbox B's INBOX — B in the same organisation or in
// another one on this platform, and back the other way — and B reads it with IMAP (imapflow) and
// with POP3 (raw reader): the submitted bytes come back byte for byte after the Return-Path and
// Received fields the server adds. Covers several recipients in one transaction, 8-bit bodies
// (8BITMIME), SMTPUTF8 headers, and a large attachment.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { connectImap, smtpTransport } from '../helpers/clients.ts';
import { SmtpWire } from '../helpers/smtp-wire.ts';
import { Pop3Wire } from '../helpers/pop3-wire.ts';
import { splitTracePrefix } from '../helpers/corpus.ts';

let server: TestServer;
let huisarts: TestAccount;
let assistent: TestAccount;
let apotheek: TestAccount;

before(async () => {
  server = await startTestServer();
  huisarts = await server.addMailbox('j.jansen@delinde-test.nl', 'Dr. J. Jansen');
  assistent = await server.addMailbox('assistent@delinde-test.nl', 'Assistent');
  apotheek = await server.addMailbox('recepten@apotheek-centrum-test.nl', 'Apotheek Centrum');
});
after(() => server.close());

const credentials = (account: TestAccount) => ({ user: account.klantnummer, pass: account.key });

/** The newest message in the account's INBOX, by IMAP BODY[]. */
async function newestByImap(account: TestAccount): Promise<{ uid: number; source: Buffer }> {
  const client = await connectImap(server, credentials(account));
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const message = await client.fetchOne('*', { uid: true, source: true });
      assert.ok(message && message.source, 'INBOX is empty');
      return { uid: message.uid, source: message.source };
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** The newest message in the account's maildrop, by POP3 RETR (exact bytes). */
async function newestByPop3(account: TestAccount): Promise<Buffer> {
  const client = await Pop3Wire.login(server.ports.pop3s, server.ca, account.klantnummer, account.key);
  try {
    const stat = await client.command('STAT');
    const count = Number(/^\+OK (\d+) /.exec(stat)![1]);
    const bytes = await client.retr(count);
    await client.quit();
    return bytes;
  } finally {
    client.destroy();
  }
}

async function assertDelivered(to: TestAccount, from: TestAccount, submitted: Buffer): Promise<string> {
  const byImap = await newestByImap(to);
  const prefix = splitTracePrefix(byImap.source, submitted);
  assert.ok(prefix.startsWith(`Return-Path: <${from.address}>\r\n`), prefix);
  assert.ok((await newestByPop3(to)).equals(byImap.source), 'POP3 and IMAP give the same bytes');
  return prefix;
}

function simpleMessage(from: TestAccount, to: TestAccount[], subject: string, body = 'Goedemorgen,\r\n\r\nZie bijgaand.\r\n'): Buffer {
  return Buffer.from(
    `From: "${from.address.split('@')[0]}" <${from.address}>\r\nTo: ${to.map((t) => t.address).join(', ')}\r\nSubject: ${subject}\r\n` +
      `Date: Tue, 02 Jan 2024 09:30:00 +0100\r\nMessage-ID: <${randomBytes(8).toString('hex')}@delinde-test.nl>\r\n\r\n${body}`,
  );
}

test('A to B in the same organisation, read over IMAP and POP3 byte for byte (nodemailer)', async () => {
  const bytes = simpleMessage(huisarts, [assistent], 'Uitslag lab');
  const transport = smtpTransport(server, credentials(huisarts));
  try {
    const info = await transport.sendMail({ envelope: { from: huisarts.address, to: [assistent.address] }, raw: bytes });
    assert.deepEqual(info.accepted, [assistent.address]);
  } finally {
    transport.close();
  }
  const prefix = await assertDelivered(assistent, huisarts, bytes);
  assert.match(prefix, new RegExp(`\\tfor <${assistent.address}>;`));
});

test('across organisations, both ways: the second organisation can send to the first', async () => {
  const there = simpleMessage(huisarts, [apotheek], 'Recept');
  const back = simpleMessage(apotheek, [huisarts], 'Re: Recept');
  for (const [from, to, bytes] of [
    [huisarts, apotheek, there],
    [apotheek, huisarts, back],
  ] as const) {
    const transport = smtpTransport(server, credentials(from));
    try {
      await transport.sendMail({ envelope: { from: from.address, to: [to.address] }, raw: bytes });
    } finally {
      transport.close();
    }
    await assertDelivered(to, from, bytes);
  }
});

test('one transaction to several recipients: each INBOX gets the same bytes', async () => {
  const bytes = simpleMessage(huisarts, [assistent, apotheek], 'Overleg');
  const transport = smtpTransport(server, credentials(huisarts));
  try {
    const info = await transport.sendMail({ envelope: { from: huisarts.address, to: [assistent.address, apotheek.address] }, raw: bytes });
    assert.deepEqual([...info.accepted].sort(), [apotheek.address, assistent.address].sort());
  } finally {
    transport.close();
  }
  const first = await assertDelivered(assistent, huisarts, bytes);
  const second = await assertDelivered(apotheek, huisarts, bytes);
  assert.equal(first, second);
  assert.doesNotMatch(first, /\tfor </, 'no "for" clause with several recipients');
});

test('8-bit body (BODY=8BITMIME): latin1 and UTF-8 octets and a NUL-free binary-ish line come back exactly', async () => {
  const body = Buffer.concat([
    Buffer.from('Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    Buffer.from('Caf\xe9 cr\xe8me, \xdcberweisung, \xa9 praktijk\r\n', 'latin1'),
    Buffer.from('UTF-8 ook: café ✓ 👍\r\n.een regel met punt\r\n', 'utf8'),
    Buffer.from([0x80, 0x81, 0xfe, 0xff, 0x0d, 0x0a]),
  ]);
  const bytes = Buffer.concat([Buffer.from(`From: ${huisarts.address}\r\nTo: ${assistent.address}\r\nSubject: 8bit\r\nMIME-Version: 1.0\r\n`), body]);
  const client = await SmtpWire.login(server.ports.smtps, server.ca, huisarts.klantnummer, huisarts.key);
  try {
    const ehlo = await client.expect('EHLO client.test', 250);
    assert.ok(ehlo.lines.some((l) => /8BITMIME/.test(l)));
    await client.expect(`MAIL FROM:<${huisarts.address}> BODY=8BITMIME`, 250);
    await client.expect(`RCPT TO:<${assistent.address}>`, 250);
    assert.equal((await client.data(bytes)).code, 250);
  } finally {
    client.destroy();
  }
  await assertDelivered(assistent, huisarts, bytes);
});

test('SMTPUTF8: raw UTF-8 header fields are stored as sent and read as UTF-8 (RFC 6531, RFC 6532)', async () => {
  const subject = 'Überweisung — verwijsbrief ✓ 日本';
  const bytes = Buffer.from(
    `From: "Dr. Jänsen ✓" <${huisarts.address}>\r\nTo: "Assistent Zoë" <${assistent.address}>\r\nSubject: ${subject}\r\n` +
      `Message-ID: <utf8-${randomBytes(4).toString('hex')}@delinde-test.nl>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Transfer-Encoding: 8bit\r\n\r\nGrüße ✓\r\n`,
    'utf8',
  );
  const client = await SmtpWire.login(server.ports.smtps, server.ca, huisarts.klantnummer, huisarts.key);
  try {
    const ehlo = await client.expect('EHLO client.test', 250);
    assert.ok(ehlo.lines.some((l) => /SMTPUTF8/.test(l)));
    await client.expect(`MAIL FROM:<${huisarts.address}> SMTPUTF8 BODY=8BITMIME`, 250);
    await client.expect(`RCPT TO:<${assistent.address}>`, 250);
    assert.equal((await client.data(bytes)).code, 250);
  } finally {
    client.destroy();
  }
  const prefix = await assertDelivered(assistent, huisarts, bytes);
  // RFC 6531 §4.3: the UTF8SMTP(S)A transmission type.
  assert.match(prefix, / with UTF8SMTPSA id /);
  const imap = await connectImap(server, credentials(assistent));
  try {
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const message = await imap.fetchOne('*', { envelope: true });
      assert.ok(message);
      assert.equal(message.envelope?.subject, subject);
      assert.equal(message.envelope?.from?.[0]?.name, 'Dr. Jänsen ✓');
    } finally {
      lock.release();
    }
  } finally {
    await imap.logout();
  }
});

test('a large attachment (16 MiB, ~22 MB encoded) arrives intact: raw bytes and the decoded part', { timeout: 120_000 }, async () => {
  const payload = randomBytes(16 * 1024 * 1024);
  const composer = new MailComposer({
    from: huisarts.address,
    to: apotheek.address,
    subject: 'Scan (groot)',
    text: 'Zie bijlage.',
    attachments: [{ filename: 'scan-ü.bin', content: payload, contentType: 'application/octet-stream' }],
  });
  const bytes = await composer.compile().build();
  assert.ok(bytes.length > 21_000_000);
  const transport = smtpTransport(server, credentials(huisarts));
  try {
    await transport.sendMail({ envelope: { from: huisarts.address, to: [apotheek.address] }, raw: bytes });
  } finally {
    transport.close();
  }
  const { uid } = await newestByImap(apotheek);
  await assertDelivered(apotheek, huisarts, bytes);
  const imap = await connectImap(server, credentials(apotheek));
  try {
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const message = await imap.fetchOne(String(uid), { bodyStructure: true }, { uid: true });
      assert.ok(message && message.bodyStructure);
      const part = message.bodyStructure.childNodes?.find((n) => n.type === 'application/octet-stream');
      assert.ok(part?.part, JSON.stringify(message.bodyStructure));
      assert.equal(part.dispositionParameters?.filename, 'scan-ü.bin');
      const { content } = await imap.download(String(uid), part.part, { uid: true });
      assert.ok(content);
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(chunk as Buffer);
      assert.ok(Buffer.concat(chunks).equals(payload), 'decoded attachment equals the original');
    } finally {
      lock.release();
    }
  } finally {
    await imap.logout();
  }
});
