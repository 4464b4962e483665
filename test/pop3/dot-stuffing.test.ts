// RFC 1939 §3 byte-stuffing and termination, independent of the network.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { it } from 'node:test';
import { DotStuffer } from '../../src/pop3/dot-stuffing.ts';
import { parseCommand, parseMessageNumber, Pop3SyntaxError } from '../../src/pop3/parser.ts';

async function stuff(chunks: string[]): Promise<string> {
  return text(Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))).pipe(new DotStuffer()));
}

it('stuffs lines that start with a dot, also across chunk boundaries', async () => {
  assert.equal(await stuff(['.a\r\n', '..b\r\nc.\r\n', '.\r\n']), '..a\r\n...b\r\nc.\r\n..\r\n.\r\n');
  assert.equal(await stuff(['x\r', '\n', '.y\r\n']), 'x\r\n..y\r\n.\r\n');
});

it('terminates with CRLF "." CRLF, adding a line break when the message lacks one', async () => {
  assert.equal(await stuff([]), '.\r\n');
  assert.equal(await stuff(['no newline']), 'no newline\r\n.\r\n');
  assert.equal(await stuff(['lf only\n']), 'lf only\n\r\n.\r\n');
  assert.equal(await stuff(['a\r\n']), 'a\r\n.\r\n');
});

it('treats a bare LF as a line start so line-splitting clients never see a lone "."', async () => {
  assert.equal(await stuff(['a\n.\n']), 'a\n..\n\r\n.\r\n');
});

it('parses commands per RFC 1939 §3', () => {
  assert.deepEqual(parseCommand('retr 1'), { name: 'RETR', args: ['1'] });
  assert.deepEqual(parseCommand('STAT'), { name: 'STAT', args: [] });
  for (const bad of ['', 'RE', 'RETRIEVE 1', 'RETR  1', 'RETR 1 ', `USER ${'x'.repeat(41)}`, 'NOOP\u0000']) {
    assert.throws(() => parseCommand(bad), Pop3SyntaxError, bad);
  }
  assert.equal(parseMessageNumber('12'), 12);
  for (const bad of ['0', '-1', '1a', '', '01', '9999999999']) assert.throws(() => parseMessageNumber(bad), Pop3SyntaxError, bad);
});
