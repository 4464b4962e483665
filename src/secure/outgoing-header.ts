// The header block of a submitted message, read before the body streams on: secure sending decides
// from the Subject (triggers) and our request headers, and may rewrite both (SPEC R16) without
// touching a byte of the body.
import libmime from 'libmime';
import { UserError } from '../errors.ts';
import type { MessageSource } from '../mail/types.ts';
import { parseHeaderFields, type HeaderField } from '../mail/mime/header-fields.ts';

/** Header blocks larger than this are refused (Postfix's header_size_limit is 100 KiB). */
export const MAX_HEADER_BYTES = 256 * 1024;

export interface SplitMessage {
  /** The header block including the empty line that ends it (if the message has one). */
  header: Buffer;
  fields: HeaderField[];
  /** The body bytes, still streaming. */
  body: AsyncIterable<Buffer>;
  /** Reads and drops whatever of the source is left, so a refused client still gets its answer
   * after its last byte (SMTP replies to DATA only after the final dot). */
  discard(): Promise<void>;
}

export async function splitHeader(source: MessageSource): Promise<SplitMessage> {
  if (Buffer.isBuffer(source)) {
    const end = headerEnd(source);
    const header = source.subarray(0, end);
    return { header, fields: parseHeaderFields(header), body: once(source.subarray(end)), discard: async () => undefined };
  }
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const discard = async () => {
    try {
      for (let rest = await iterator.next(); !rest.done; rest = await iterator.next());
    } catch {
      // The source failed: nothing left to read.
    }
  };
  const chunks: Buffer[] = [];
  let length = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
    const joined = Buffer.concat(chunks, length);
    const end = headerEnd(joined);
    if (end < joined.length || /\r?\n\r?\n$/.test(joined.subarray(-4).toString('latin1'))) {
      const header = joined.subarray(0, end);
      return { header, fields: parseHeaderFields(header), body: continueWith(joined.subarray(end), iterator), discard };
    }
    chunks.splice(0, chunks.length, joined);
    if (length > MAX_HEADER_BYTES) {
      await discard();
      throw new UserError('TOOBIG', `The message header is larger than ${MAX_HEADER_BYTES / 1024} KB`);
    }
  }
  const all = Buffer.concat(chunks, length);
  const end = headerEnd(all);
  const header = all.subarray(0, end);
  return { header, fields: parseHeaderFields(header), body: once(all.subarray(end)), discard };
}

/** Offset just past the empty line ending the header (RFC 5322 §2.1), or the length if none. */
function headerEnd(bytes: Buffer): number {
  if (bytes.length >= 2 && bytes[0] === 0x0d && bytes[1] === 0x0a) return 2;
  if (bytes.length >= 1 && bytes[0] === 0x0a) return 1;
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return bytes.length;
  if (lf === -1 || (crlf !== -1 && crlf + 2 <= lf)) return crlf + 4;
  return lf + 2;
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  if (bytes.length) yield bytes;
}

async function* continueWith(first: Buffer, iterator: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  if (first.length) yield first;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}

/** A header value as a person reads it: 8-bit bytes taken as UTF-8, RFC 2047 words decoded. */
export function decodeHeaderValue(value: string): string {
  const utf8 = Buffer.from(value, 'latin1').toString('utf8');
  try {
    return libmime.decodeWords(utf8);
  } catch {
    return utf8;
  }
}

/** Rewrites the raw header block: fields named in `remove` are dropped, `subject` (when given)
 * replaces the Subject field in place. Every other byte stays as the client sent it. */
export function rewriteHeader(header: Buffer, edits: { remove: ReadonlySet<string>; subject?: string }): Buffer {
  const text = header.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  const out: string[] = [];
  let skipping = false;
  let subjectDone = false;
  for (const line of lines) {
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (continuation) {
      if (!skipping) out.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    skipping = edits.remove.has(name) || (name === 'subject' && edits.subject !== undefined);
    if (name === 'subject' && edits.subject !== undefined && !subjectDone) {
      subjectDone = true;
      out.push(`Subject: ${encodeSubject(edits.subject)}\r\n`);
    } else if (!skipping) {
      out.push(line);
    }
  }
  return Buffer.from(out.join(''), 'latin1');
}

function encodeSubject(subject: string): string {
  const clean = subject.replace(/[\r\n]+/g, ' ');
  // RFC 2047 §2: encoded words for anything beyond printable ASCII, lines kept short by folding.
  const encoded = /^[\x20-\x7e]*$/.test(clean) ? clean : libmime.encodeWords(clean, 'Q', 52);
  return Buffer.from(encoded, 'utf8').toString('latin1');
}
