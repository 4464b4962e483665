// Files leave the Viewer as downloads, never as pages: `Content-Disposition: attachment` with the
// name in both forms of RFC 6266 §4.3 (a plain-ASCII `filename` for old clients, the exact name as
// RFC 8187 `filename*`), a Content-Type reduced to a bare, well-formed media type, nosniff, and a
// sandboxing CSP in case a browser renders one anyway. The names are cleaned first (../shared/file-names.ts),
// then quoted for the header.
import type { FastifyReply } from 'fastify';
import type { DownloadFile } from '../../secure/types.ts';
import { cleanFilename, safeMediaType } from '../shared/file-names.ts';

export function sendDownload(reply: FastifyReply, file: DownloadFile): FastifyReply {
  return reply
    .header('Content-Type', safeMediaType(file.contentType))
    .header('Content-Disposition', contentDisposition(file.filename))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Cache-Control', 'no-store')
    .send(file.content);
}

/** `attachment; filename="…"; filename*=UTF-8''…` for any name, however hostile. */
export function contentDisposition(filename: string): string {
  const name = cleanFilename(filename);
  // RFC 6266 §4.3: the fallback is a quoted-string; keep it to printable ASCII without `"`, `\` and
  // `%` (some browsers percent-decode it).
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** RFC 8187 §3.2.1 value-chars: percent-encode everything but attr-char. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
