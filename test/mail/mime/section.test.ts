import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  filterHeaderFields,
  findPart,
  parseSectionSpec,
  resolveSection,
  type SectionTarget,
} from '../../../src/mail/mime/section.ts';
import type { MessageStructure } from '../../../src/mail/mime/types.ts';
import { loadGolden } from '../../imap/format/dovecot-compare.ts';
import { parseImapValue } from '../../imap/format/imap-value.ts';
import { corpusMessage, corpusSkip, message, parseWhole, toCrlf } from './helpers.ts';

/** The bytes a FETCH of this section returns ("" for a section that names nothing). */
function fetchSection(bytes: Buffer, structure: MessageStructure, section: string): string {
  const target: SectionTarget | null = resolveSection(structure, parseSectionSpec(section));
  if (target === null) return '';
  if ('range' in target) {
    return filterHeaderFields(
      bytes.subarray(target.range.start, target.range.end),
      target.filterFields,
      target.not,
    ).toString('latin1');
  }
  return bytes.toString('latin1', target.start, target.end);
}

describe('parseSectionSpec (RFC 3501 §6.4.5, §9)', () => {
  test('valid specs', () => {
    assert.deepEqual(parseSectionSpec(''), { part: [], text: '' });
    assert.deepEqual(parseSectionSpec('TEXT'), { part: [], text: 'TEXT' });
    assert.deepEqual(parseSectionSpec('header'), { part: [], text: 'HEADER' });
    assert.deepEqual(parseSectionSpec('3.MIME'), { part: [3], text: 'MIME' });
    assert.deepEqual(parseSectionSpec('4.2.2.1'), { part: [4, 2, 2, 1], text: '' });
    assert.deepEqual(parseSectionSpec('1.2.HEADER.FIELDS (FROM TO)'), {
      part: [1, 2],
      text: 'HEADER.FIELDS',
      fields: ['FROM', 'TO'],
    });
    assert.deepEqual(parseSectionSpec('HEADER.FIELDS.NOT ("X-Odd Name" Subject)'), {
      part: [],
      text: 'HEADER.FIELDS.NOT',
      fields: ['X-Odd Name', 'Subject'],
    });
    assert.deepEqual(parseSectionSpec('HEADER.FIELDS ({7}\r\nSubject)'), {
      part: [],
      text: 'HEADER.FIELDS',
      fields: ['Subject'],
    });
  });

  test('invalid specs throw SyntaxError with a reason', () => {
    for (const bad of [
      'MIME',
      '0',
      '01',
      '1.',
      '.1',
      '1..2',
      '1.2.3x',
      'BODY',
      'TEXT ',
      'HEADER.FIELDS',
      'HEADER.FIELDS ()',
      'HEADER.FIELDS (A',
      'HEADER.FIELDS (A  B)',
      'HEADER.FIELDS (A) x',
      'HEADER.FIELDS ("")',
      '99999999999',
    ]) {
      assert.throws(() => parseSectionSpec(bad), SyntaxError, JSON.stringify(bad));
    }
  });
});

describe('resolveSection on the RFC 3501 §6.4.5 sample structure', corpusSkip, () => {
  // corpus 0135 is that sample message: every part says which specifier should reach it
  const bytes = toCrlf(corpusMessage('0135-mimekit-rfc2060.eml'));
  const structure = parseWhole(bytes);

  test('every numbered part specifier reaches its part', () => {
    for (const section of ['1', '2', '3.1', '3.2', '4.1', '4.2.1', '4.2.2.1', '4.2.2.2']) {
      assert.equal(fetchSection(bytes, structure, section), `This part specifier should be: ${section}\r\n`, section);
    }
  });

  test('HEADER and TEXT of encapsulated messages, MIME of parts', () => {
    assert.match(
      fetchSection(bytes, structure, '3.HEADER'),
      /^From: .*Subject: This part specifier should be: 3\r\n.*\r\n\r\n$/s,
    );
    assert.match(fetchSection(bytes, structure, '4.2.HEADER'), /Subject: This part specifier should be: 4\.2\r\n/);
    assert.match(fetchSection(bytes, structure, '3.TEXT'), /^--3\.x\r\n.*--3\.x--$/s);
    assert.equal(fetchSection(bytes, structure, '4.1.MIME'), 'Content-Type: IMAGE/GIF\r\n\r\n');
    assert.equal(fetchSection(bytes, structure, '3.MIME'), 'Content-Type: MESSAGE/RFC822\r\n\r\n');
    assert.equal(fetchSection(bytes, structure, ''), bytes.toString('latin1'));
  });

  test('sections that name nothing resolve to null', () => {
    for (const section of ['9', '4.3', '3.9', '2.HEADER', '1.TEXT', '4.2.2.HEADER', '1.2', '4.1.2']) {
      assert.equal(resolveSection(structure, parseSectionSpec(section)), null, section);
    }
  });

  test('a single part is its own part 1, as Dovecot answers it', () => {
    assert.equal(findPart(structure, [1, 1]), findPart(structure, [1]));
    assert.equal(findPart(structure, [4, 1, 1]), findPart(structure, [4, 1]));
  });
});

