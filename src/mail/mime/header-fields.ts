// Splitting a raw header block into fields. Values stay latin1 "byte strings" (see types.ts) so
// 8-bit headers survive untouched; decoding for humans happens elsewhere.

export interface HeaderField {
  /** Lower-case field name (field names are case-insensitive, RFC 5322 §1.2.2). */
  name: string;
  /** Unfolded value with surrounding whitespace trimmed, one character per byte. */
  value: string;
}

export type HeaderLineKind = 'blank' | 'continuation' | 'field' | 'junk';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** Classifies one header line from its first bytes (`head`, possibly cut short) and its full length
 * including the line ending. */
export function classifyHeaderLine(head: Uint8Array, headLength: number, lineLength: number): HeaderLineKind {
  if (lineLength === 0) return 'junk';
  const first = head[0];
  if (first === LF || (first === CR && lineLength === 2 && head[1] === LF)) return 'blank';
  // RFC 5322 §2.2.3 folding; whitespace-only lines are obs-FWS (§4.2), still part of the field
  if (first === SP || first === HT) return 'continuation';
  return fieldNameEnd(head, headLength) > 0 ? 'field' : 'junk';
}

/** Index of the colon ending a field name at the start of `bytes`, or -1. RFC 5322 §3.6.8 ftext is
 * printable US-ASCII except ":"; 8-bit bytes are tolerated (seen in the wild), and so is white space
 * before the colon (obs-optional, RFC 5322 §4.5). */
function fieldNameEnd(bytes: Uint8Array, length: number): number {
  let i = 0;
  while (i < length) {
    const c = bytes[i]!;
    if (c === COLON) return i > 0 ? i : -1;
    if (c <= SP || c === 0x7f) break;
    i++;
  }
  if (i === 0) return -1;
  while (i < length && (bytes[i] === SP || bytes[i] === HT)) i++;
  return i < length && bytes[i] === COLON ? i : -1;
}

/** Parses a header block into its fields, in order. Continuation lines are unfolded by dropping
 * the line break only (RFC 5322 §2.2.3); lines that are neither a field nor a continuation are
 * skipped, and so are continuations that follow them. */
export function parseHeaderFields(block: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  let name: string | null = null;
  let value = '';
  const flush = (): void => {
    if (name !== null) fields.push({ name, value: trimWhitespace(value) });
    name = null;
  };
  let pos = 0;
  while (pos < block.length) {
    const nl = block.indexOf(LF, pos);
    const next = nl === -1 ? block.length : nl + 1;
    let end = nl === -1 ? block.length : nl;
    if (end > pos && block[end - 1] === CR) end--;
    const first = block[pos];
    if (first === SP || first === HT) {
      if (name !== null) value += block.toString('latin1', pos, end);
    } else {
      flush();
      const line = block.subarray(pos, end);
      const colon = fieldNameEnd(line, line.length);
      if (colon > 0) {
        name = trimWhitespace(line.toString('latin1', 0, colon)).toLowerCase();
        value = line.toString('latin1', colon + 1);
      }
    }
    pos = next;
  }
  flush();
  return fields;
}

/** Value of the first field with this (lower-case) name. RFC 5322 §3.6 allows most fields once;
 * when a message repeats one, the first is the one a reader sees first. */
export function firstField(fields: readonly HeaderField[], name: string): string | null {
  for (const field of fields) if (field.name === name) return field.value;
  return null;
}

export function trimWhitespace(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}
