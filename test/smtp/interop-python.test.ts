// Interop with Python's smtplib (test/helpers/python/smtp_submit.py) on both submission ports:
// implicit TLS and STARTTLS, the extensions it sees, 8BITMIME and SMTPUTF8 messages delivered byte
// for byte, and the refusals as smtplib reports them (AUTH before STARTTLS, wrong key, foreign
// envelope sender or From header, unknown and external recipients).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { runPython } from '../helpers/python.ts';
import { connectImap, fetchSources } from '../helpers/clients.ts';
import { splitTracePrefix } from '../helpers/corpus.ts';

interface SubmitResult {
  ehlo: string[];
  login: 'ok' | { error: string; code: number; reply: string };
  results: Array<{ file: string; code: number; reply: string; error?: string }>;
}

let server: TestServer;
let sender: TestAccount;
let recipient: TestAccount;
let workDir: string;

before(async () => {
  server = await startTestServer();
  sender = await server.addMailbox('tandarts@praktijk-python.nl');
  recipient = await server.addMailbox('mondhygienist@kliniek-python.nl');
  workDir = await mkdtemp(join(tmpdir(), 'zorgpost-smtplib-'));
});
after(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

async function messageFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(workDir, name);
  await writeFile(path, bytes);
  return path;
}

function submit(job: Record<string, unknown>): Promise<SubmitResult> {
  return runPython<SubmitResult>('smtp_submit.py', {
    host: 'localhost',
    port: server.ports.smtps,
    cafile: server.caFile,
    user: sender.klantnummer,
    password: sender.key,
    mail_from: sender.address,
    rcpt_to: [recipient.address],
    ...job,
  });
}

async function inbox(): Promise<Buffer[]> {
  const client = await connectImap(server, { user: recipient.klantnummer, pass: recipient.key });
  try {
    return (await fetchSources(client)).map((m) => m.source);
  } finally {
    await client.logout();
  }
}

const EIGHT_BIT = Buffer.concat([
  Buffer.from('From: tandarts@praktijk-python.nl\r\nTo: mondhygienist@kliniek-python.nl\r\nSubject: 8bit\r\n'),
  Buffer.from('Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 \xfcber\r\n.punt\r\n', 'latin1'),
]);
const UTF8_HEADERS = Buffer.from(
  'From: "Tandarts Ünal" <tandarts@praktijk-python.nl>\r\nTo: mondhygienist@kliniek-python.nl\r\nSubject: Afspraak ✓ — 日本\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nTot morgen 👋\r\n',
  'utf8',
);

test('smtplib over implicit TLS: extensions, 8BITMIME and SMTPUTF8 messages delivered byte for byte', async () => {
  const files = [await messageFile('8bit.eml', EIGHT_BIT), await messageFile('utf8.eml', UTF8_HEADERS)];
  const eightBit = await submit({ files: [files[0]], mail_options: ['BODY=8BITMIME'] });
  for (const extension of ['auth', 'size', '8bitmime', 'smtputf8', 'pipelining', 'enhancedstatuscodes']) {
    assert.ok(eightBit.ehlo.includes(extension), `EHLO lacks ${extension}: ${eightBit.ehlo.join(', ')}`);
  }
  assert.ok(!eightBit.ehlo.includes('starttls'), 'no STARTTLS on the implicit-TLS port');
  assert.equal(eightBit.login, 'ok');
  assert.equal(eightBit.results[0]!.code, 250, eightBit.results[0]!.reply);
  const utf8 = await submit({ files: [files[1]], mail_options: ['SMTPUTF8', 'BODY=8BITMIME'] });
  assert.equal(utf8.results[0]!.code, 250, utf8.results[0]!.reply);

  const [first, second] = await inbox();
  splitTracePrefix(first!, EIGHT_BIT);
  const prefix = splitTracePrefix(second!, UTF8_HEADERS);
  assert.match(prefix, /from python\.test \(\[127\.0\.0\.1\]\)/);
  assert.match(prefix, / with UTF8SMTPSA id /);
});

test('smtplib over STARTTLS (submission port): login by address and send', async () => {
  const before = (await inbox()).length;
  const file = await messageFile('starttls.eml', Buffer.from(`From: ${sender.address}\r\nTo: ${recipient.address}\r\nSubject: starttls\r\n\r\nHoi\r\n`));
  const result = await submit({ port: server.ports.submission, mode: 'starttls', user: sender.address, files: [file] });
  assert.equal(result.login, 'ok');
  assert.equal(result.results[0]!.code, 250);
  const after = await inbox();
  assert.equal(after.length, before + 1);
  assert.match(after.at(-1)!.toString(), / with ESMTPSA id /);
});

test('smtplib sees the refusals: AUTH before STARTTLS, wrong key, foreign sender and From, bad recipients', async () => {
  const before = (await inbox()).length;
  const plain = await submit({ port: server.ports.submission, mode: 'plain', files: [] });
  assert.notEqual(plain.login, 'ok');
  // smtp-server advertises AUTH only after STARTTLS; smtplib then refuses to try (code 0), or the
  // server answers 538 (RFC 3207 §4 / RFC 4954 §4: encryption required).
  const plainLogin = plain.login as { code: number; error: string };
  assert.ok(plainLogin.code === 538 || plainLogin.error === 'SMTPNotSupportedError', JSON.stringify(plain.login));
  assert.ok(plain.ehlo.includes('starttls'));

  const wrong = await submit({ password: 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg', files: [] });
  assert.deepEqual(wrong.login, { error: 'SMTPAuthenticationError', code: 535, reply: '5.7.8 Invalid credentials' });

  const foreignFrom = await messageFile('foreign-from.eml', Buffer.from(`From: iemand@example.com\r\nTo: ${recipient.address}\r\nSubject: nep\r\n\r\nHoi\r\n`));
  const own = await messageFile('own.eml', Buffer.from(`From: ${sender.address}\r\nTo: ${recipient.address}\r\nSubject: echt\r\n\r\nHoi\r\n`));
  const refusedFrom = await submit({ files: [foreignFrom] });
  assert.equal(refusedFrom.results[0]!.error, 'SMTPDataError');
  assert.equal(refusedFrom.results[0]!.code, 550);
  const refusedSender = await submit({ mail_from: recipient.address, files: [own] });
  assert.equal(refusedSender.results[0]!.error, 'SMTPSenderRefused');
  assert.equal(refusedSender.results[0]!.code, 550);
  const unknown = await submit({ rcpt_to: ['niemand@kliniek-python.nl'], files: [own] });
  assert.equal(unknown.results[0]!.code, 550);
  const external = await submit({ rcpt_to: ['iemand@gmail.com'], files: [own] });
  assert.equal(external.results[0]!.code, 550);
  assert.match(external.results[0]!.reply, /outside the healthcare community/);
  assert.equal((await inbox()).length, before, 'nothing delivered');
});
