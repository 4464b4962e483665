// Resolving FETCH BODY[section] (RFC 3501 §6.4.5) against a parsed structure, without touching the
// message bytes: the result says which stored bytes to send.
import type { MessageStructure, MimePart } from './types.ts';

export { parseSectionSpec, type SectionSpec, type SectionText } from './section-spec.ts';
import type { SectionSpec } from './section-spec.ts';

export interface ByteRange {
  start: number;
  end: number;
}

/** Either plain bytes of the stored message, or header bytes to pass through filterHeaderFields. */
export type SectionTarget = ByteRange | { range: ByteRange; filterFields: string[]; not: boolean };

/** The n-th subpart (1-based) inside a message whose root is `root`: "a non-multipart message's
 * part 1 is its body" (RFC 3501 §6.4.5), a multipart's are its children. */
function partOfMessage(root: MimePart, n: number): MimePart | null {
  if (root.children !== undefined) return root.children[n - 1] ?? null;
  return n === 1 ? root : null;
}

/** The part a section-part number path names; null when there is no such part. */
export function findPart(structure: MessageStructure, path: readonly number[]): MimePart | null {
  let part: MimePart | null = null;
  for (const [i, n] of path.entries()) {
    if (i === 0) part = partOfMessage(structure.root, n);
    else if (part!.children !== undefined) part = part!.children[n - 1] ?? null;
    // RFC 3501 §6.4.5: the parts of a MESSAGE/RFC822 part are those of the encapsulated message
    else if (part!.message !== undefined) part = partOfMessage(part!.message.root, n);
    // any other single part is its own part 1, as for a whole message (Dovecot does the same)
    else if (n !== 1) part = null;
    if (part === null) return null;
  }
  return part;
}

/** Resolves a section; null when it names nothing (the IMAP layer answers that as an empty
 * string, as RFC 3501 §6.4.5 lets a server do for a nonexistent part). */
export function resolveSection(structure: MessageStructure, spec: SectionSpec): SectionTarget | null {
  let message: MimePart | null;
  if (spec.part.length === 0) {
    if (spec.text === '') return { start: 0, end: structure.size };
    if (spec.text === 'MIME') return null;
    message = structure.root;
  } else {
    const part = findPart(structure, spec.part);
    if (part === null) return null;
    if (spec.text === '') return { start: part.bodyStart, end: part.bodyEnd };
    // RFC 3501 §6.4.5: MIME is the part's own MIME header
    if (spec.text === 'MIME') return { start: part.headerStart, end: part.bodyStart };
    // HEADER, HEADER.FIELDS and TEXT after a part number need a MESSAGE/RFC822 part and refer to
    // the encapsulated message
    message = part.message?.root ?? null;
    if (message === null) return null;
  }
  const header = { start: message.headerStart, end: message.bodyStart };
  switch (spec.text) {
    case 'HEADER':
      return header;
    case 'TEXT':
      return { start: message.bodyStart, end: message.bodyEnd };
    default:
      return { range: header, filterFields: spec.fields ?? [], not: spec.text === 'HEADER.FIELDS.NOT' };
  }
}

/** Keeps (or, with `not`, drops) the header fields with these names, each with its continuation
 * lines and bytes exactly as stored, and ends with the blank line RFC 3501 §6.4.5 includes.
 * Lines that are no header field (an mbox "From " line, junk) are never returned. */
export function filterHeaderFields(headerBytes: Buffer, fields: readonly string[], not: boolean): Buffer {
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  const kept: Buffer[] = [];
  let keeping = false;
  let pos = 0;
  while (pos < headerBytes.length) {
    const nl = headerBytes.indexOf(0x0a, pos);
    const end = nl === -1 ? headerBytes.length : nl + 1;
    const first = headerBytes[pos];
    if (first === 0x0a || (first === 0x0d && headerBytes[pos + 1] === 0x0a)) break; // blank line
    if (first === 0x20 || first === 0x09) {
      // RFC 5322 §2.2.3: a continuation belongs to the field above
    } else {
      const line = headerBytes.toString('latin1', pos, Math.min(end, pos + 1000));
      const colon = /^([^\x00-\x20\x7f:]+)[ \t]*:/.exec(line); // eslint-disable-line no-control-regex
      keeping = colon !== null && wanted.has(colon[1]!.toLowerCase()) !== not;
    }
    if (keeping) {
      kept.push(headerBytes.subarray(pos, end));
      // a last field without its line ending still needs one before the blank line
      if (nl === -1) kept.push(Buffer.from('\r\n'));
    }
    pos = end;
  }
  kept.push(Buffer.from('\r\n'));
  return Buffer.concat(kept);
}
