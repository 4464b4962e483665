import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_HEADER_BYTES } from '../../../src/mail/mime/structure-parser.ts';
import { assertOffsets, body, header, message, parseChecked as parse, parseInChunks } from './helpers.ts';

// RFC 2046 §5.1.1, the example message (with its header)
const RFC2046_EXAMPLE = [
  'From: Nathaniel Borenstein <nsb@bellcore.com>',
  'To: Ned Freed <ned@innosoft.com>',
  'Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)',
  'Subject: Sample message',
  'MIME-Version: 1.0',
  'Content-type: multipart/mixed; boundary="simple boundary"',
  '',
  'This is the preamble.  It is to be ignored, though it',
  'is a handy place for composition agents to include an',
  'explanatory note to non-MIME conformant readers.',
  '',
  '--simple boundary',
  '',
  'This is implicitly typed plain US-ASCII text.',
  'It does NOT end with a linebreak.',
  '--simple boundary',
  'Content-type: text/plain; charset=us-ascii',
  '',
  'This is explicitly typed plain US-ASCII text.',
  'It DOES end with a linebreak.',
  '',
  '--simple boundary--',
  '',
  'This is the epilogue.  It is also to be ignored.',
  '',
];

describe('RFC 2046 §5.1.1 example', () => {
  for (const [eol, name] of [
    ['\r\n', 'CRLF'],
    ['\n', 'LF only'],
  ] as const) {
    test(name, () => {
      const bytes = message(RFC2046_EXAMPLE, eol);
      const s = parse(bytes);
      assert.equal(s.size, bytes.length);
      assert.equal(s.root.type, 'multipart');
      assert.equal(s.root.subtype, 'mixed');
      assert.deepEqual(s.root.params, [['boundary', 'simple boundary']]);
      const [first, second] = s.root.children!;
      assert.equal(s.root.children!.length, 2);
      // the line break before each delimiter belongs to the delimiter
      assert.equal(
        body(bytes, first!),
        `This is implicitly typed plain US-ASCII text.${eol}It does NOT end with a linebreak.`,
      );
      assert.equal(
        body(bytes, second!),
        `This is explicitly typed plain US-ASCII text.${eol}It DOES end with a linebreak.${eol}`,
      );
      assert.equal(header(bytes, first!), eol, 'an empty header is just the blank line');
      assert.deepEqual([first!.type, first!.subtype, first!.params], ['text', 'plain', [['charset', 'us-ascii']]]);
      assert.deepEqual([first!.lines, second!.lines], [1, 2]);
      assert.equal(s.envelope.subject, 'Sample message');
      assert.deepEqual(s.envelope.from, [
        { name: 'Nathaniel Borenstein', adl: null, mailbox: 'nsb', host: 'bellcore.com' },
      ]);
    });
  }
});

