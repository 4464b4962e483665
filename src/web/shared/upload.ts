// Reads an upload from `multipart/form-data` — a few text fields and files named `attachments` — within
// UPLOAD_LIMITS, refusing with 413 and the reason as soon as one is crossed, so an oversized upload is
// not buffered to the end. File names and media types are cleaned here, before any service sees them.
import type { FastifyError, FastifyRequest } from 'fastify';
import type { DownloadFile } from '../../secure/types.ts';
import { ApiError } from './api-errors.ts';
import { cleanFilename, safeMediaType } from './file-names.ts';
import { UPLOAD_LIMITS, type ErrorJsonOf, type TooLargeReason } from './wire.ts';

/** Room for the multipart framing and part headers around the text and the files. */
const FRAMING_BYTES = 1024 * 1024;
/** Fields besides the files a form may send (the ones asked for, and a few a browser adds). */
const MAX_FIELDS = 10;

const MB = 1024 * 1024;
const TOO_LARGE_MESSAGES: Record<TooLargeReason, string> = {
  'file-too-large': `An attachment is larger than ${UPLOAD_LIMITS.fileBytes / MB} MB`,
  'too-many-files': `At most ${UPLOAD_LIMITS.files} attachments can be sent`,
  'total-too-large': `The attachments together are larger than ${UPLOAD_LIMITS.totalBytes / MB} MB`,
  'text-too-long': `The text is longer than ${UPLOAD_LIMITS.textBytes / MB} MB`,
};

type UploadRefusal = ErrorJsonOf<'too-large' | 'bad-input', TooLargeReason>;

function tooLarge(reason: TooLargeReason): ApiError<UploadRefusal> {
  return new ApiError(413, { error: 'too-large', reason, message: TOO_LARGE_MESSAGES[reason] });
}

export interface Upload<Field extends string> {
  /** Each asked-for field, '' when the form left it out; line breaks as plain \n. */
  fields: Record<Field, string>;
  attachments: DownloadFile[];
}

/** The named text fields and the `attachments` files of a multipart request. */
export async function readUpload<Field extends string>(
  request: FastifyRequest,
  fieldNames: readonly Field[],
): Promise<Upload<Field>> {
  // A declared length over every limit is refused before a byte is read.
  const maxRequestBytes = UPLOAD_LIMITS.totalBytes + fieldNames.length * UPLOAD_LIMITS.textBytes + FRAMING_BYTES;
  if (Number(request.headers['content-length'] ?? 0) > maxRequestBytes) throw tooLarge('total-too-large');
  if (!request.isMultipart()) {
    throw new ApiError<UploadRefusal>(415, { error: 'bad-input', message: 'Send the form as multipart/form-data' });
  }
  const fields = Object.fromEntries(fieldNames.map((name) => [name, ''])) as Record<Field, string>;
  const attachments: DownloadFile[] = [];
  let total = 0;
  try {
    const parts = request.parts({
      limits: {
        fileSize: UPLOAD_LIMITS.fileBytes,
        files: UPLOAD_LIMITS.files,
        fieldSize: UPLOAD_LIMITS.textBytes,
        fields: MAX_FIELDS,
        parts: UPLOAD_LIMITS.files + MAX_FIELDS,
      },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!(fieldNames as readonly string[]).includes(part.fieldname)) continue;
        if (part.valueTruncated) throw tooLarge('text-too-long');
        // Browsers send a textarea's line breaks as CRLF (HTML §4.10.21.8); the services get plain \n.
        fields[part.fieldname as Field] = String(part.value).replace(/\r\n?/g, '\n');
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        size += chunk.length;
        total += chunk.length;
        if (total > UPLOAD_LIMITS.totalBytes) throw tooLarge('total-too-large');
        chunks.push(chunk);
      }
      if (part.file.truncated) throw tooLarge('file-too-large');
      if (part.fieldname !== 'attachments') {
        throw new ApiError<UploadRefusal>(400, {
          error: 'bad-input',
          message: `Unexpected file field "${part.fieldname.slice(0, 40)}"`,
        });
      }
      // An empty file input still sends one nameless, empty part.
      if (!part.filename && size === 0) continue;
      attachments.push({
        filename: cleanFilename(part.filename),
        contentType: safeMediaType(part.mimetype),
        content: Buffer.concat(chunks, size),
      });
    }
  } catch (error) {
    throw multipartError(error);
  }
  return { fields, attachments };
}

/** @fastify/multipart's limit errors, named for the browser. */
function multipartError(error: unknown): unknown {
  switch ((error as FastifyError).code) {
    case 'FST_FILES_LIMIT':
      return tooLarge('too-many-files');
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge('file-too-large');
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError<UploadRefusal>(413, { error: 'too-large', message: 'Too many form fields' });
    default:
      return error;
  }
}