describe('resolveSection on a single-part message', () => {
  const bytes = message(['Subject: s', 'From: a@b.test', '', 'the body', '']);
  const structure = parseWhole(bytes);

  test('part 1 is the body; 1.MIME is the message header', () => {
    assert.equal(fetchSection(bytes, structure, '1'), 'the body\r\n');
    assert.equal(fetchSection(bytes, structure, 'TEXT'), 'the body\r\n');
    assert.equal(fetchSection(bytes, structure, 'HEADER'), 'Subject: s\r\nFrom: a@b.test\r\n\r\n');
    assert.equal(fetchSection(bytes, structure, '1.MIME'), 'Subject: s\r\nFrom: a@b.test\r\n\r\n');
    assert.equal(resolveSection(structure, parseSectionSpec('2')), null);
  });
});

describe('sections against Dovecot (golden/dovecot-sections.json)', corpusSkip, () => {
  // RFC 2046 §5.1.1 gives the line break after a nested close delimiter to the next delimiter;
  // Dovecot keeps it in the encapsulated message (see the nestedEpilogue note in dovecot-corpus.test.ts)
  const NESTED_EPILOGUE = new Set(['0135-mimekit-rfc2060.eml 3.TEXT', '0135-mimekit-rfc2060.eml 4.2.TEXT']);
  const golden = loadGolden<Record<string, Record<string, string>>>('dovecot-sections.json');
  for (const [file, sections] of Object.entries(golden)) {
    test(file, () => {
      const bytes = toCrlf(corpusMessage(file));
      const structure = parseWhole(bytes);
      for (const [section, reference] of Object.entries(sections)) {
        const ours = fetchSection(bytes, structure, section);
        const theirs = (parseImapValue(reference) as string | null) ?? '';
        if (NESTED_EPILOGUE.has(`${file} ${section}`)) assert.equal(ours, theirs.slice(0, -2), section);
        else assert.equal(ours, theirs, section);
      }
    });
  }
});

describe('filterHeaderFields', () => {
  const header = Buffer.from(
    'From someone Sat Jan  3 01:05:34 1996\r\nSubject: one\r\n  continued\r\nTo: a@b.test\r\nsubject : again\r\nX-Other: x\r\n\r\n',
    'latin1',
  );

  test('keeps the named fields with their continuation lines, case-insensitively, plus the blank line', () => {
    assert.equal(
      filterHeaderFields(header, ['SUBJECT'], false).toString(),
      'Subject: one\r\n  continued\r\nsubject : again\r\n\r\n',
    );
    assert.equal(filterHeaderFields(header, ['nope'], false).toString(), '\r\n');
  });

  test('NOT drops the named fields, and lines that are no field at all', () => {
    assert.equal(filterHeaderFields(header, ['subject', 'x-other'], true).toString(), 'To: a@b.test\r\n\r\n');
  });

  test('a last field without line ending, a header without blank line', () => {
    assert.equal(
      filterHeaderFields(Buffer.from('To: x\r\nSubject: y'), ['subject'], false).toString(),
      'Subject: y\r\n\r\n',
    );
    assert.equal(filterHeaderFields(Buffer.from('To: x\nSubject: y\n'), ['to'], false).toString(), 'To: x\n\r\n');
  });
});
