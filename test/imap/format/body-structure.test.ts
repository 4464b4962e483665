// BODY / BODYSTRUCTURE: the RFC 3501 examples byte for byte, and golden files for representative
// corpus messages (golden/bodystructure.json, exact bytes of our output; each was checked against
// Dovecot's answer in golden/dovecot-corpus.json, which the last test repeats). Regenerate the
// golden file after an intended change with UPDATE_GOLDEN=1 and review the diff.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { formatBodyStructure } from '../../../src/imap/format/body-structure.ts';
import { formatEnvelope } from '../../../src/imap/format/envelope.ts';
import { newPart } from '../../../src/mail/mime/part-headers.ts';
import type { MimePart } from '../../../src/mail/mime/types.ts';
import { corpusMessage, corpusSkip, message, parseWhole, toCrlf } from '../../mail/mime/helpers.ts';
import { imapDifferences, loadGolden, type DovecotCorpus } from './dovecot-compare.ts';

const format = (part: MimePart, extended: boolean): string =>
  formatBodyStructure(part, { extended }).toString('latin1');

describe('RFC 3501 examples', () => {
  test('§8 sample: a 92-line, 3028-byte US-ASCII text', () => {
    const line = `${'x'.repeat(30)}\r\n`; // 32 bytes
    const text = `${line.repeat(91)}${'y'.repeat(3028 - 91 * 32 - 2)}\r\n`;
    const bytes = Buffer.from(`Subject: s\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n${text}`);
    const root = parseWhole(bytes).root;
    assert.equal(format(root, false), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)');
    assert.equal(format(root, true), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)');
  });

  test('§7.4.2 multipart example', () => {
    const plain: MimePart = {
      ...newPart(0),
      bodyStart: 0,
      bodyEnd: 1152,
      lines: 23,
      params: [['charset', 'US-ASCII']],
    };
    const diff: MimePart = {
      ...newPart(0),
      bodyStart: 0,
      bodyEnd: 4554,
      lines: 73,
      params: [
        ['charset', 'US-ASCII'],
        ['name', 'cc.diff'],
      ],
      id: '<960723163407.20117h@cac.washington.edu>',
      description: 'Compiler diff',
      encoding: 'base64',
    };
    const mixed: MimePart = { ...newPart(0), type: 'multipart', subtype: 'mixed', params: [], children: [plain, diff] };
    assert.equal(
      format(mixed, false),
      '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") ' +
        '"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")',
    );
  });
});

describe('body fields', () => {
  test('extension data of single parts and multiparts; empty parameter lists are NIL', () => {
    const bytes = message([
      'Content-Type: multipart/mixed; boundary=b',
      'Content-Language: nl',
      'Content-Location: cid:all',
      '',
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename="r\xe9sum\xe9.pdf"',
      'Content-MD5: abc==',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBE',
      '--b--',
    ]);
    assert.equal(
      format(parseWhole(bytes).root, true),
      '(("APPLICATION" "PDF" NIL NIL NIL "BASE64" 4 "abc==" ("ATTACHMENT" ("FILENAME" {10}\r\nr\xe9sum\xe9.pdf)) NIL NIL)' +
        ' "MIXED" ("BOUNDARY" "b") NIL ("nl") "cid:all")',
    );
  });

  test('message/rfc822 carries envelope, body and lines; message/global only when asked (RFC 9051)', () => {
    const inner = ['Subject: inner', '', 'hello', ''];
    const rfc822 = parseWhole(message(['Content-Type: message/rfc822', '', ...inner])).root;
    assert.equal(
      format(rfc822, false),
      '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 25 (NIL "inner" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 7 1) 3)',
    );
    const global = parseWhole(message(['Content-Type: message/global', '', ...inner])).root;
    assert.equal(format(global, false), '("MESSAGE" "GLOBAL" NIL NIL NIL "7BIT" 25)');
    assert.match(
      formatBodyStructure(global, { extended: false, messageGlobal: true }).toString(),
      /^\("MESSAGE" "GLOBAL" .* "inner" .* 3\)$/,
    );
  });
});

describe('golden files', corpusSkip, () => {
  const GOLDEN = [
    '0026-mail-invalid-subject-characters.eml', // single text part, raw 8-bit non-UTF-8 headers
    '0042-mail-multiple-content-types.eml', // multipart/alternative
    '0048-mail-raw-email-with-nested-attachment.eml', // multipart/signed > mixed with an inline image
    '0012-mail-attachment-message-rfc822.eml', // message/rfc822 holding a multipart
    '0078-mail-multipart-report-multiple-status.eml', // multipart/report: delivery-status and the message
    '0062-mail-japanese-attachment-long-name.eml', // RFC 2231 filename*, RFC 2047 name
    '0122-mimekit-multipart-digest.eml', // multipart/digest default types
  ];
  type Golden = Record<string, { BODYSTRUCTURE: string; BODY: string; ENVELOPE: string }>;

  const actual: Golden = {};
  for (const file of GOLDEN) {
    const structure = parseWhole(toCrlf(corpusMessage(file)));
    actual[file] = {
      BODYSTRUCTURE: format(structure.root, true),
      BODY: format(structure.root, false),
      ENVELOPE: formatEnvelope(structure.envelope).toString('latin1'),
    };
  }
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(new URL('golden/bodystructure.json', import.meta.url), `${JSON.stringify(actual, null, 2)}\n`);
  }
  const golden = loadGolden<Golden>('bodystructure.json');
  const dovecot = loadGolden<DovecotCorpus>('dovecot-corpus.json');

  for (const file of GOLDEN) {
    test(file, () => {
      assert.deepEqual(actual[file], golden[file]);
      // and the same values as Dovecot sends (modulo case and white space, see dovecot-compare.ts)
      assert.deepEqual(imapDifferences(actual[file]!.BODYSTRUCTURE, dovecot[file]!.BODYSTRUCTURE), []);
      assert.deepEqual(imapDifferences(actual[file]!.ENVELOPE, dovecot[file]!.ENVELOPE), []);
    });
  }
});
