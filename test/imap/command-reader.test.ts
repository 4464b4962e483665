// Command framing: lines, synchronising and non-synchronising literals (RFC 3501 §4.3, §7.5;
// RFC 7888), and the limits that keep a client from making the server buffer unbounded input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { InputReader, LineTooLongError } from '../../src/imap/input-reader.ts';
import { readCommand, type CommandLimits } from '../../src/imap/command-reader.ts';
import { ConnectionClosedError } from '../../src/imap/errors.ts';

const limits: CommandLimits = {
  maxLineBytes: 1000,
  maxLiterals: 4,
  maxLiteralBytes: (name) => (name === 'APPEND' ? 10_000 : 100),
  maxCommandBytes: (name) => (name === 'APPEND' ? 12_000 : 2_000),
};

function setup() {
  const stream = new PassThrough();
  const reader = new InputReader(stream, 4096);
  const continuations: number[] = [];
  let count = 0;
  const read = () => readCommand(reader, limits, async () => {
    continuations.push(++count);
  });
  return { stream, reader, continuations, read };
}

test('a plain line is one command with tag and upper-case name', async () => {
  const { stream, read } = setup();
  stream.write('a1 uid fetch 1:* FLAGS\r\n');
  const command = await read();
  assert.equal(command.kind, 'command');
  assert.ok(command.kind === 'command');
  assert.equal(command.tag, 'a1');
  assert.equal(command.name, 'UID FETCH');
  assert.equal(command.parts.length, 1);
});

test('a synchronising literal gets a continuation request; {n+} does not (RFC 7888 §3)', async () => {
  const { stream, read, continuations } = setup();
  stream.write('a LOGIN {3}\r\n');
  const pending = read();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(continuations, [1]);
  stream.write('jan {4+}\r\nsec\nt\r\n');
  const command = await pending;
  assert.ok(command.kind === 'command');
  assert.deepEqual(command.parts.map((p) => p.toString()), ['a LOGIN {3}', 'jan', ' {4+}', 'sec\n', 't']);
  assert.deepEqual(continuations, [1]);
});

test('a literal over the limit: synchronising → NO [TOOBIG] and no continuation', async () => {
  const { stream, read, continuations } = setup();
  stream.write('a APPEND INBOX {20000}\r\n');
  const command = await read();
  assert.deepEqual(command, { kind: 'rejected', tag: 'a', status: 'NO', text: '[TOOBIG] Literal too large', close: false });
  assert.deepEqual(continuations, []);
  // The connection stays usable.
  stream.write('b NOOP\r\n');
  const next = await read();
  assert.ok(next.kind === 'command' && next.tag === 'b');
});

test('a non-synchronising literal over the limit closes the connection (RFC 7888 §4)', async () => {
  const { stream, read } = setup();
  stream.write('a LOGIN {5000+}\r\n');
  const command = await read();
  assert.ok(command.kind === 'rejected' && command.close && command.status === 'BAD');
});

test('too many literals and too long commands are refused', async () => {
  const { stream, read } = setup();
  stream.write('a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3 {1+}\r\n4 {1+}\r\n5\r\n');
  const command = await read();
  assert.ok(command.kind === 'rejected' && command.close);
});

test('a line longer than the limit fails without buffering it all', async () => {
  const { stream, reader, read } = setup();
  const pending = read();
  stream.write('a '.padEnd(3000, 'x'));
  await assert.rejects(pending, LineTooLongError);
  assert.ok(reader.bufferedBytes < 5000);
});

test('a client that drops mid-literal yields ConnectionClosedError, not a command', async () => {
  const { stream, read } = setup();
  stream.write('a APPEND INBOX {100+}\r\nFrom: x\r\n');
  const pending = read();
  stream.end();
  await assert.rejects(pending, ConnectionClosedError);
});

test('a literal arriving in small pieces is reassembled exactly', async () => {
  const { stream, read } = setup();
  const pending = read();
  const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const wire = Buffer.concat([Buffer.from('a APPEND INBOX {5000+}\r\n'), body, Buffer.from('\r\n')]);
  for (let i = 0; i < wire.length; i += 7) {
    stream.write(wire.subarray(i, i + 7));
    if (i % 700 === 0) await new Promise((r) => setImmediate(r));
  }
  const command = await pending;
  assert.ok(command.kind === 'command');
  assert.ok(command.parts[1]!.equals(body));
});

test('missing tag is reported without a tag', async () => {
  const { stream, read } = setup();
  stream.write('+bad {3}\r\n');
  const command = await read();
  assert.ok(command.kind === 'rejected' && command.tag === null && command.close);
});
