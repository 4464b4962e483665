// The shared e-mail corpus (../shared/corpus, see its SOURCES.md) for end-to-end tests: listing the
// messages, preparing one for SMTP submission, and what a client must get back over POP3.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const REPO_ROOT = new URL('../..', import.meta.url).pathname;

/** ZORGPOST_CORPUS_DIR, else the corpus beside the repository (../shared/corpus), else the
 * workplace's shared folder (a CI clone may live anywhere on the machine). */
export const CORPUS_DIR =
  process.env.ZORGPOST_CORPUS_DIR ??
  [resolve(REPO_ROOT, '../shared/corpus'), '/work/shared/corpus'].find((dir) => existsSync(join(dir, 'index.json'))) ??
  resolve(REPO_ROOT, '../shared/corpus');

// CI sets ZORGPOST_REQUIRE_CORPUS=1: there a missing corpus is a failure, never a silent skip.
if (process.env.ZORGPOST_REQUIRE_CORPUS === '1' && !existsSync(join(CORPUS_DIR, 'index.json'))) {
  throw new Error(`ZORGPOST_REQUIRE_CORPUS is set but no corpus is at ${CORPUS_DIR}; set ZORGPOST_CORPUS_DIR`);
}

export interface CorpusEntry {
  file: string;
  path: string;
  bytes: number;
  lineEndings: 'CRLF' | 'LF' | 'mixed';
  categories: string[];
}

/** Why the corpus tests cannot run here, or false when they can (for node:test's `skip`). */
export function corpusUnavailable(): string | false {
  return existsSync(join(CORPUS_DIR, 'index.json')) ? false : `corpus not found at ${CORPUS_DIR} (set ZORGPOST_CORPUS_DIR)`;
}

/** Every message in index.json order, which is file-name order. */
export function listCorpus(): CorpusEntry[] {
  const index = JSON.parse(readFileSync(join(CORPUS_DIR, 'index.json'), 'utf8')) as Array<Omit<CorpusEntry, 'path'>>;
  return index.map((entry) => ({ ...entry, path: join(CORPUS_DIR, 'messages', entry.file) }));
}

export function readCorpusMessage(entry: CorpusEntry): Promise<Buffer> {
  return readFile(entry.path);
}

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/** True when the file starts with an mbox "From " envelope line (not an RFC 5322 header field). */
export function hasMboxFromLine(raw: Buffer): boolean {
  return raw.subarray(0, 5).toString('latin1') === 'From ';
}

/** Every line break as CRLF: bare LF and bare CR become CRLF, CRLF stays (RFC 5321 §2.3.8). */
export function toCrlf(raw: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === LF && (i === 0 || raw[i - 1] !== CR)) out.push(CR, LF);
    else if (byte === CR && raw[i + 1] !== LF) out.push(CR, LF);
    else out.push(byte);
  }
  return Buffer.from(out);
}

/**
 * The message as a test submits it from `fromAddress` (submission accepts only the user's own From):
 * a leading mbox "From " line dropped, CRLF line endings, a final CRLF (SMTP DATA ends every message
 * with one: a client adds it when missing, so the server stores it), and the From field replaced —
 * continuation lines included — or added at the top when the header has none. A second From field
 * (malformed input) is removed so that the one left is ours. These are exactly the bytes that must
 * come back after the server's trace fields.
 */
