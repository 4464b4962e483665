import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_DEPTH, StructureParser } from '../../../src/mail/mime/structure-parser.ts';
import { assertOffsets, body, header, message, parseChecked as parse, parseInChunks } from './helpers.ts';

describe('multiparts', () => {
  const NESTED = [
    'Content-Type: multipart/mixed; boundary=outer',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain',
    '',
    'plain',
    '--inner',
    'Content-Type: text/html',
    '',
    '<p>html</p>',
    '--inner--',
    '',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner message',
    'From: Inner <inner@example.com>',
    'Content-Type: multipart/mixed; boundary=deep',
    '',
    '--deep',
    '',
    'deep text',
    '--deep',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    'AAEC',
    '--deep--',
    '--outer',
    'Content-Type: image/gif',
    '',
    'GIF',
    '--outer--',
    '',
  ];

  test('nested multipart and message/rfc822 inside a multipart', () => {
    const bytes = message(NESTED);
    const s = parse(bytes);
    const [alternative, rfc822, gif] = s.root.children!;
    assert.equal(s.root.children!.length, 3);
    assert.deepEqual(
      alternative!.children!.map((c) => [c.subtype, body(bytes, c)]),
      [
        ['plain', 'plain'],
        ['html', '<p>html</p>'],
      ],
    );
    assert.equal(rfc822!.type, 'message');
    const inner = rfc822!.message!;
    assert.equal(inner.root.headerStart, rfc822!.bodyStart);
    assert.equal(inner.envelope.subject, 'inner message');
    assert.equal(inner.envelope.from?.[0]?.name, 'Inner');
    assert.deepEqual(
      inner.root.children!.map((c) => body(bytes, c)),
      ['deep text', 'AAEC'],
    );
    assert.equal(inner.root.bodyEnd, rfc822!.bodyEnd);
    // 13 lines, the last one's line break belonging to the next delimiter: 12 line ends, which is
    // what Dovecot counts too
    assert.equal(rfc822!.lines, 12);
    assert.equal(body(bytes, gif!), 'GIF');
  });

  test('multipart/digest parts default to message/rfc822 (RFC 2046 §5.1.5), only directly', () => {
    const bytes = message([
      'Content-Type: multipart/digest; boundary=d',
      '',
      '--d',
      '',
      'Subject: first',
      '',
      'one',
      '--d',
      'Content-Type: multipart/mixed; boundary=m',
      '',
      '--m',
      '',
      'not a message',
      '--m--',
      '--d--',
    ]);
    const [first, mixed] = parse(bytes).root.children!;
    assert.deepEqual([first!.type, first!.subtype, first!.params], ['message', 'rfc822', []]);
    assert.equal(first!.message!.envelope.subject, 'first');
    assert.equal(body(bytes, first!.message!.root), 'one');
    assert.deepEqual([mixed!.children![0]!.type, mixed!.children![0]!.subtype], ['text', 'plain']);
  });

  test('preamble and epilogue are ignored, including delimiter look-alikes', () => {
    const bytes = message([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      'preamble mentions --b in the middle of a line',
      '--b--  a close delimiter before any part is preamble text',
      '--b',
      '',
      'part',
      '--b--',
      'epilogue',
      '--b',
      'still epilogue',
    ]);
    const s = parse(bytes);
    assert.deepEqual(
      s.root.children!.map((c) => body(bytes, c)),
      ['part'],
    );
  });

  test('transport padding and prefix matching (RFC 2046 §5.1.1)', () => {
    const bytes = message([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b \t ',
      '',
      'one',
      '--b junk after the boundary',
      '',
      'two',
      '--b--  ',
      '',
    ]);
    assert.deepEqual(
      parse(bytes).root.children!.map((c) => body(bytes, c)),
      ['one', 'two'],
    );
  });

  test('nested boundaries that are prefixes of each other: the longest match wins', () => {
    const bytes = message([
      'Content-Type: multipart/mixed; boundary="ab"',
      '',
      '--ab',
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      '',
      'inner',
      '--ab',
      '',
      'outer second',
      '--ab--',
    ]);
    const s = parse(bytes);
    assert.equal(s.root.children!.length, 2);
    assert.deepEqual(
      s.root.children![0]!.children!.map((c) => body(bytes, c)),
      ['inner'],
    );
    assert.equal(body(bytes, s.root.children![1]!), 'outer second');
  });

  test('an enclosing delimiter ends unclosed inner parts', () => {
    const bytes = message([
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      '',
      'never closed',
      '--outer',
      '',
      'next',
      '--outer--',
    ]);
    const s = parse(bytes);
    assert.equal(body(bytes, s.root.children![0]!.children![0]!), 'never closed');
    assert.equal(body(bytes, s.root.children![1]!), 'next');
  });

  test('missing close delimiter: the parts end with the message', () => {
    const bytes = message(['Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'one', '--b', '', 'two', '']);
    const s = parse(bytes);
    assert.equal(body(bytes, s.root.children![1]!), 'two\r\n');
    assert.equal(s.root.children![1]!.bodyEnd, bytes.length);
  });

  test('a part with a header but no blank line or body before the delimiter', () => {
    const bytes = message([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/html',
      '--b',
      '',
      'x',
      '--b--',
    ]);
    const [empty] = parse(bytes).root.children!;
    assert.equal(empty!.subtype, 'html');
    assert.equal(empty!.bodyEnd - empty!.bodyStart, 0);
    assert.equal(header(bytes, empty!), 'Content-Type: text/html\r\n');
  });

  test('an encapsulated message whose body is empty ends with its part', () => {
    // the blank line ending the inner header is not a delimiter's line break
    const bytes = message([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: message/rfc822',
      '',
      'Subject: s',
      '',
      '--b--',
      '',
    ]);
    const part = parse(bytes).root.children![0]!;
    assert.equal(part.message!.root.bodyEnd, part.bodyEnd);
    assert.equal(body(bytes, part), 'Subject: s\r\n\r\n');
  });

  test('mixed line endings', () => {
    const bytes = Buffer.from(
      'Content-Type: multipart/mixed; boundary=b\n\r\n--b\r\n\nLF part\n--b\n\r\nCRLF part\r\n--b--\n',
    );
    const s = parse(bytes);
    assert.deepEqual(
      s.root.children!.map((c) => body(bytes, c)),
      ['LF part', 'CRLF part'],
    );
  });

  test('multipart without a usable boundary, or whose delimiter never comes, is text/plain', () => {
    for (const lines of [
      ['Content-Type: multipart/mixed', '', 'text'],
      ['Content-Type: multipart/mixed; boundary=""', '', 'text'],
      ['Content-Type: multipart/mixed; boundary=zz', '', 'text', '--zz--'],
    ]) {
      const s = parse(message(lines));
      assert.deepEqual([s.root.type, s.root.subtype, s.root.children], ['text', 'plain', undefined], lines.join('|'));
    }
  });

  test('message/rfc822 in base64 is opaque: empty envelope and body, like Dovecot (RFC 2046 §5.2.1)', () => {
    const bytes = message([
      'Content-Type: message/rfc822',
      'Content-Transfer-Encoding: base64',
      '',
      'U3ViamVjdDogaGkNCg0KYm9keQ0K',
      '',
    ]);
    const part = parse(bytes).root;
    assert.equal(part.message!.envelope.subject, null);
    assert.deepEqual([part.message!.root.headerStart, part.message!.root.bodyEnd], [part.bodyStart, part.bodyStart]);
  });
});

describe('limits', () => {
  test(`multiparts nested deeper than ${MAX_DEPTH} are opaque text`, () => {
    const depth = MAX_DEPTH + 40;
    const lines: string[] = [];
    for (let i = 0; i < depth; i++) lines.push(`Content-Type: multipart/mixed; boundary=b${i}`, '', `--b${i}`);
    lines.push('', 'leaf');
    const bytes = message(lines);
    const s = parse(bytes);
    let part = s.root;
    let levels = 0;
    while (part.children !== undefined) {
      part = part.children[0]!;
      levels++;
    }
    assert.equal(levels, MAX_DEPTH);
    assert.equal(part.type, 'text');
  });

  test('deeply nested message/rfc822 does not overflow', () => {
    const bytes = Buffer.from(`${'Content-Type: message/rfc822\r\n\r\n'.repeat(5000)}body`);
    const s = parseInChunks(bytes, () => 1000);
    assertOffsets(s);
  });

  test('write after end is a programming error', () => {
    const parser = new StructureParser();
    parser.end();
    assert.throws(() => parser.write(Buffer.from('x')));
  });
});
