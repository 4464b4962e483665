// Shared helpers for the MIME tests: chunked parsing, offset invariants, corpus access.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { StructureParser } from '../../../src/mail/mime/structure-parser.ts';
import type { MessageStructure, MimePart } from '../../../src/mail/mime/types.ts';
import { CORPUS_DIR as CORPUS_ROOT, corpusUnavailable } from '../../helpers/corpus.ts';

export const CORPUS_DIR = `${CORPUS_ROOT}/messages/`;

/** node:test options that skip a corpus test, with the reason, where the corpus is missing. */
export const corpusSkip = { skip: corpusUnavailable() };

export interface CorpusEntry {
  file: string;
  categories: string[];
  bytes: number;
  lineEndings: string;
}

export function corpusIndex(): CorpusEntry[] {
  const index = JSON.parse(readFileSync(new URL('../index.json', `file://${CORPUS_DIR}`), 'utf8')) as CorpusEntry[];
  const files = new Set(readdirSync(CORPUS_DIR));
  return index.filter((entry) => files.has(entry.file));
}

export function corpusMessage(file: string): Buffer {
  return readFileSync(CORPUS_DIR + file);
}

/** Builds a message from lines joined with CRLF (the default) or another line ending. */
export function message(lines: string[], eol = '\r\n'): Buffer {
  return Buffer.from(lines.join(eol), 'latin1');
}

export function toCrlf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** Feeds `bytes` to a fresh parser in chunks whose sizes come from `nextSize`. */
export function parseInChunks(bytes: Buffer, nextSize: () => number): MessageStructure {
  const parser = new StructureParser();
  let pos = 0;
  while (pos < bytes.length) {
    const end = Math.min(bytes.length, pos + Math.max(1, nextSize()));
    // a copy, so the parser cannot rely on the caller keeping the chunk untouched
    parser.write(Buffer.from(bytes.subarray(pos, end)));
    pos = end;
  }
  return parser.end();
}

export function parseWhole(bytes: Buffer): MessageStructure {
  const parser = new StructureParser();
  parser.write(bytes);
  return parser.end();
}

/** Deterministic pseudo-random numbers (mulberry32), so failures can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks the offset rules of types.ts for the whole tree. */
export function assertOffsets(structure: MessageStructure, label = ''): void {
  assert.equal(structure.root.headerStart, 0, `${label}: root starts at 0`);
  assert.equal(structure.root.bodyEnd, structure.size, `${label}: root ends at size`);
  const check = (part: MimePart, lo: number, hi: number, path: string): void => {
    const where = `${label} part ${path || 'root'}`;
    assert.ok(lo <= part.headerStart, `${where}: headerStart ${part.headerStart} < parent start ${lo}`);
    assert.ok(part.headerStart <= part.bodyStart, `${where}: headerStart > bodyStart`);
    assert.ok(part.bodyStart <= part.bodyEnd, `${where}: bodyStart ${part.bodyStart} > bodyEnd ${part.bodyEnd}`);
    assert.ok(part.bodyEnd <= hi, `${where}: bodyEnd ${part.bodyEnd} > parent end ${hi}`);
    assert.ok(part.lines >= 0 && part.lines <= part.bodyEnd - part.bodyStart, `${where}: lines ${part.lines}`);
    if (part.children !== undefined) {
      assert.equal(part.type, 'multipart', `${where}: children only on multiparts`);
      assert.ok(part.children.length > 0, `${where}: a multipart has parts`);
      let previousEnd = part.bodyStart;
      part.children.forEach((child, i) => {
        assert.ok(child.headerStart >= previousEnd, `${where}: children overlap`);
        check(child, part.bodyStart, part.bodyEnd, path ? `${path}.${i + 1}` : `${i + 1}`);
        previousEnd = child.bodyEnd;
      });
    }
    if (part.message !== undefined) {
      assert.equal(part.message.root.headerStart, part.bodyStart, `${where}: message starts at the body`);
      check(part.message.root, part.bodyStart, part.bodyEnd, `${path}.message`);
    }
  };
  check(structure.root, 0, structure.size, '');
}

export const body = (bytes: Buffer, part: MimePart): string => bytes.toString('latin1', part.bodyStart, part.bodyEnd);
export const header = (bytes: Buffer, part: MimePart): string =>
  bytes.toString('latin1', part.headerStart, part.bodyStart);

/** Parses whole, in 1-byte and in 7-byte chunks, checks all agree and the offsets hold. */
export function parseChecked(bytes: Buffer): MessageStructure {
  const whole = parseWhole(bytes);
  assert.deepEqual(
    parseInChunks(bytes, () => 1),
    whole,
    '1-byte chunks',
  );
  assert.deepEqual(
    parseInChunks(bytes, () => 7),
    whole,
    '7-byte chunks',
  );
  assertOffsets(whole);
  return whole;
}
