// Reads a reply from `multipart/form-data` (field `text`, files `attachments`) within the shared
// upload limits (../shared/upload.ts), which refuse an oversized upload before it is buffered and
// clean file names and media types before any service sees them.
import type { FastifyRequest } from 'fastify';
import type { ViewerReply } from '../../secure/types.ts';
import { readUpload } from '../shared/upload.ts';

export async function readReply(request: FastifyRequest): Promise<ViewerReply> {
  const { fields, attachments } = await readUpload(request, ['text']);
  return { text: fields.text, attachments };
}
