// Sending and drafts from the webmail. A send is a submission like any other (SPEC R7, R13–R17): the
// message goes through SecureSendService with the mailbox as sender, the secure choice and mobile
// numbers passed the API way, and the same routing, refusals and audit records as SMTP. SMTP
// submission keeps no copy (a mail client appends its own to Sent over IMAP), so the webmail appends
// one itself — once the send succeeded — and marks what it answered (\Answered) or forwarded
// ($Forwarded, the keyword clients such as Thunderbird use).
import type { Logger } from 'pino';
import type { AuditLog } from '../../audit/audit-log.ts';
import { UserError } from '../../errors.ts';
import type { SecureSendService } from '../../secure/secure-send.ts';
import { MOBILE_HEADER, SECURE_HEADER } from '../../secure/secure-send.ts';
import { firstField, parseHeaderFields } from '../mime/header-fields.ts';
import type { Folder, MailService } from '../types.ts';
import { decodeAddresses, messageIds } from './addresses.ts';
import { buildMessage, type BuiltMessage } from './compose.ts';
import { ownFolder, specialFolder } from './mailbox-folders.ts';
import { attachmentSummary, type MessageReader } from './message-reader.ts';
import { messageRow } from './message-rows.ts';
import { readPart, readPartText } from './part-content.ts';
import type { ComposeInput, DraftSaved, DraftView, SendOutcome, UploadedFile, WebmailContext } from './types.ts';

/** Recipients of one message (to, cc and bcc together). */
export const MAX_RECIPIENTS = 500;

export interface ComposeServiceOptions {
  mail: MailService;
  secureSend: Pick<SecureSendService, 'send'>;
  audit: AuditLog;
  reader: MessageReader;
  logger: Logger;
  hostname: string;
  maxMessageBytes: number;
}

export class ComposeService {
  readonly #options: ComposeServiceOptions;

  constructor(options: ComposeServiceOptions) {
    this.#options = options;
  }

  async send(context: WebmailContext, input: ComposeInput): Promise<SendOutcome> {
    const { secureSend, hostname, maxMessageBytes } = this.#options;
    const { mailbox } = context;
    if (input.to.length + input.cc.length + input.bcc.length === 0) throw new UserError('BADINPUT', 'Add at least one recipient');
    const built = await buildMessage(mailbox, { ...input, attachments: await this.#attachments(context, input) }, { hostname, maxBytes: maxMessageBytes });
    if (built.recipients.length > MAX_RECIPIENTS) throw new UserError('BADINPUT', `A message may have at most ${MAX_RECIPIENTS} recipients`);
    const result = await secureSend.send({
      sender: mailbox,
      mailFrom: mailbox.address,
      recipients: built.recipients,
      message: built.outgoing,
      trace: { heloName: 'webmail', remoteAddress: context.remoteAddress, clientHostname: null, protocol: 'HTTPS', tls: null },
      secure: input.secure ? { requested: input.secure.requested, mobiles: input.secure.mobiles ?? {} } : undefined,
    });
    // The message is out: what follows must not turn the send into an error the user would retry.
    const sent = await this.#keepCopy(context, built);
    if (input.origin) await this.#markOrigin(context, input.origin);
    if (input.draftUid !== undefined) await this.#removeDraft(context, input.draftUid);
    await this.#options.audit.record({
      actor: context.actor,
      action: 'webmail.send',
      mailboxId: mailbox.id,
      remoteAddress: context.remoteAddress,
      detail: { queueId: result.queueId, messageId: built.messageId, recipients: built.recipients.length, secure: Boolean(input.secure?.requested), origin: input.origin ?? null },
    });
    return {
      messageId: built.messageId,
      queueId: result.queueId,
      routes: result.routes.map((r) => ({ recipient: r.recipient, route: r.route, ...(r.channel ? { channel: r.channel } : {}), reason: r.reason })),
      sent,
    };
  }

