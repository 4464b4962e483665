// Development page /dev/outbox (SPEC R26: a fresh install works without an SMS or mail provider):
// shows the SMS the outbox gateway wrote — Viewer access codes included — and lets the developer
// download the e-mails written to <dataDir>/outbox/mail/. Registered by the caller only while the SMS
// gateway is "outbox", and by default answered only to this machine: the page shows live codes.
// Plain server-rendered HTML, everything escaped, no script and no inline style (the server's CSP is
// `default-src 'none'; style-src 'self'`), not indexed (SPEC R25).
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readSmsOutbox, smsOutboxDir, type OutboxSms } from '../secure/sms/outbox-gateway.ts';

export interface DevOutboxOptions {
  dataDir: string;
  /** Answer only requests from 127.0.0.0/8 and ::1 (default true); others get a 404. */
  loopbackOnly?: boolean;
  /** Most SMS and most e-mails listed (default 200 each). */
  limit?: number;
}

/** What a mail outbox file may be called: no separators, no leading dot, .eml. */
const MAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.eml$/;

export function mailOutboxDir(dataDir: string): string {
  return join(dataDir, 'outbox', 'mail');
}

/** Register with `app.register(devOutboxRoutes, { dataDir })`: serves GET /dev/outbox and
 * GET /dev/outbox/mail/:name. */
export const devOutboxRoutes: FastifyPluginAsync<DevOutboxOptions> = async (app, options) => {
  const smsDir = smsOutboxDir(options.dataDir);
  const mailDir = mailOutboxDir(options.dataDir);
  const limit = options.limit ?? 200;

  if (options.loopbackOnly ?? true) {
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!isLoopback(request.socket.remoteAddress ?? request.ip)) {
        reply.callNotFound();
        return reply;
      }
    });
  }

  app.get('/dev/outbox', async (_request, reply) => {
    const [sms, mail] = await Promise.all([readSmsOutbox(smsDir, { limit }), listMailOutbox(mailDir, limit)]);
    reply.header('Cache-Control', 'no-store');
    reply.type('text/html; charset=utf-8');
    return renderPage(sms, mail);
  });

  app.get<{ Params: { name: string } }>('/dev/outbox/mail/:name', async (request, reply) => {
    const { name } = request.params;
    if (!MAIL_NAME.test(name) || name.includes('..')) return reply.callNotFound();
    let handle;
    try {
      // O_NOFOLLOW: a symlink planted in the outbox must not turn this into a file reader.
      handle = await open(join(mailDir, name), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return reply.callNotFound();
    }
    const info = await handle.stat().catch(() => null);
    if (!info?.isFile()) {
      await handle.close();
      return reply.callNotFound();
    }
    reply.header('Cache-Control', 'no-store');
    reply.header('Content-Disposition', `attachment; filename="${name}"`);
    reply.header('Content-Length', info.size);
    reply.type('message/rfc822');
    return reply.send(handle.createReadStream());
  });
};

export interface OutboxMail {
  name: string;
  size: number;
  modifiedAt: Date;
}

/** The mail outbox's .eml files, newest first. */
export async function listMailOutbox(dir: string, limit = Infinity): Promise<OutboxMail[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const mails: OutboxMail[] = [];
  for (const name of names) {
    if (!MAIL_NAME.test(name) || name.includes('..')) continue;
    try {
      const info = await lstat(join(dir, name)); // symlinks are not listed (nor served)
      if (info.isFile()) mails.push({ name, size: info.size, modifiedAt: info.mtime });
    } catch {
      // removed while listing
    }
  }
  mails.sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  return mails.slice(0, limit);
}

function renderPage(sms: OutboxSms[], mail: OutboxMail[]): string {
  const smsRows = sms
    .map(
      (m) =>
        `<tr><td><time datetime="${escapeHtml(m.createdAt.toISOString())}">${escapeHtml(formatTime(m.createdAt))}</time></td>` +
        `<td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.text).replace(/\r?\n/g, '<br>')}</td><td>${escapeHtml(m.reference)}</td></tr>`,
    )
    .join('\n');
  const mailItems = mail
    .map(
      (m) =>
        `<li><a href="/dev/outbox/mail/${escapeHtml(encodeURIComponent(m.name))}" download>${escapeHtml(m.name)}</a> ` +
        `(${m.size} bytes, <time datetime="${escapeHtml(m.modifiedAt.toISOString())}">${escapeHtml(formatTime(m.modifiedAt))}</time>)</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development outbox - Zorgpost</title>
</head>
<body>
<main>
<h1>Development outbox</h1>
<p>SMS and e-mail this development server wrote to disk instead of sending. This page exists only while the SMS gateway is "outbox".</p>
<h2>SMS (${sms.length})</h2>
${
  sms.length
    ? `<table>
<caption>Newest first</caption>
<thead><tr><th scope="col">Time (UTC)</th><th scope="col">To</th><th scope="col">Text</th><th scope="col">Reference</th></tr></thead>
<tbody>
${smsRows}
</tbody>
</table>`
    : '<p>No SMS yet.</p>'
}
<h2>E-mail (${mail.length})</h2>
${mail.length ? `<ul>\n${mailItems}\n</ul>` : '<p>No e-mail yet.</p>'}
</main>
</body>
</html>
`;
}

function formatTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}
