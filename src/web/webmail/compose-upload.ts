// Reads a compose form: JSON (ComposeJson, no new files), or multipart/form-data with the form as JSON
// in the field `message` and files named `attachments` (drag and drop, one request). The limit is the
// server's message size (config limits.maxMessageBytes) for the files together and for each one; an
// upload over it is refused with 413 as soon as it crosses, not buffered to the end. File names and
// media types are cleaned before the service sees them (../shared/file-names.ts).
import type { FastifyError, FastifyRequest } from 'fastify';
import { ApiError } from '../shared/api-errors.ts';
import { cleanFilename, safeMediaType } from '../shared/file-names.ts';
import type { UploadedFile } from '../../mail/webmail/types.ts';
import { parse, schemas } from './request-schemas.ts';
import { MAX_UPLOAD_FILES, type ComposeJson, type ErrorJson, type UploadRefusalReason } from './wire.ts';

/** Multipart framing and part headers around the form and the files. */
const FRAMING_BYTES = 1024 * 1024;

function tooLarge(reason: UploadRefusalReason, message: string): ApiError<ErrorJson> {
  return new ApiError<ErrorJson>(413, { error: 'too-large', reason, message });
}

export async function readComposeForm(request: FastifyRequest, maxBytes: number): Promise<{ form: ComposeJson; files: UploadedFile[] }> {
  if (!request.isMultipart()) return { form: parse(schemas.compose, request.body, 'message'), files: [] };
  const megabytes = `${Math.floor(maxBytes / 1024 / 1024)} MB`;
  // The form's text counts against the message too, so the whole request can be at most about twice it.
  if (Number(request.headers['content-length'] ?? 0) > 2 * maxBytes + FRAMING_BYTES) {
    throw tooLarge('message-too-large', `The message with its attachments is larger than ${megabytes}`);
  }
  let form: unknown = null;
  const files: UploadedFile[] = [];
  let total = 0;
  try {
    const parts = request.parts({
      limits: { fileSize: maxBytes, files: MAX_UPLOAD_FILES, fieldSize: maxBytes, fields: 4, parts: MAX_UPLOAD_FILES + 4 },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname !== 'message') continue;
        if (part.valueTruncated) throw tooLarge('text-too-long', `The text is longer than ${megabytes}`);
        try {
          form = JSON.parse(String(part.value));
        } catch {
          throw new ApiError<ErrorJson>(400, { error: 'bad-input', message: 'The field "message" must hold the form as JSON' });
        }
        continue;
      }
      if (part.fieldname !== 'attachments') {
        throw new ApiError<ErrorJson>(400, { error: 'bad-input', message: `Unexpected file field "${part.fieldname.slice(0, 40)}"` });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        size += chunk.length;
        total += chunk.length;
        if (total > maxBytes) throw tooLarge('total-too-large', `The attachments together are larger than ${megabytes}`);
        chunks.push(chunk);
      }
      if (part.file.truncated) throw tooLarge('file-too-large', `An attachment is larger than ${megabytes}`);
      // An empty file input still sends one nameless, empty part.
      if (!part.filename && size === 0) continue;
      files.push({ filename: cleanFilename(part.filename), contentType: safeMediaType(part.mimetype), content: Buffer.concat(chunks, size) });
    }
  } catch (error) {
    throw multipartError(error, megabytes);
  }
  if (form === null) throw new ApiError<ErrorJson>(400, { error: 'bad-input', message: 'The field "message" is missing' });
  return { form: parse(schemas.compose, form, 'message'), files };
}

/** @fastify/multipart's limit errors, named for the browser. */
function multipartError(error: unknown, megabytes: string): unknown {
  switch ((error as FastifyError).code) {
    case 'FST_FILES_LIMIT':
      return tooLarge('too-many-files', `At most ${MAX_UPLOAD_FILES} attachments can be sent`);
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge('file-too-large', `An attachment is larger than ${megabytes}`);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError<ErrorJson>(413, { error: 'too-large', message: 'Too many form fields' });
    default:
      return error;
  }
}