export function prepareForSubmission(raw: Buffer, fromAddress: string): Buffer {
  let message = raw;
  if (hasMboxFromLine(message)) {
    const lf = message.indexOf(LF);
    message = lf < 0 ? Buffer.alloc(0) : message.subarray(lf + 1);
  }
  message = toCrlf(message);
  if (message.length === 0 || !endsWithCrlf(message)) message = Buffer.concat([message, Buffer.from('\r\n')]);

  const lines = splitLines(message);
  const fromField = Buffer.from(`From: ${fromAddress}\r\n`);
  const out: Buffer[] = [];
  let inHeader = true;
  let replaced = false;
  let skippingContinuation = false;
  for (const line of lines) {
    if (inHeader) {
      if (line.length === 2) {
        inHeader = false; // the blank line ending the header section
      } else if (skippingContinuation && (line[0] === 0x20 || line[0] === 0x09)) {
        continue;
      } else {
        skippingContinuation = false;
        if (/^from[ \t]*:/i.test(line.subarray(0, 16).toString('latin1'))) {
          skippingContinuation = true;
          if (!replaced) out.push(fromField);
          replaced = true;
          continue;
        }
      }
    }
    out.push(line);
  }
  if (!replaced) out.unshift(fromField);
  return Buffer.concat(out);
}

/** Lines including their CRLF (input must be CRLF-only and end with CRLF). */
function splitLines(message: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < message.length) {
    const lf = message.indexOf(LF, start);
    const end = lf < 0 ? message.length : lf + 1;
    lines.push(message.subarray(start, end));
    start = end;
  }
  return lines;
}

export function endsWithCrlf(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[bytes.length - 2] === CR && bytes[bytes.length - 1] === LF;
}

// RFC 5321 §4.4 trace fields as the server prepends them: Return-Path, then one Received field with
// its continuation lines. Nothing else may come before the submitted bytes.
const TRACE_PREFIX = /^Return-Path: <[^\r\n>]*>\r\nReceived: [^\r\n]+(?:\r\n[ \t][^\r\n]*)*\r\n/;

/**
 * Checks that `stored` is exactly the trace prefix followed by `submitted`, and returns the prefix
 * (or throws, saying what differs).
 */
export function splitTracePrefix(stored: Buffer, submitted: Buffer): string {
  if (stored.length < submitted.length) throw new Error(`stored ${stored.length} bytes, fewer than the ${submitted.length} submitted`);
  const prefix = stored.subarray(0, stored.length - submitted.length);
  const rest = stored.subarray(stored.length - submitted.length);
  if (!rest.equals(submitted)) {
    throw new Error(`stored bytes differ from the submitted bytes at offset ${firstDifference(rest, submitted)} (after a ${prefix.length}-byte prefix)`);
  }
  const text = prefix.toString('latin1');
  const match = TRACE_PREFIX.exec(text);
  if (!match || match[0].length !== text.length) throw new Error(`prefix is not exactly Return-Path + Received: ${JSON.stringify(text)}`);
  return text;
}

export function firstDifference(a: Buffer, b: Buffer): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

/**
 * What `curl pop3s://…/N` writes for a stored message, given the server's RFC 1939 §3 wire form
 * (every "." at a line start doubled, a line start being the first byte or any byte after LF; then
 * CRLF "." CRLF, with a CRLF first when the message does not end with one) and curl's reading of it
 * (lib/pop3.c Curl_pop3_write: un-stuffs a "." only after CRLF or at the very start, and writes the
 * CRLF that begins the end-of-body marker). Two documented effects follow:
 *  - a "." that starts a line after a bare LF reaches curl's output doubled;
 *  - a message that does not end with CRLF gets one more CRLF at the end.
 */
export function expectedCurlPop3Output(stored: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < stored.length; i++) {
    const byte = stored[i]!;
    if (byte === DOT && i > 0 && stored[i - 1] === LF && (i < 2 || stored[i - 2] !== CR)) out.push(DOT);
    out.push(byte);
  }
  if (!endsWithCrlf(stored)) out.push(CR, LF);
  return Buffer.from(out);
}

/** The two effects above, for reporting which messages exercised them. */
export function curlPop3Effects(stored: Buffer): { bareLfDotLines: number; addedFinalCrlf: boolean } {
  let bareLfDotLines = 0;
  for (let i = 1; i < stored.length; i++) {
    if (stored[i] === DOT && stored[i - 1] === LF && (i < 2 || stored[i - 2] !== CR)) bareLfDotLines++;
  }
  return { bareLfDotLines, addedFinalCrlf: !endsWithCrlf(stored) };
}
