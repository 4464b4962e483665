import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractSearchText, MAX_SEARCH_BODY } from '../../../src/mail/mime/searchable-text.ts';
import { decodeCharset, decodeHeaderText, decodeQuotedPrintable } from '../../../src/mail/mime/text-decoding.ts';
import { corpusMessage, corpusSkip, message, parseWhole } from './helpers.ts';

const search = (bytes: Buffer) => extractSearchText(bytes, parseWhole(bytes));

describe('decoding helpers', () => {
  test('RFC 2047 encoded words, adjacent ones joined (§6.2), split characters rejoined', () => {
    assert.equal(decodeHeaderText('=?ISO-8859-1?Q?Andr=E9?= Pirard'), 'André Pirard');
    assert.equal(
      decodeHeaderText(
        '=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=',
      ),
      'If you can read this you understand the example.',
    );
    assert.equal(decodeHeaderText('(=?ISO-8859-1?Q?a?= b)'), '(a b)');
    assert.equal(decodeHeaderText('(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)'), '(ab)');
    assert.equal(decodeHeaderText('=?utf-8?q?=E2=82?= =?utf-8?q?=AC?='), '€');
    assert.equal(decodeHeaderText('=?utf-8*en?q?x_y?='), 'x y'); // RFC 2231 §5 language
  });

  test('raw 8-bit header text: UTF-8 when valid, else the fallback charset, else latin1', () => {
    assert.equal(decodeHeaderText('caf\xc3\xa9'), 'café');
    assert.equal(decodeHeaderText('caf\xe9'), 'café');
    assert.equal(decodeHeaderText('\xc8\xab\xd0\xc2', 'gb2312'), '全新');
    assert.equal(decodeHeaderText('=?iso-8859-1?Q?Fr\xf6sche?='), 'Frösche'); // raw byte inside a Q word
  });

  test('charsets: known, unknown, mislabelled', () => {
    assert.equal(decodeCharset(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'ISO-8859-1'), 'café');
    assert.equal(decodeCharset(Buffer.from([0x80]), 'windows-1252'), '€');
    assert.equal(decodeCharset(Buffer.from('1b2442467c4b5c1b2842', 'hex'), 'iso-2022-jp'), '日本');
    assert.equal(decodeCharset(Buffer.from('café'), 'x-unknown'), 'café');
    assert.equal(decodeCharset(Buffer.from([0xe9]), 'x-unknown'), 'é');
    assert.equal(decodeCharset(Buffer.from([0xe9]), 'us-ascii'), 'é');
    assert.equal(decodeCharset(Buffer.from([0xe9]), 'utf-8'), '\ufffd');
  });

  test('quoted-printable (RFC 2045 §6.7): soft breaks, padding, bad escapes kept', () => {
    const qp = Buffer.from('caf=E9 =3D ok=\r\ncontinued  \r\nbad =ZZ and = alone\r\nend=');
    assert.equal(decodeQuotedPrintable(qp).toString('latin1'), 'caf\xe9 = okcontinued\r\nbad =ZZ and = alone\r\nend');
  });
});

describe('extractSearchText', () => {
  test('headers decoded and unfolded, names lower-case, body decoded per part', () => {
    const bytes = message([
      'Subject: =?utf-8?B?SGVsbG8gd8O2cmxk?=',
      ' folded',
      'From: =?iso-8859-1?q?J=F6rg?= <j@example.test>',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'K=E4se und Br=F6tchen',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>gr\u00fc\u00dfe</p>').toString('base64'),
      '--b',
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--b',
      'Content-Type: message/rfc822',
      '',
      'Subject: =?utf-8?q?inner_=C3=A9?=',
      '',
      'inner body',
      '--b--',
    ]);
    const result = search(bytes);
    assert.deepEqual(result.headers.slice(0, 2), [
      ['subject', 'Hello wörld folded'],
      ['from', 'Jörg <j@example.test>'],
    ]);
    assert.equal(result.body, 'Käse und Brötchen\n<p>grüße</p>\nsubject: inner é\ninner body');
  });

  test('unknown transfer encodings are taken raw', () => {
    const bytes = message(['Content-Transfer-Encoding: x-uuencode', '', 'begin 644 x', '']);
    assert.equal(search(bytes).body, 'begin 644 x\r\n');
  });

  test(`body text is capped at ${MAX_SEARCH_BODY} characters`, () => {
    const big = 'x'.repeat(MAX_SEARCH_BODY + 1000);
    const bytes = Buffer.from(
      `Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n${big}\r\n--b\r\n\r\nsecond\r\n--b--\r\n`,
    );
    const result = search(bytes);
    assert.equal(result.body.length, MAX_SEARCH_BODY);
    assert.ok(!result.body.includes('second'));
  });

  test('a corpus message in a legacy charset', corpusSkip, () => {
    const bytes = corpusMessage('0493-sa-nice-cjk-gb2312-1.eml');
    const result = search(bytes);
    // the Subject is raw GB2312; the body's charset is the best guess for it
    assert.match(result.headers.find(([name]) => name === 'subject')![1], /^全新原装进口/);
    assert.ok(!result.body.includes('\ufffd'));
  });
});
