// Interop with curl's SMTP client: implicit TLS (smtps://) and STARTTLS (smtp:// --ssl-reqd on the
// submission port), a handful of hard corpus messages delivered byte for byte, and the refusals as
// curl reports them (wrong key: exit 67; foreign sender: exit 55 with the reply; an external
// recipient without a Viewer trigger: exit 8, the message refused after DATA).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { connectImap, fetchSources } from '../helpers/clients.ts';
import { corpusUnavailable, listCorpus, prepareForSubmission, readCorpusMessage, splitTracePrefix } from '../helpers/corpus.ts';

const run = promisify(execFile);

let server: TestServer;
let sender: TestAccount;
let recipient: TestAccount;
let workDir: string;

before(async () => {
  server = await startTestServer();
  sender = await server.addMailbox('fysio@praktijk-curl-smtp.nl');
  recipient = await server.addMailbox('huisarts@praktijk-curl-smtp.nl');
  workDir = await mkdtemp(join(tmpdir(), 'zorgpost-curl-smtp-'));
});
after(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

async function curlSend(file: string, options: { url?: string; user?: string; from?: string; to?: string; extra?: string[] } = {}) {
  const port = options.url ? Number(new URL(options.url).port) : server.ports.smtps;
  return run(
    'curl',
    [
      '--silent',
      '--show-error',
      '--cacert',
      server.caFile,
      '--resolve',
      `localhost:${port}:127.0.0.1`,
      '--user',
      options.user ?? `${sender.klantnummer}:${sender.key}`,
      '--mail-from',
      options.from ?? sender.address,
      '--mail-rcpt',
      options.to ?? recipient.address,
      '--upload-file',
      file,
      ...(options.extra ?? []),
      options.url ?? `smtps://localhost:${port}`,
    ],
    { timeout: 30_000 },
  );
}

async function inbox(): Promise<Buffer[]> {
  const client = await connectImap(server, { user: recipient.klantnummer, pass: recipient.key });
  try {
    return (await fetchSources(client)).map((m) => m.source);
  } finally {
    await client.logout();
  }
}

test('curl smtps:// and smtp:// with STARTTLS deliver byte for byte', async () => {
  const bytes = Buffer.from(`From: ${sender.address}\r\nTo: ${recipient.address}\r\nSubject: curl\r\n\r\n.punt\r\nHallo \xc3\xa9\r\n`, 'latin1');
  const file = join(workDir, 'simple.eml');
  await writeFile(file, bytes);
  await curlSend(file);
  await curlSend(file, { url: `smtp://localhost:${server.ports.submission}`, user: `${sender.address}:${sender.key}`, extra: ['--ssl-reqd'] });
  const [first, second] = await inbox();
  assert.match(splitTracePrefix(first!, bytes), / with ESMTPSA id /);
  assert.match(splitTracePrefix(second!, bytes), / with ESMTPSA id /);
});

test('curl smtps:// submits hard corpus messages exactly (mbox line, 8-bit, NUL, long lines, malformed)', { skip: corpusUnavailable() }, async () => {
  const categories = ['mbox-from-line', '8bit-headers-non-utf8', 'nul-bytes', 'body-line-over-998', 'broken-boundary', 'no-headers', 'large-1MB+'];
  const all = listCorpus();
  const chosen = [...new Set(categories.map((c) => all.find((e) => e.categories.includes(c))!))];
  const before = (await inbox()).length;
  const sent: Buffer[] = [];
  for (const entry of chosen) {
    const bytes = prepareForSubmission(await readCorpusMessage(entry), sender.address);
    const file = join(workDir, entry.file);
    await writeFile(file, bytes);
    await curlSend(file);
    sent.push(bytes);
  }
  const stored = (await inbox()).slice(before);
  assert.equal(stored.length, chosen.length);
  for (const [i, bytes] of sent.entries()) splitTracePrefix(stored[i]!, bytes);
});

test('curl reports the refusals: wrong key, foreign sender, external recipient, AUTH without TLS', async () => {
  const file = join(workDir, 'refused.eml');
  await writeFile(file, `From: ${sender.address}\r\nTo: x\r\nSubject: nee\r\n\r\nNee\r\n`);
  const before = (await inbox()).length;
  await assert.rejects(curlSend(file, { user: `${sender.klantnummer}:verkeerd` }), (error: { code?: number }) => error.code === 67);
  await assert.rejects(curlSend(file, { from: recipient.address }), (error: { code?: number; stderr?: string }) => error.code === 55 && /550/.test(String(error.stderr)));
  // An external recipient without a Viewer trigger is refused after DATA (the subject decides,
  // SPEC R16/R17); curl reports a refused message body as exit 8.
  await assert.rejects(curlSend(file, { to: 'iemand@example.org' }), (error: { code?: number }) => error.code === 8);
  // Without --ssl-reqd curl would log in over plaintext if the server let it; it must not.
  await assert.rejects(curlSend(file, { url: `smtp://localhost:${server.ports.submission}` }), (error: { code?: number }) => error.code !== undefined);
  assert.equal((await inbox()).length, before);
});
