// A subset of the corpus (the hard cases: mbox lines, 8-bit and raw UTF-8 headers, NUL bytes, mixed
// line endings, over-long lines, malformed MIME, no headers, the largest files) through clients
// nobody here wrote: submitted with Python's smtplib, read back with imaplib (BODY[]), poplib (RETR)
// and curl (imaps:// by UID). Each must return the submitted bytes after the trace fields.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { corpusUnavailable, listCorpus, prepareForSubmission, readCorpusMessage, splitTracePrefix, type CorpusEntry } from '../helpers/corpus.ts';
import { runPython } from '../helpers/python.ts';

const run = promisify(execFile);
const skip = corpusUnavailable();
const HARD_CASES = [
  'mbox-from-line',
  '8bit-body',
  'utf8-raw-headers',
  '8bit-headers-non-utf8',
  'nul-bytes',
  'mixed-line-endings',
  'body-line-over-998',
  'header-line-over-998',
  'malformed',
  'broken-boundary',
  'no-headers',
  'missing-header-body-separator',
  'no-from',
  'cte-binary',
  'large-1MB+',
  'size-100KB+',
];
const PER_CATEGORY = 3;

let server: TestServer;
let sender: TestAccount;
let recipient: TestAccount;
let workDir: string;
const subset: Array<{ entry: CorpusEntry; file: string; bytes: Buffer }> = [];

before(async () => {
  if (skip) return;
  server = await startTestServer();
  sender = await server.addMailbox('secretariaat@ziekenhuis-subset.nl');
  recipient = await server.addMailbox('poli@kliniek-subset.nl');
  workDir = await mkdtemp(join(tmpdir(), 'zorgpost-subset-'));
  const chosen = new Set<CorpusEntry>();
  const all = listCorpus();
  for (const category of HARD_CASES) for (const entry of all.filter((e) => e.categories.includes(category)).slice(0, PER_CATEGORY)) chosen.add(entry);
  for (const entry of chosen) {
    const bytes = prepareForSubmission(await readCorpusMessage(entry), sender.address);
    const file = join(workDir, entry.file);
    await writeFile(file, bytes);
    subset.push({ entry, file, bytes });
  }
});
after(async () => {
  await server?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const account = () => ({ host: 'localhost', cafile: server.caFile });

test('smtplib submits the subset; imaplib, poplib and curl return it exactly', { skip, timeout: 180_000 }, async (t) => {
  t.diagnostic(`${subset.length} messages`);
  assert.ok(subset.length >= 30);
  const submitted = await runPython<{ login: string; results: Array<{ file: string; code: number; reply: string }> }>(
    'smtp_submit.py',
    { ...account(), port: server.ports.smtps, user: sender.klantnummer, password: sender.key, mail_from: sender.address, rcpt_to: [recipient.address], files: subset.map((s) => s.file), mail_options: ['BODY=8BITMIME'] },
    120_000,
  );
  assert.equal(submitted.login, 'ok');
  assert.deepEqual(submitted.results.filter((r) => r.code !== 250), []);

  // imaplib: BODY[] by UID; UIDs follow the submission order.
  const imapDir = join(workDir, 'imap');
  await mkdir(imapDir);
  const fetched = await runPython<{ login: string; uids: number[] }>('imap_fetch.py', { ...account(), port: server.ports.imaps, user: recipient.klantnummer, password: recipient.key, outdir: imapDir }, 120_000);
  assert.equal(fetched.uids.length, subset.length);
  const wrong: string[] = [];
  for (const [i, { entry, bytes }] of subset.entries()) {
    try {
      splitTracePrefix(await readFile(join(imapDir, String(fetched.uids[i]))), bytes);
    } catch (error) {
      wrong.push(`imaplib ${entry.file}: ${(error as Error).message.slice(0, 200)}`);
    }
  }

  // poplib: exact, since every submitted message uses CRLF and ends with it.
  const popDir = join(workDir, 'pop');
  await mkdir(popDir);
  const popped = await runPython<{ auth: string; list: Record<string, number>; retr_octets: Record<string, number> }>(
    'pop3_retr.py',
    { ...account(), port: server.ports.pop3s, user: recipient.address, password: recipient.key, outdir: popDir },
    120_000,
  );
  assert.match(popped.auth, /^\+OK/);
  assert.equal(Object.keys(popped.list).length, subset.length);
  for (const [i, { entry, bytes }] of subset.entries()) {
    try {
      const got = await readFile(join(popDir, String(i + 1)));
      assert.equal(got.length, popped.list[String(i + 1)], 'LIST size = retrieved size');
      splitTracePrefix(got, bytes);
    } catch (error) {
      wrong.push(`poplib ${entry.file}: ${(error as Error).message.slice(0, 200)}`);
    }
  }

  // curl imaps://…/INBOX;UID=n for every message, one connection.
  const port = server.ports.imaps;
  const curlDir = join(workDir, 'curl');
  await mkdir(curlDir);
  const config = [`cacert = "${server.caFile}"`, `user = "${recipient.klantnummer}:${recipient.key}"`, `resolve = "localhost:${port}:127.0.0.1"`, 'silent', 'show-error'];
  for (const uid of fetched.uids) config.push(`url = "imaps://localhost:${port}/INBOX;UID=${uid}"`, `output = "${join(curlDir, String(uid))}"`);
  await writeFile(join(workDir, 'curl.conf'), `${config.join('\n')}\n`);
  await run('curl', ['--config', join(workDir, 'curl.conf')], { timeout: 120_000 });
  for (const [i, { entry, bytes }] of subset.entries()) {
    try {
      splitTracePrefix(await readFile(join(curlDir, String(fetched.uids[i]))), bytes);
    } catch (error) {
      wrong.push(`curl ${entry.file}: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  assert.deepEqual(wrong, []);
});
