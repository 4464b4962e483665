// Modified UTF-7 mailbox names (RFC 3501 §5.1.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMailboxName, encodeMailboxName } from '../../src/imap/mutf7.ts';

test('RFC 3501 §5.1.3 example: ~peter/mail/台北/日本語', () => {
  assert.equal(encodeMailboxName('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  assert.equal(decodeMailboxName('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), '~peter/mail/台北/日本語');
});

test('"&" is written as "&-" and printable ASCII stays as is', () => {
  assert.equal(encodeMailboxName('R&D'), 'R&-D');
  assert.equal(decodeMailboxName('R&-D'), 'R&D');
  assert.equal(encodeMailboxName('Verzonden items'), 'Verzonden items');
});

test('Dutch and astral characters round-trip', () => {
  for (const name of ['Één', 'Cliënten/Overdracht', 'Büro', '📁 Archief', 'a&b/ü&ö']) {
    const encoded = encodeMailboxName(name);
    assert.match(encoded, /^[\x20-\x7e]*$/);
    assert.equal(decodeMailboxName(encoded), name);
  }
});

test('invalid modified UTF-7 is refused', () => {
  for (const bad of ['&', '&Jjo', '&Jjo!-', 'Büro', '&AGE-' /* encodes "a": not canonical */, '&2AA-' /* a lone surrogate */, '&U,B-']) {
    assert.equal(decodeMailboxName(bad), null, bad);
  }
});

test('random strings round-trip', () => {
  const alphabet = ['a', 'Z', '&', '-', ' ', '/', 'é', 'ß', '北', '😀', '\u00a0', '~'];
  for (let i = 0; i < 2000; i++) {
    let name = '';
    const length = Math.floor(Math.random() * 12);
    for (let j = 0; j < length; j++) name += alphabet[Math.floor(Math.random() * alphabet.length)];
    assert.equal(decodeMailboxName(encodeMailboxName(name)), name);
  }
});
