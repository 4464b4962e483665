// Every corpus message (../shared/corpus: LF, CRLF and mixed line endings, mbox "From " lines, NUL
// bytes, malformed MIME) goes in once with IMAP APPEND (imapflow) and must come back byte for byte
// with IMAP BODY[] and with POP3 RETR (our raw reader, which un-stuffs after any LF). Its ENVELOPE
// and BODYSTRUCTURE, as imapflow reads them, are checked against mailparser.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { corpusUnavailable, firstDifference, listCorpus, readCorpusMessage, type CorpusEntry } from '../helpers/corpus.ts';
import { connectImap, fetchSources } from '../helpers/clients.ts';
import { lanes, withTimeout } from '../helpers/async.ts';
import { retrieveAll } from '../helpers/pop3-wire.ts';
import { compareWithMailparser, type Difference } from '../helpers/structure-compare.ts';

const skip = corpusUnavailable();
const CONNECTIONS = 6;

// Malformed address lists on which the server's parser (Dovecot conventions) and mailparser
// legitimately disagree; anything else that differs fails the test.
const KNOWN_DIFFERENCES: Record<string, { fields: string[]; why: string }> = {
  '0034-mail-missing-body.eml': { fields: ['to'], why: 'To: <Undisclosed-Recipient:@mailman.enron.com;> — a group inside an angle address' },
  '0098-mail-raw-email-multiple-from.eml': {
    fields: ['from', 'to'],
    why: 'two addresses without a comma: the server keeps both, mailparser only the first',
  },
  '0528-mimekit-content-length-mbox-07.eml': { fields: ['to'], why: 'To: @develop:sblab!att!… — an obsolete source route with no mailbox' },
};

let server: TestServer;
let account: TestAccount;
let entries: CorpusEntry[] = [];
/** IMAP UID of each appended corpus message. */
const uidOf = new Map<string, number>();

before(async () => {
  if (skip) return;
  server = await startTestServer();
  account = await server.addMailbox('archief@corpus-append.nl');
  entries = listCorpus();
});
after(() => server?.close());

const auth = () => ({ user: account.klantnummer, pass: account.key });

test('APPEND accepts all 446 corpus messages (6 imapflow connections)', { skip, timeout: 120_000 }, async () => {
  assert.equal(entries.length, 446);
  await Promise.all(
    lanes(entries, CONNECTIONS).map(async (lane) => {
      const client = await connectImap(server, auth());
      try {
        for (const entry of lane) {
          const raw = await readCorpusMessage(entry);
          const result = await withTimeout(client.append('INBOX', raw), 30_000, `APPEND ${entry.file}`);
          assert.ok(result && result.uid, `APPEND ${entry.file} gave no APPENDUID`);
          uidOf.set(entry.file, result.uid);
        }
      } finally {
        await client.logout();
      }
    }),
  );
  assert.equal(uidOf.size, entries.length);
});

test('IMAP BODY[] returns every appended message byte for byte', { skip, timeout: 120_000 }, async () => {
  assert.equal(uidOf.size, entries.length, 'the APPEND test must have run');
  const client = await connectImap(server, auth());
  const sources = new Map((await fetchSources(client)).map((m) => [m.uid, m.source]));
  await client.logout();
  const wrong: string[] = [];
  for (const entry of entries) {
    const raw = await readCorpusMessage(entry);
    const got = sources.get(uidOf.get(entry.file)!);
    if (!got || !got.equals(raw)) wrong.push(`${entry.file}: ${got ? `differs at ${firstDifference(got, raw)}` : 'missing'}`);
  }
  assert.deepEqual(wrong, []);
});

test('POP3 RETR returns every appended message byte for byte (raw reader, pipelined)', { skip, timeout: 120_000 }, async () => {
  assert.equal(uidOf.size, entries.length, 'the APPEND test must have run');
  const retrieved = await retrieveAll(server.ports.pop3s, server.ca, account.klantnummer, account.key);
  assert.equal(retrieved.size, entries.length);
  const wrong: string[] = [];
  for (const entry of entries) {
    const raw = await readCorpusMessage(entry);
    const got = retrieved.get(uidOf.get(entry.file)!);
    if (!got || !got.equals(raw)) wrong.push(`${entry.file}: ${got ? `differs at ${firstDifference(got, raw)}` : 'missing'}`);
  }
  assert.deepEqual(wrong, []);
});

test('ENVELOPE and BODYSTRUCTURE (imapflow) agree with mailparser for every message', { skip, timeout: 120_000 }, async (t) => {
  assert.equal(uidOf.size, entries.length, 'the APPEND test must have run');
  const client = await connectImap(server, auth());
  const fetched = new Map<number, { envelope?: import('imapflow').MessageEnvelopeObject; bodyStructure?: import('imapflow').MessageStructureObject }>();
  const lock = await client.getMailboxLock('INBOX');
  try {
    for await (const message of client.fetch('1:*', { uid: true, envelope: true, bodyStructure: true })) {
      fetched.set(message.uid, { envelope: message.envelope, bodyStructure: message.bodyStructure });
    }
  } finally {
    lock.release();
    await client.logout();
  }

  const unexpected: Array<{ file: string; differences: Difference[] }> = [];
  const expectedButAbsent: string[] = [];
  let attachments = 0;
  for (const entry of entries) {
    const raw = await readCorpusMessage(entry);
    const server = fetched.get(uidOf.get(entry.file)!);
    assert.ok(server?.envelope && server.bodyStructure, `${entry.file}: no ENVELOPE/BODYSTRUCTURE`);
    const parsed = await simpleParser(raw);
    attachments += parsed.attachments.length;
    const differences = compareWithMailparser(server, parsed, raw);
    const known = KNOWN_DIFFERENCES[entry.file];
    const other = differences.filter((d) => !known?.fields.includes(d.field));
    if (other.length) unexpected.push({ file: entry.file, differences: other });
    for (const field of known?.fields ?? []) {
      if (!differences.some((d) => d.field === field)) expectedButAbsent.push(`${entry.file} ${field}`);
    }
  }
  t.diagnostic(`${entries.length} messages, ${attachments} attachments matched in order`);
  assert.deepEqual(unexpected, [], JSON.stringify(unexpected, null, 1));
  // A listed difference that went away means the list is stale: keep it exact.
  assert.deepEqual(expectedButAbsent, []);
});
