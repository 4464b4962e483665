// Seeded fuzzing: corpus messages mangled at random (cut, duplicated, delimiter lines and junk bytes
// inserted) must still parse the same in any chunking, keep their offsets consistent, format to
// valid IMAP and resolve every section inside the message. MIME_FUZZ_SEED replays a run;
// MIME_FUZZ_ROUNDS makes it longer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBodyStructure } from '../../../src/imap/format/body-structure.ts';
import { formatEnvelope } from '../../../src/imap/format/envelope.ts';
import { extractSearchText } from '../../../src/mail/mime/searchable-text.ts';
import { parseSectionSpec, resolveSection } from '../../../src/mail/mime/section.ts';
import type { MessageStructure, MimePart } from '../../../src/mail/mime/types.ts';
import { parseImapValue } from '../../imap/format/imap-value.ts';
import { assertOffsets, corpusIndex, corpusMessage, corpusSkip, parseInChunks, parseWhole, seededRandom } from './helpers.ts';

const SEED = Number(process.env.MIME_FUZZ_SEED ?? 1);
const ROUNDS = Number(process.env.MIME_FUZZ_ROUNDS ?? 300);

function mutate(bytes: Buffer, random: () => number): Buffer {
  const pick = (n: number): number => Math.floor(random() * n);
  const boundaries = [...bytes.toString('latin1').matchAll(/boundary="?([^";\r\n]+)/gi)].map((m) => m[1]!);
  let out = bytes;
  for (let i = 1 + pick(4); i > 0; i--) {
    const at = pick(out.length + 1);
    const len = pick(Math.min(400, out.length - at) + 1);
    let insert: Buffer;
    switch (pick(5)) {
      case 0: // delete a range
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + len)]);
        continue;
      case 1: // duplicate a range
        insert = out.subarray(at, at + len);
        break;
      case 2: // a delimiter line of one of the message's boundaries, maybe a close one
        insert = Buffer.from(
          `\r\n--${boundaries[pick(boundaries.length)] ?? 'x'}${random() < 0.3 ? '--' : ''}\r\n`,
          'latin1',
        );
        break;
      case 3: // junk bytes, including NUL, CR and LF
        insert = Buffer.from(Array.from({ length: 1 + pick(20) }, () => [0, 10, 13, 45, 58, 32, 200][pick(7)]!));
        break;
      default: // a header-ish line
        insert = Buffer.from(
          [
            '\r\n\r\n',
            'Content-Type: multipart/mixed; boundary=z\r\n',
            '\n--z\n',
            'Content-Type: message/rfc822\r\n\r\n',
          ][pick(4)]!,
        );
    }
    out = Buffer.concat([out.subarray(0, at), insert, out.subarray(at)]);
  }
  return out;
}

function partPaths(structure: MessageStructure): number[][] {
  const paths: number[][] = [];
  const walk = (part: MimePart, path: number[]): void => {
    const inner = part.message?.root ?? part;
    const children = inner.children ?? (part.message !== undefined ? [inner] : []);
    children.forEach((child, i) => {
      paths.push([...path, i + 1]);
      if (paths.length < 200) walk(child, [...path, i + 1]);
    });
  };
  walk({ ...structure.root, message: { envelope: structure.envelope, root: structure.root } }, []);
  return paths;
}

test(`mangled corpus messages (seed ${SEED}, ${ROUNDS} rounds)`, corpusSkip, () => {
  const random = seededRandom(SEED);
  const files = corpusIndex().filter((e) => e.bytes < 200_000);
  for (let round = 0; round < ROUNDS; round++) {
    const file = files[Math.floor(random() * files.length)]!.file;
    const bytes = mutate(corpusMessage(file), random);
    const label = `${file} round ${round} seed ${SEED}`;
    const structure = parseWhole(bytes);
    assertOffsets(structure, label);
    assert.deepEqual(
      parseInChunks(bytes, () => 1 + Math.floor(random() * 300)),
      structure,
      label,
    );
    parseImapValue(formatBodyStructure(structure.root, { extended: true }).toString('latin1'));
    parseImapValue(formatEnvelope(structure.envelope).toString('latin1'));
    extractSearchText(bytes, structure);
    for (const path of partPaths(structure)) {
      for (const text of ['', '.MIME', '.HEADER', '.TEXT', '.HEADER.FIELDS (SUBJECT)']) {
        const target = resolveSection(structure, parseSectionSpec(`${path.join('.')}${text}`));
        const range = target === null ? null : 'range' in target ? target.range : target;
        if (text === '' || text === '.MIME') assert.notEqual(range, null, `${label} ${path.join('.')}${text}`);
        if (range !== null) assert.ok(0 <= range.start && range.start <= range.end && range.end <= bytes.length, label);
      }
    }
  }
});

test(`random section specs either parse or throw SyntaxError (seed ${SEED})`, () => {
  const random = seededRandom(SEED);
  const pieces = [
    '1',
    '2',
    '0',
    '.',
    'HEADER',
    'TEXT',
    'MIME',
    '.FIELDS',
    '.NOT',
    ' ',
    '(',
    ')',
    '"',
    'X',
    '{3}\r\n',
    '\\',
    ']',
  ];
  for (let i = 0; i < 5000; i++) {
    const spec = Array.from(
      { length: Math.floor(random() * 8) },
      () => pieces[Math.floor(random() * pieces.length)],
    ).join('');
    try {
      const parsed = parseSectionSpec(spec);
      assert.ok(
        parsed.part.every((n) => Number.isInteger(n) && n > 0),
        spec,
      );
    } catch (error) {
      assert.ok(error instanceof SyntaxError, `${JSON.stringify(spec)}: ${String(error)}`);
    }
  }
});
