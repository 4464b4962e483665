// One full pass of the corpus through curl's POP3 client (pop3s://, Debian's curl): every stored
// message must come out of curl exactly as test/helpers/corpus.ts expectedCurlPop3Output computes
// from the stored bytes — the server's RFC 1939 §3 dot-stuffing (after ANY LF) and terminator, read
// by curl (which un-stuffs only after CRLF and keeps the CRLF that starts the end marker). The two
// resulting wire effects (a doubled "." after a bare LF; one more CRLF at the end of a message that
// does not end with CRLF) are computed, not skipped, and the test checks that the corpus exercised
// both. Exact bytes over POP3 are proven by the raw reader in corpus-imap-append.test.ts.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { corpusUnavailable, curlPop3Effects, expectedCurlPop3Output, firstDifference, listCorpus, readCorpusMessage, type CorpusEntry } from '../helpers/corpus.ts';
import { lanes } from '../helpers/async.ts';

const run = promisify(execFile);
const skip = corpusUnavailable();
// One maildrop per curl process: a POP3 maildrop is locked by its session (RFC 1939 §8), and curl
// reuses one connection for all URLs of an invocation.
const MAILDROPS = 4;

let server: TestServer;
let workDir: string;
const maildrops: Array<{ account: TestAccount; entries: CorpusEntry[] }> = [];

before(async () => {
  if (skip) return;
  server = await startTestServer();
  workDir = await mkdtemp(join(tmpdir(), 'zorgpost-curl-pop3-'));
  const { mail } = server.server.services;
  for (const [index, entries] of lanes(listCorpus(), MAILDROPS).entries()) {
    const account = await server.addMailbox(`pop${index}@curl-corpus.nl`);
    const inbox = await mail.getFolder(account.mailboxId, 'INBOX');
    // Stored through the mail service: APPEND and SMTP are proven in the other corpus tests.
    for (const entry of entries) await mail.append(inbox!.id, await readCorpusMessage(entry));
    maildrops.push({ account, entries });
  }
});
after(async () => {
  await server?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test('curl pop3s:// retrieves all 446 corpus messages as RFC 1939 says it must', { skip, timeout: 120_000 }, async (t) => {
  assert.equal(maildrops.reduce((n, m) => n + m.entries.length, 0), 446);
  const port = server.ports.pop3s;
  await Promise.all(
    maildrops.map(async ({ account, entries }, index) => {
      // A curl config file (-K) holds the 100+ URL/output pairs of one maildrop.
      const lines = [`cacert = "${server.caFile}"`, `user = "${account.klantnummer}:${account.key}"`, `resolve = "localhost:${port}:127.0.0.1"`, 'silent', 'show-error'];
      entries.forEach((_, i) => lines.push(`url = "pop3s://localhost:${port}/${i + 1}"`, `output = "${join(workDir, `${index}-${i + 1}`)}"`));
      const config = join(workDir, `curl-${index}.conf`);
      await writeFile(config, `${lines.join('\n')}\n`);
      await run('curl', ['--config', config], { timeout: 100_000 });
    }),
  );

  const wrong: string[] = [];
  let bareLfDotMessages = 0;
  let addedCrlfMessages = 0;
  for (const [index, { entries }] of maildrops.entries()) {
    for (const [i, entry] of entries.entries()) {
      const stored = await readCorpusMessage(entry);
      const got = await readFile(join(workDir, `${index}-${i + 1}`));
      const expected = expectedCurlPop3Output(stored);
      if (!got.equals(expected)) wrong.push(`${entry.file}: differs at ${firstDifference(got, expected)}`);
      const effects = curlPop3Effects(stored);
      if (effects.bareLfDotLines > 0) bareLfDotMessages++;
      if (effects.addedFinalCrlf) addedCrlfMessages++;
    }
  }
  assert.deepEqual(wrong, []);
  t.diagnostic(`${bareLfDotMessages} messages with "." after a bare LF, ${addedCrlfMessages} not ending with CRLF`);
  // The corpus must exercise both documented effects, or this test proves less than it says.
  assert.ok(bareLfDotMessages > 0, 'no message with a "." line after a bare LF');
  assert.ok(addedCrlfMessages > 0, 'no message without a final CRLF');
});
