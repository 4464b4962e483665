// The two kinds of non-JSON answer: files leave as downloads (never as pages: the Viewer's
// Content-Disposition with both RFC 6266 name forms, a bare media type, nosniff, a sandboxing CSP),
// streamed from the blob store; a message's HTML goes to a sandboxed frame under a CSP that lets it run
// nothing and load nothing remote (SPEC R25), only data: images and this origin's.
import type { FastifyReply } from 'fastify';
import type { DownloadStream } from '../../mail/webmail/types.ts';
import { safeMediaType } from '../shared/file-names.ts';
import { contentDisposition } from '../viewer/downloads.ts';

export function sendDownload(reply: FastifyReply, file: DownloadStream): FastifyReply {
  reply
    .header('Content-Type', safeMediaType(file.contentType))
    .header('Content-Disposition', contentDisposition(file.filename))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Cache-Control', 'no-store');
  if (file.size !== null) reply.header('Content-Length', String(file.size));
  return reply.send(file.stream);
}

/**
 * The frame's policy. `sandbox` without allow-scripts or allow-same-origin: no script runs and the
 * document is of no origin; allow-popups (escaping the sandbox) only so that links, which the
 * sanitiser makes target=_blank, can open at all. Remote images (`https:`) only once the reader asked.
 */
export function bodyHtmlCsp(allowRemoteImages: boolean): string {
  return [
    'sandbox allow-popups allow-popups-to-escape-sandbox',
    "default-src 'none'",
    `img-src data: 'self'${allowRemoteImages ? ' https:' : ''}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The sanitised fragment as a document of its own, in UTF-8, with a readable default look. */
export function bodyHtmlDocument(fragment: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    '<style>body{margin:0;padding:8px;font-family:system-ui,sans-serif;font-size:14px;overflow-wrap:anywhere}' +
    'img{max-width:100%;height:auto}table{max-width:100%}pre{white-space:pre-wrap}</style></head><body>' +
    fragment +
    '</body></html>'
  );
}
