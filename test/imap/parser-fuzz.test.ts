// Fuzzing the command reader and every command's parser with mutated commands seeded from every
// session state (STYLE §7). The only acceptable outcomes are a parsed command or a protocol error
// (BAD/NO); anything else (TypeError, RangeError, a hang, unbounded memory) is a bug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { InputReader, LineTooLongError } from '../../src/imap/input-reader.ts';
import { readCommand } from '../../src/imap/command-reader.ts';
import { CommandParser } from '../../src/imap/parser/command-parser.ts';
import { createRegistry } from '../../src/imap/registry.ts';
import { ImapNoError, ImapSyntaxError } from '../../src/imap/errors.ts';
import { SequenceNumberError } from '../../src/imap/parser/sequence-set.ts';
import { startImapTestServer, message } from './helpers/imap-test-server.ts';

const SEEDS = [
  'a CAPABILITY', 'a NOOP', 'a LOGOUT', 'a ID ("name" "x" "version" NIL)', 'a LOGIN user "pass word"', 'a LOGIN {4}\r\nuser {4+}\r\npass',
  'a AUTHENTICATE PLAIN AGphbgBrZXk=', 'a ENABLE CONDSTORE', 'a NAMESPACE', 'a SELECT INBOX', 'a EXAMINE "Cli&AOs-nten"',
  'a CREATE foo/bar/', 'a DELETE foo', 'a RENAME foo bar', 'a SUBSCRIBE foo', 'a UNSUBSCRIBE foo', 'a LIST "" *', 'a LIST foo/ %',
  'a LSUB "" "*"', 'a STATUS INBOX (MESSAGES UIDNEXT UNSEEN)', 'a APPEND INBOX (\\Seen) " 1-Jan-2024 00:00:00 +0100" {5+}\r\nhello',
  'a IDLE', 'a CHECK', 'a CLOSE', 'a UNSELECT', 'a EXPUNGE', 'a UID EXPUNGE 1:5', 'a SEARCH CHARSET UTF-8 OR (FROM x) NOT 1:* SINCE 1-Feb-2024',
  'a UID SEARCH HEADER X-Foo {3}\r\nbar UID 1,3:*', 'a FETCH 1:* (UID FLAGS BODY.PEEK[1.2.HEADER.FIELDS (FROM "To")]<0.100>)', 'a FETCH 1 FULL',
  'a UID FETCH 5:* (BODYSTRUCTURE ENVELOPE RFC822.SIZE INTERNALDATE)', 'a STORE 1:3 +FLAGS.SILENT (\\Deleted $Label)', 'a UID STORE 1 FLAGS \\Seen',
  'a COPY 1:* Archive', 'a UID MOVE 3 Trash', 'a MOVE 2,4:6 "Sent"',
];
const ALPHABET = ' ()[]<>{}"\\*%:,.+-~$&0123456789AZaz\r\n\x00\x7f\xff';

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

function mutate(seed: string, random: () => number): string {
  let text = seed;
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (text.length + 1));
    const choice = random();
    if (choice < 0.3) text = text.slice(0, at) + ALPHABET[Math.floor(random() * ALPHABET.length)] + text.slice(at);
    else if (choice < 0.5) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 4));
    else if (choice < 0.6) text = text.slice(0, at) + '('.repeat(Math.floor(random() * 300)) + text.slice(at);
    else if (choice < 0.7) text = text.slice(0, at) + `{${Math.floor(random() * 40)}${random() < 0.5 ? '+' : ''}}\r\n` + text.slice(at);
    else if (choice < 0.8) text = text.slice(0, at) + Array.from({ length: 50 }, (_, k) => String(k * 7 + 1)).join(',') + text.slice(at);
    else if (choice < 0.9) text = text.slice(0, at) + text.slice(at, at + 20).repeat(1 + Math.floor(random() * 5)) + text.slice(at);
    else text = text.slice(0, at) + ' NOT' + text.slice(at);
  }
  return text;
}

const EXPECTED = (error: unknown): boolean =>
  error instanceof ImapSyntaxError || error instanceof ImapNoError || error instanceof SequenceNumberError || error instanceof LineTooLongError;

test('mutated commands through the reader and every parser: only protocol errors', async () => {
  const registry = createRegistry();
  const random = rng(20240601);
  const deadline = Date.now() + 15_000;
  const limits = { maxLineBytes: 4096, maxLiterals: 16, maxLiteralBytes: () => 4096, maxCommandBytes: () => 65536 };
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 4000 && Date.now() < deadline; i++) {
    const text = mutate(SEEDS[Math.floor(random() * SEEDS.length)]!, random);
    const stream = new PassThrough();
    const reader = new InputReader(stream, 8192);
    stream.end(Buffer.from(`${text}\r\n`, 'latin1'));
    let raw;
    try {
      raw = await readCommand(reader, limits, async () => undefined);
    } catch (error) {
      if (!EXPECTED(error) && (error as Error).name !== 'ConnectionClosedError') throw error;
      rejected++;
      continue;
    }
    if (raw.kind === 'rejected') {
      rejected++;
      continue;
    }
    const command = registry.get(raw.name);
    if (!command || raw.tag === '') continue;
    try {
      const p = new CommandParser(raw.parts, raw.tag.length + 1 + raw.name.length);
      command.parse(p, { tag: raw.tag, name: raw.name, uid: raw.name.startsWith('UID ') });
      p.end();
      parsed++;
    } catch (error) {
      assert.ok(EXPECTED(error), `${JSON.stringify(text)} threw ${(error as Error).stack}`);
      rejected++;
    }
  }
  assert.ok(parsed > 50, `only ${parsed} mutated commands parsed`);
  assert.ok(rejected > 500);
});

test('a live connection survives a stream of mutated commands', async () => {
  const s = await startImapTestServer({ maxMessageSize: 20_000, limits: { maxLineBytes: 4096 } });
  try {
    const inbox = await s.folder('INBOX');
    for (let i = 0; i < 5; i++) await s.mail.append(inbox.id, message(`fuzz ${i}`));
    const random = rng(7);
    const memoryBefore = process.memoryUsage().heapUsed;
    let connections = 0;
    const deadline = Date.now() + 15_000;
    for (let round = 0; round < 8 && Date.now() < deadline; round++) {
      const c = await s.login();
      connections++;
      await c.command('s', 'SELECT INBOX');
      let alive = true;
      for (let i = 0; i < 60 && alive; i++) {
        const text = mutate(SEEDS[Math.floor(random() * SEEDS.length)]!, random).replace(/^a /, `f${i} `);
        if (/\bIDLE\b|LOGOUT/i.test(text)) continue;
        c.write(Buffer.from(`${text}\r\n`, 'latin1'));
        // Synchronising literals in a mutated line may leave the server waiting: a NOOP line then
        // feeds them; either way the server must answer our probe or close with BYE.
        c.write('probe NOOP\r\n');
        try {
          for (;;) {
            const response = await c.readResponse(2000);
            if (response.startsWith('* BYE')) {
              alive = false;
              break;
            }
            if (response.startsWith('probe ')) break;
          }
        } catch {
          // No answer in time: a literal is still being awaited. Feed filler and move on.
          c.write(`${'x'.repeat(100)}\r\n`);
          alive = false;
        }
      }
      c.close();
    }
    const healthy = await s.login();
    assert.equal((await healthy.command('h', 'NOOP')).tagged, 'h OK NOOP completed');
    assert.ok(connections > 0);
    assert.ok(process.memoryUsage().heapUsed - memoryBefore < 200 * 1024 * 1024);
  } finally {
    await s.close();
  }
});
