import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imapNString, imapString } from '../../../src/imap/format/imap-string.ts';
import { parseImapValue } from './imap-value.ts';

const text = (b: Buffer): string => b.toString('latin1');

test('NIL, quoted strings and their escapes (RFC 3501 §4.3)', () => {
  assert.equal(text(imapNString(null)), 'NIL');
  assert.equal(text(imapString('')), '""');
  assert.equal(text(imapString('NIL')), '"NIL"');
  assert.equal(text(imapString('say "hi" \\o/')), '"say \\"hi\\" \\\\o/"');
  assert.equal(text(imapString('tab\there')), '"tab\there"');
});

test('literals for 8-bit bytes, CR, LF and long values', () => {
  assert.equal(text(imapString('caf\xe9')), '{4}\r\ncaf\xe9');
  assert.equal(text(imapString('a\r\nb')), '{4}\r\na\r\nb');
  const long = 'x'.repeat(2000);
  assert.equal(text(imapString(long)), `{2000}\r\n${long}`);
});

test('NUL cannot be sent, not even in a literal (RFC 3501 §9 CHAR8): it goes out as 0x80', () => {
  assert.equal(text(imapString('a\x00b')), '{3}\r\na\x80b');
});

test('whatever goes in parses back to the same bytes', () => {
  for (const value of ['', 'plain', '"\\', 'caf\xe9', 'line\r\nbreak', 'x'.repeat(1025), 'ctl\x01\x1f\x7f']) {
    assert.equal(parseImapValue(text(imapString(value))), value);
  }
});
