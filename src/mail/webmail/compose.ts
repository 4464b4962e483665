// Building a message written in the webmail as MIME (nodemailer's MailComposer): From is always the
// mailbox itself (SPEC R7), Message-ID and Date are set here so the sent message, its copy in Sent and
// the reply threading all agree. The copy kept in Sent or Drafts shows Bcc; the message sent does not
// (RFC 5322 §3.6.3). MailComposer never reads files or URLs here: everything comes as bytes.
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mailbox } from '../../identity/types.ts';
import { MOBILE_HEADER, SECURE_HEADER } from '../../secure/secure-send.ts';
import { UserError } from '../../errors.ts';
import type { ComposeAddress, ComposeInput, UploadedFile } from './types.ts';

/** What a message is built from: the compose form's fields with its files already read. */
export type ComposedMessage = Pick<ComposeInput, 'to' | 'cc' | 'bcc' | 'subject' | 'text' | 'html' | 'inReplyTo' | 'references'> & {
  attachments: UploadedFile[];
};

export interface BuiltMessage {
  messageId: string;
  /** What is sent: no Bcc field. */
  outgoing: Buffer;
  /** What is kept (Sent, Drafts): with Bcc. */
  copy: Buffer;
  /** Every recipient's bare address, lower-case, each once (the SMTP envelope). */
  recipients: string[];
}

export async function buildMessage(
  mailbox: Mailbox,
  message: ComposedMessage,
  options: { hostname: string; maxBytes: number; draft?: { secure: { requested: boolean; mobiles?: Record<string, string> } } },
): Promise<BuiltMessage> {
  const messageId = `<${randomUUID()}@${options.hostname}>`;
  const headers: Record<string, string | string[]> = {};
  // A draft remembers the secure choice in our request headers, which a send strips again.
  if (options.draft?.secure.requested) headers[SECURE_HEADER] = 'viewer';
  const mobiles = Object.entries(options.draft?.secure.mobiles ?? {}).filter(([, number]) => number.trim());
  if (options.draft && mobiles.length) headers[MOBILE_HEADER] = mobiles.map(([address, number]) => `<${address}> ${number.trim()}`);
  const composer = new MailComposer({
    from: { name: oneLine(mailbox.displayName), address: mailbox.address },
    to: message.to.map(address),
    cc: message.cc.map(address),
    bcc: message.bcc.map(address),
    subject: oneLine(message.subject),
    messageId,
    date: new Date(),
    inReplyTo: message.inReplyTo || undefined,
    references: message.references?.length ? message.references : undefined,
    // RFC 5322 §2.3: lines end in CRLF; a browser's textarea gives \n.
    text: message.text !== undefined ? crlf(message.text) : undefined,
    html: message.html !== undefined ? crlf(message.html) : undefined,
    attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    headers,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const node = composer.compile();
  node.keepBcc = true;
  const copy = await node.build();
  node.keepBcc = false;
  const outgoing = options.draft ? copy : await node.build();
  if (copy.length > options.maxBytes) {
    throw new UserError('TOOBIG', `The message would be ${megabytes(copy.length)} MB; the limit is ${megabytes(options.maxBytes)} MB`);
  }
  const recipients = [...new Set([...message.to, ...message.cc, ...message.bcc].map((a) => a.address.trim().toLowerCase()))];
  return { messageId, outgoing, copy, recipients };
}

function address(a: ComposeAddress): { name: string; address: string } {
  return { name: oneLine(a.name ?? ''), address: a.address.trim() };
}

/** Header text on one line: a line break or other control character typed into a name or subject
 * would only be encoded, but means nothing there either. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