describe('single-part messages', () => {
  test('no Content-Type: text/plain; charset=us-ascii (RFC 2045 §5.2)', () => {
    const bytes = message(['Subject: hi', '', 'hello', 'world', '']);
    const s = parse(bytes);
    assert.deepEqual(
      [s.root.type, s.root.subtype, s.root.params, s.root.encoding],
      ['text', 'plain', [['charset', 'us-ascii']], '7bit'],
    );
    assert.equal(body(bytes, s.root), 'hello\r\nworld\r\n');
    assert.equal(s.root.lines, 2);
  });

  test('MIME fields: case-insensitive names, folded values, every extension field', () => {
    const bytes = message([
      'CONTENT-TYPE: Text/HTML;',
      '\tCharset="ISO-8859-1" ; name*0="long ";',
      ' name*1="name.html"',
      'content-transfer-encoding: Quoted-Printable (with a comment)',
      'Content-ID: <part1@example.com>',
      'Content-Description: A description',
      'Content-Disposition: INLINE; filename="a b.html"; size=12',
      'Content-Language: en-GB, nl (Dutch)',
      'Content-Location: http://example.com/a.html',
      'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
      '',
      '<p>x</p>',
    ]);
    const p = parse(bytes).root;
    assert.deepEqual([p.type, p.subtype], ['text', 'html']);
    assert.deepEqual(p.params, [
      ['charset', 'ISO-8859-1'],
      ['name', 'long name.html'],
    ]);
    assert.equal(p.encoding, 'quoted-printable');
    assert.equal(p.id, '<part1@example.com>');
    assert.equal(p.description, 'A description');
    assert.deepEqual(p.disposition, {
      type: 'inline',
      params: [
        ['filename', 'a b.html'],
        ['size', '12'],
      ],
    });
    assert.deepEqual(p.language, ['en-GB', 'nl']);
    assert.equal(p.location, 'http://example.com/a.html');
    assert.equal(p.md5, 'Q2hlY2sgSW50ZWdyaXR5IQ==');
  });

  test('invalid Content-Type falls back to text/plain, keeping a charset given beside it', () => {
    assert.deepEqual(parse(message(['Content-Type: text; charset=utf-8', '', 'x'])).root.params, [
      ['charset', 'utf-8'],
    ]);
    const p = parse(message(['Content-Type: ', '', 'x'])).root;
    assert.deepEqual([p.type, p.subtype, p.params], ['text', 'plain', [['charset', 'us-ascii']]]);
  });

  test('text without charset gets charset=us-ascii (RFC 2046 §4.1.2), other types get nothing', () => {
    assert.deepEqual(parse(message(['Content-Type: text/plain; format=flowed', '', 'x'])).root.params, [
      ['format', 'flowed'],
      ['charset', 'us-ascii'],
    ]);
    assert.deepEqual(parse(message(['Content-Type: image/png', '', 'x'])).root.params, []);
  });

  test('empty message, header only, no final line break', () => {
    const empty = parse(Buffer.alloc(0));
    assert.deepEqual([empty.size, empty.root.bodyStart, empty.root.bodyEnd], [0, 0, 0]);
    const headerOnly = Buffer.from('Subject: only a header\r\nFrom: a@b.example\r\n');
    const h = parse(headerOnly);
    assert.equal(h.root.bodyStart, headerOnly.length);
    assert.equal(h.envelope.subject, 'only a header');
    const noEol = Buffer.from('Subject: x\r\n\r\nlast line');
    assert.equal(body(noEol, parse(noEol).root), 'last line');
  });

  test('no header at all: the whole message is body', () => {
    const bytes = message([
      'This is a simple message not having headers.',
      'The whole text should be recognized as body.',
      '',
    ]);
    const s = parse(bytes);
    assert.equal(s.root.bodyStart, 0);
    assert.equal(s.envelope.subject, null);
  });

  test('missing blank line: the body starts at the first of two non-header lines', () => {
    const bytes = message(['Subject: s', 'This is the body', 'and more of it', '']);
    const s = parse(bytes);
    assert.equal(body(bytes, s.root), 'This is the body\r\nand more of it\r\n');
    assert.equal(s.envelope.subject, 's');
  });

  test('a stray line followed by more fields stays in the header (mbox From line, broken folding)', () => {
    const bytes = message([
      'From someone@example.com Sat Jan  3 01:05:34 1996',
      'Subject: s',
      'broken fold',
      'To: a@b.example',
      '',
      'body',
    ]);
    const s = parse(bytes);
    assert.equal(body(bytes, s.root), 'body');
    assert.equal(s.envelope.subject, 's');
    assert.deepEqual(s.envelope.to?.[0]?.mailbox, 'a');
  });

  test('obsolete header syntax: white space before the colon, white-space-only fold lines (RFC 5322 §4)', () => {
    const bytes = message([
      'Subject :The obsolete syntax',
      '       ',
      ' and also empty lines in folding.',
      'Date    :  x',
      '',
      'body',
    ]);
    const s = parse(bytes);
    assert.equal(s.envelope.subject, 'The obsolete syntax        and also empty lines in folding.');
    assert.equal(s.envelope.date, 'x');
  });

  test('8-bit and NUL bytes survive as byte strings; long lines do not matter', () => {
    const bytes = Buffer.concat([
      Buffer.from('Subject: caf\xe9 \x00 na\xefve\r\nX-Long: ', 'latin1'),
      Buffer.alloc(5000, 'a'),
      Buffer.from('\r\n\r\n'),
      Buffer.alloc(300_000, 'b'),
      Buffer.from('\x00\r\nend'),
    ]);
    const s = parseInChunks(bytes, () => 4096);
    assertOffsets(s);
    assert.equal(s.envelope.subject, 'caf\xe9 \x00 na\xefve');
    assert.equal(s.root.bodyEnd - s.root.bodyStart, 300_000 + 6);
    assert.equal(s.root.lines, 1);
  });

  test(`a header over ${MAX_HEADER_BYTES / 1024} KB is skipped correctly, its start still parsed`, () => {
    const filler = Array.from({ length: 5000 }, (_, i) => `X-Filler-${i}: ${'x'.repeat(60)}`);
    const bytes = message(['Subject: big', ...filler, '', 'body']);
    const s = parseInChunks(bytes, () => 65536);
    assert.equal(s.envelope.subject, 'big');
    assert.equal(body(bytes, s.root), 'body');
  });
});
