// Every corpus message goes in once by SMTP submission (nodemailer, implicit TLS, AUTH with the
// klantnummer and Hosted Mail Key), prepared as SMTP requires (test/helpers/corpus.ts
// prepareForSubmission: CRLF, no mbox "From " line, the sender's own From). The bytes submitted
// must come back exactly, after the server's Return-Path + Received fields and nothing else, with
// IMAP BODY[] and with POP3 RETR. Recipients are in the sender's own organisation and in another.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { corpusUnavailable, listCorpus, prepareForSubmission, readCorpusMessage, splitTracePrefix } from '../helpers/corpus.ts';
import { connectImap, fetchSources, smtpTransport } from '../helpers/clients.ts';
import { lanes, withTimeout } from '../helpers/async.ts';
import { retrieveAll } from '../helpers/pop3-wire.ts';

const skip = corpusUnavailable();
const LANES = 6;

let server: TestServer;
let sender: TestAccount;
/** One recipient per lane, so each recipient's INBOX holds its lane's messages in submission order. */
const recipients: TestAccount[] = [];
const submitted: Array<Array<{ file: string; bytes: Buffer }>> = [];

before(async () => {
  if (skip) return;
  server = await startTestServer();
  sender = await server.addMailbox('verzender@huisarts-corpus.nl');
  for (let i = 0; i < LANES; i++) {
    // Half in the sender's organisation, half in another organisation on this platform.
    recipients.push(await server.addMailbox(i % 2 === 0 ? `collega${i}@huisarts-corpus.nl` : `balie${i}@apotheek-corpus.nl`));
  }
});
after(() => server?.close());

test('SMTP submission accepts all 446 corpus messages (6 connections in parallel)', { skip, timeout: 180_000 }, async () => {
  const entries = listCorpus();
  assert.equal(entries.length, 446);
  const refused: string[] = [];
  await Promise.all(
    lanes(entries, LANES).map(async (lane, index) => {
      const transport = smtpTransport(server, { user: sender.klantnummer, pass: sender.key });
      const sent: Array<{ file: string; bytes: Buffer }> = [];
      submitted[index] = sent;
      try {
        for (const entry of lane) {
          const bytes = prepareForSubmission(await readCorpusMessage(entry), sender.address);
          try {
            const info = await withTimeout(
              transport.sendMail({ envelope: { from: sender.address, to: [recipients[index]!.address] }, raw: bytes }),
              30_000,
              `submitting ${entry.file}`,
            );
            assert.match(info.response, /^250 /);
            sent.push({ file: entry.file, bytes });
          } catch (error) {
            refused.push(`${entry.file}: ${(error as { response?: string }).response ?? String(error)}`);
          }
        }
      } finally {
        transport.close();
      }
    }),
  );
  // Malformed messages included: nothing may be refused.
  assert.deepEqual(refused, []);
});

test('IMAP BODY[]: trace fields + the submitted bytes, for every message', { skip, timeout: 120_000 }, async () => {
  assert.equal(submitted.flat().length, 446, 'the submission test must have run');
  const wrong: string[] = [];
  for (const [index, recipient] of recipients.entries()) {
    const client = await connectImap(server, { user: recipient.klantnummer, pass: recipient.key });
    const messages = await fetchSources(client);
    await client.logout();
    const sent = submitted[index]!;
    assert.equal(messages.length, sent.length, `${recipient.address} INBOX`);
    for (const [i, { file, bytes }] of sent.entries()) {
      try {
        const prefix = splitTracePrefix(messages[i]!.source, bytes);
        assert.ok(prefix.startsWith(`Return-Path: <${sender.address}>\r\nReceived: from [127.0.0.1] ([127.0.0.1])\r\n`), prefix);
        assert.match(prefix, new RegExp(`by localhost \\(Zorgpost\\) with E?SMTPSA id [0-9A-F]+\\r\\n\\t\\(using TLSv1\\.[23] with cipher [^)]+\\)\\r\\n\\tfor <${recipient.address}>;`));
      } catch (error) {
        wrong.push(`${file}: ${(error as Error).message.slice(0, 300)}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('POP3 RETR: trace fields + the submitted bytes, for every message (raw reader)', { skip, timeout: 120_000 }, async () => {
  assert.equal(submitted.flat().length, 446, 'the submission test must have run');
  const wrong: string[] = [];
  for (const [index, recipient] of recipients.entries()) {
    const retrieved = await retrieveAll(server.ports.pop3s, server.ca, recipient.klantnummer, recipient.key);
    const stored = [...retrieved.entries()].sort((a, b) => a[0] - b[0]).map(([, bytes]) => bytes);
    const sent = submitted[index]!;
    assert.equal(stored.length, sent.length, `${recipient.address} maildrop`);
    for (const [i, { file, bytes }] of sent.entries()) {
      try {
        splitTracePrefix(stored[i]!, bytes);
      } catch (error) {
        wrong.push(`${file}: ${(error as Error).message.slice(0, 300)}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
