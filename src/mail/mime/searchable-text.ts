// Readable text of a message for IMAP SEARCH HEADER / BODY / TEXT (RFC 3501 §6.4.4): header values
// decoded (RFC 2047, 8-bit UTF-8), and the text/* parts decoded from their transfer encoding and
// charset. Work is bounded: non-text parts are skipped and the body text is capped.
import { parseHeaderFields } from './header-fields.ts';
import { decodeCharset, decodeHeaderText, decodeTransferEncoding } from './text-decoding.ts';
import type { MessageStructure, MimePart } from './types.ts';

export interface SearchText {
  /** Top-level header fields in order: lower-case name, unfolded decoded value. */
  headers: Array<[name: string, value: string]>;
  /** Text of all text/* parts (and headers of encapsulated messages), joined by newlines. */
  body: string;
}

/** Cap on the body text, in UTF-16 code units; text beyond it is not searchable. */
export const MAX_SEARCH_BODY = 8 * 1024 * 1024;

function charsetOf(part: MimePart): string | null {
  return part.params.find(([name]) => name === 'charset')?.[1] ?? null;
}

/** The charset of the first text part: raw 8-bit header text is most likely in it. */
function bodyCharset(part: MimePart): string | null {
  if (part.type === 'text') return charsetOf(part);
  for (const child of part.children ?? []) {
    const charset = bodyCharset(child);
    if (charset !== null) return charset;
  }
  return null;
}

function decodedHeaders(message: Buffer, root: MimePart): Array<[string, string]> {
  const fields = parseHeaderFields(message.subarray(root.headerStart, root.bodyStart));
  const fallback = bodyCharset(root);
  return fields.map((field) => [field.name, decodeHeaderText(field.value, fallback)]);
}

export function extractSearchText(message: Buffer, structure: MessageStructure): SearchText {
  const pieces: string[] = [];
  let budget = MAX_SEARCH_BODY;
  const add = (text: string): void => {
    if (budget <= 0 || text === '') return;
    const piece = text.length > budget ? text.slice(0, budget) : text;
    pieces.push(piece);
    budget -= piece.length + 1;
  };
  const visit = (part: MimePart): void => {
    if (budget <= 0) return;
    if (part.children !== undefined) {
      for (const child of part.children) visit(child);
    } else if (part.message !== undefined) {
      // the encapsulated message's header is body text of the outer message
      add(
        decodedHeaders(message, part.message.root)
          .map(([name, value]) => `${name}: ${value}`)
          .join('\n'),
      );
      visit(part.message.root);
    } else if (part.type === 'text') {
      // 4 input bytes per output character covers base64 and most quoted-printable text; it only
      // bounds how much of a huge part is decoded
      const end = Math.min(part.bodyEnd, part.bodyStart + budget * 4);
      const raw = message.subarray(part.bodyStart, Math.min(end, message.length));
      add(decodeCharset(decodeTransferEncoding(raw, part.encoding), charsetOf(part)));
    }
  };
  visit(structure.root);
  return { headers: decodedHeaders(message, structure.root), body: pieces.join('\n') };
}
