import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { paramText, parseParameterizedValue, stripComments } from '../../../src/mail/mime/mime-params.ts';

describe('RFC 2045 §5.1 parameters', () => {
  test('tokens, quoted strings with quoted-pairs, comments, white space', () => {
    assert.deepEqual(parseParameterizedValue('text/plain; charset=us-ascii (Plain text)'), {
      value: 'text/plain',
      params: [['charset', 'us-ascii']],
    });
    assert.deepEqual(parseParameterizedValue('text/plain; charset="us-ascii"'), {
      value: 'text/plain',
      params: [['charset', 'us-ascii']],
    });
    assert.deepEqual(parseParameterizedValue(' Text / Plain ;\tName = "a \\"b\\" ; (c).txt" '), {
      value: 'Text/Plain',
      params: [['name', 'a "b" ; (c).txt']],
    });
  });

  test('malformed parameters are skipped or taken as they are', () => {
    assert.deepEqual(parseParameterizedValue('multipart/alternative;; boundary="foo"').params, [['boundary', 'foo']]);
    assert.deepEqual(parseParameterizedValue('x/y; novalue; a=1; A=2; =3').params, [['a', '1']]);
    assert.deepEqual(parseParameterizedValue('multipart/alternative; boundary=----=_NextPart_000').params, [
      ['boundary', '----=_NextPart_000'],
    ]);
    assert.deepEqual(parseParameterizedValue('application/x; name=this is a test.txt').params, [
      ['name', 'this is a test.txt'],
    ]);
    assert.deepEqual(parseParameterizedValue('x/y; name="unterminated').params, [['name', 'unterminated']]);
  });

  test('stripComments keeps quoted strings and handles nesting', () => {
    assert.equal(stripComments('a (b (c) d) e "(kept)" (\\) still comment) f'), 'a  e "(kept)"  f');
  });
});

describe('RFC 2231 continuations and charsets', () => {
  test('§3 continuations are joined', () => {
    const parsed = parseParameterizedValue(
      'message/external-body; access-type=URL;\r\n URL*0="ftp://";\r\n URL*1="cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"',
    );
    assert.deepEqual(parsed.params, [
      ['access-type', 'URL'],
      ['url', 'ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar'],
    ]);
  });

  test('§4 a charset-tagged value stays encoded under name*, decoded by paramText', () => {
    const parsed = parseParameterizedValue(
      "application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
    );
    assert.deepEqual(parsed.params, [['title*', "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A"]]);
    assert.equal(paramText(parsed.params, 'title'), 'This is ***fun***');
  });

  test('§4.1 mixed encoded and plain segments', () => {
    const parsed = parseParameterizedValue(
      "application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
    );
    assert.deepEqual(parsed.params, [
      ['title*', "us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20isn%27t%20it!"],
    ]);
    assert.equal(paramText(parsed.params, 'title'), "This is even more ***fun*** isn't it!");
  });

  test('segments out of order are sorted, a gap ends the value, the first of duplicates wins', () => {
    const parsed = parseParameterizedValue('x/y; n*1="b"; n*0="a"; n*3="d"; n*1="z"');
    assert.deepEqual(parsed.params, [['n', 'ab']]);
  });

  test('paramText decodes charsets and RFC 2047 words that mailers put in parameters', () => {
    assert.equal(paramText([['filename*', "utf-8''%E2%82%AC%20rates.txt"]], 'filename'), '€ rates.txt');
    assert.equal(paramText([['filename*', "iso-8859-1''caf%E9.txt"]], 'filename'), 'café.txt');
    assert.equal(paramText([['name', '=?UTF-8?B?w6lsw6h2ZS5wZGY=?=']], 'name'), 'élève.pdf');
    assert.equal(
      paramText(
        [
          ['name', 'x'],
          ['name*', "utf-8''y"],
        ],
        'name',
      ),
      'y',
    );
    assert.equal(paramText([], 'name'), null);
  });
});