  /** Saves the form as a draft (with \Draft); the draft it replaces goes once the new one is stored. */
  async saveDraft(context: WebmailContext, input: ComposeInput): Promise<DraftSaved> {
    const { mail, hostname, maxMessageBytes } = this.#options;
    const drafts = await specialFolder(mail, context.mailbox.id, 'Drafts', true);
    const built = await buildMessage(
      context.mailbox,
      { ...input, attachments: await this.#attachments(context, input) },
      { hostname, maxBytes: maxMessageBytes, draft: { secure: { requested: Boolean(input.secure?.requested), mobiles: input.secure?.mobiles ?? {} } } },
    );
    const { uid } = await mail.append(drafts.id, built.copy, { flags: ['\\Draft', '\\Seen'] });
    if (input.draftUid !== undefined && input.draftUid !== uid) await this.#removeDraft(context, input.draftUid);
    return { folderId: drafts.id, uid };
  }

  /** A draft as the compose form needs it; its files stay where they are (attach them by part). */
  async openDraft(context: WebmailContext, uid: number): Promise<DraftView> {
    const { mail, reader } = this.#options;
    const drafts = await specialFolder(mail, context.mailbox.id, 'Drafts', false);
    if (!drafts) throw new UserError('NONEXISTENT', 'No such draft');
    const message = await reader.locate(drafts, uid);
    const { meta, structure, layout } = message;
    const fields = parseHeaderFields(await mail.readBody(meta.bodyId, { start: structure.root.headerStart, end: structure.root.bodyStart }));
    let text = '';
    for (const { part } of layout.text) text += (text ? '\n\n' : '') + (await readPartText(mail, meta.bodyId, part, maxTextBytes(this.#options))).text;
    // MailComposer ends a single-part body with a line break the writer did not type.
    text = text.replace(/\n+$/, '');
    // The editor gets the HTML sanitised like any received message: a draft may be anything a client appended.
    const html = layout.html.length ? await reader.html(message, { allowRemoteImages: false, cidUrl: () => '' }) : null;
    const mobiles: Record<string, string> = {};
    for (const field of fields.filter((f) => f.name === MOBILE_HEADER)) {
      const match = /^\s*<?([^\s<>]+@[^\s<>]+?)>?\s+(.+?)\s*$/.exec(field.value);
      if (match) mobiles[match[1]!.toLowerCase()] = match[2]!;
    }
    const row = messageRow(meta, structure);
    return {
      folderId: drafts.id,
      uid,
      to: decodeAddresses(structure.envelope.to),
      cc: decodeAddresses(structure.envelope.cc),
      bcc: decodeAddresses(structure.envelope.bcc),
      subject: row.subject,
      text,
      html: html?.html ?? null,
      inReplyTo: messageIds(structure.envelope.inReplyTo)[0] ?? null,
      references: messageIds(firstField(fields, 'references')),
      attachments: layout.attachments.filter((a) => !a.embedded).map(attachmentSummary),
      secure: { requested: /^\s*(viewer|secure|yes|1)\s*$/i.test(firstField(fields, SECURE_HEADER) ?? ''), mobiles },
    };
  }

  /** Uploaded files and parts of stored messages, within the message size limit. */
  async #attachments(context: WebmailContext, input: ComposeInput): Promise<UploadedFile[]> {
    const { mail, reader, maxMessageBytes } = this.#options;
    const files = [...(input.attachments ?? [])];
    let total = files.reduce((sum, f) => sum + f.content.length, 0);
    const folders = new Map<number, Folder>();
    for (const ref of input.storedAttachments ?? []) {
      const folder = folders.get(ref.folderId) ?? (await ownFolder(mail, context.mailbox.id, ref.folderId));
      folders.set(folder.id, folder);
      const message = await reader.locate(folder, ref.uid);
      const found = message.layout.attachments.find((a) => a.section === ref.part);
      if (!found) throw new UserError('NONEXISTENT', `Message ${ref.uid} has no attachment ${ref.part}`);
      const { bytes, truncated } = await readPart(mail, message.meta.bodyId, found.part, maxMessageBytes * 2);
      total += bytes.length;
      if (truncated || total > maxMessageBytes) throw new UserError('TOOBIG', 'The attachments are larger than a message may be');
      files.push({ filename: found.filename, contentType: found.contentType, content: bytes });
    }
    if (total > maxMessageBytes) throw new UserError('TOOBIG', 'The attachments are larger than a message may be');
    return files;
  }

  async #keepCopy(context: WebmailContext, built: BuiltMessage): Promise<{ folderId: number; uid: number } | null> {
    try {
      const sent = await specialFolder(this.#options.mail, context.mailbox.id, 'Sent', true);
      const { uid } = await this.#options.mail.append(sent.id, built.copy, { flags: ['\\Seen'] });
      return { folderId: sent.id, uid };
    } catch (error) {
      this.#options.logger.warn({ err: error, mailboxId: context.mailbox.id }, 'webmail: sent, but the copy in Sent could not be stored');
      return null;
    }
  }

  async #markOrigin(context: WebmailContext, origin: NonNullable<ComposeInput['origin']>): Promise<void> {
    const { mail, audit } = this.#options;
    try {
      const folder = await ownFolder(mail, context.mailbox.id, origin.folderId);
      await mail.storeFlags(folder.id, [{ start: origin.uid, end: origin.uid }], 'add', [origin.kind === 'reply' ? '\\Answered' : '$Forwarded']);
      // SPEC R22: forwarding a received message is logged as such (the send itself is logged too).
      if (origin.kind === 'forward') {
        await audit.record({
          actor: context.actor,
          action: 'message.forward',
          mailboxId: context.mailbox.id,
          remoteAddress: context.remoteAddress,
          detail: { via: 'webmail', folder: folder.name, uid: origin.uid },
        });
      }
    } catch (error) {
      // The original may have been moved or deleted meanwhile; the send stands.
      if (!(error instanceof UserError)) throw error;
    }
  }

  async #removeDraft(context: WebmailContext, uid: number): Promise<void> {
    const drafts = await specialFolder(this.#options.mail, context.mailbox.id, 'Drafts', false);
    if (drafts && Number.isSafeInteger(uid) && uid > 0) await this.#options.mail.deleteMessages(drafts.id, [uid]);
  }
}

function maxTextBytes(options: ComposeServiceOptions): number {
  return Math.min(options.maxMessageBytes, 2 * 1024 * 1024);
}
