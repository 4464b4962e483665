// A part's content from the blob store: only its byte range is read, never the whole message, and
// what is held in memory is capped (the reading pane shows text, not a 50 MB body); downloads stream.
import type { Readable } from 'node:stream';
import type { MailService } from '../types.ts';
import type { MimePart } from '../mime/types.ts';
import { decodeCharset, decodeTransferEncoding } from '../mime/text-decoding.ts';
import { transferDecoder } from './transfer-decoding.ts';

/** The part's decoded bytes, reading at most `maxEncodedBytes` of its encoded body. */
export async function readPart(
  mail: MailService,
  bodyId: number,
  part: MimePart,
  maxEncodedBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const length = part.bodyEnd - part.bodyStart;
  if (length <= 0) return { bytes: Buffer.alloc(0), truncated: false };
  const truncated = length > maxEncodedBytes;
  const encoded = await mail.readBody(bodyId, { start: part.bodyStart, end: part.bodyStart + Math.min(length, maxEncodedBytes) });
  return { bytes: decodeTransferEncoding(encoded, part.encoding), truncated };
}

/** A text part as Unicode, in its declared charset, lines ending in \n (as a browser's text has them). */
export async function readPartText(
  mail: MailService,
  bodyId: number,
  part: MimePart,
  maxEncodedBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  const { bytes, truncated } = await readPart(mail, bodyId, part, maxEncodedBytes);
  const charset = part.params.find(([name]) => name === 'charset')?.[1] ?? null;
  // A NUL never belongs in text shown to a person (the corpus has mail with stray ones).
  return { text: decodeCharset(bytes, charset).replaceAll('\u0000', '').replace(/\r\n?/g, '\n'), truncated };
}

/** The part's decoded content as a stream (attachment downloads). */
export async function openPart(mail: MailService, bodyId: number, part: MimePart): Promise<Readable> {
  const source = await mail.openBody(bodyId, { start: part.bodyStart, end: Math.max(part.bodyStart, part.bodyEnd) });
  const decoder = transferDecoder(part.encoding);
  source.on('error', (error) => decoder.destroy(error));
  return source.pipe(decoder);
}
