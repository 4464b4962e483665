// Reading one message for the reading pane: its headers, text and sanitised HTML, and its files —
// each read from the byte range of its own part (the structure stored at delivery says where), so
// opening a message with a 40 MB attachment reads its few KB of text, and a download streams.
import { UserError } from '../../errors.ts';
import { firstField, parseHeaderFields } from '../mime/header-fields.ts';
import type { MessageStructure } from '../mime/types.ts';
import type { Folder, MailService, MessageMeta } from '../types.ts';
import { decodeAddresses, decodeText, messageIds } from './addresses.ts';
import { bodyLayout, partAt, type AttachmentPart, type BodyLayout } from './body-parts.ts';
import { htmlToText, sanitiseHtml } from './html-sanitiser.ts';
import { bodyCharset, messageRow } from './message-rows.ts';
import { openPart, readPart, readPartText } from './part-content.ts';
import type { AttachmentSummary, DownloadStream, MessageView, SanitisedHtml } from './types.ts';

/** Encoded bytes of text read for the reading pane; the rest is offered as the raw message. */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;
const MAX_HTML_BYTES = 5 * 1024 * 1024;
/** cid: images up to this size travel inside the HTML as data: URLs (see `html`). */
const MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024;
const MAX_INLINE_IMAGES_TOTAL = 10 * 1024 * 1024;
const INLINE_IMAGE_TYPES = /^image\/(?:png|gif|jpeg|webp|bmp)$/;

export interface LocatedMessage {
  folder: Folder;
  meta: MessageMeta;
  structure: MessageStructure;
  layout: BodyLayout;
}

export class MessageReader {
  readonly #mail: MailService;

  constructor(mail: MailService) {
    this.#mail = mail;
  }

  async locate(folder: Folder, uid: number): Promise<LocatedMessage> {
    const meta = await this.meta(folder, uid);
    const structure = await this.#mail.getStructure(meta.bodyId);
    return { folder, meta, structure, layout: bodyLayout(structure) };
  }

  async meta(folder: Folder, uid: number): Promise<MessageMeta> {
    if (!Number.isSafeInteger(uid) || uid < 1) throw new UserError('NONEXISTENT', 'No such message');
    for await (const rows of this.#mail.fetchMeta(folder.id, [{ start: uid, end: uid }])) {
      if (rows[0]) return rows[0];
    }
    throw new UserError('NONEXISTENT', 'No such message (it may have been moved or deleted)');
  }

  async view(message: LocatedMessage): Promise<MessageView> {
    const { meta, structure, layout } = message;
    const header = await this.#mail.readBody(meta.bodyId, { start: structure.root.headerStart, end: structure.root.bodyStart });
    const fields = parseHeaderFields(header);
    const { envelope } = structure;
    let text = '';
    let textTruncated = false;
    for (const { part } of layout.text) {
      const read = await readPartText(this.#mail, meta.bodyId, part, MAX_TEXT_BYTES);
      text += (text ? '\n\n' : '') + read.text;
      textTruncated ||= read.truncated;
    }
    const rawHtml = layout.html.length ? await this.#rawHtml(message) : null;
    if (!layout.text.length && rawHtml !== null) {
      text = htmlToText(rawHtml.html);
      textTruncated = rawHtml.truncated;
    }
    // Counting what the HTML would block needs no image bytes.
    const remoteImages = rawHtml ? sanitiseHtml(rawHtml.html, { allowRemoteImages: false, resolveCid: () => null }).remoteImages : 0;
    return {
      ...messageRow(meta, structure),
      folderId: message.folder.id,
      cc: decodeAddresses(envelope.cc),
      bcc: decodeAddresses(envelope.bcc),
      replyTo: decodeAddresses(hasField(fields, 'reply-to') ? envelope.replyTo : null),
      references: messageIds(firstField(fields, 'references')),
      text,
      textTruncated,
      hasHtml: rawHtml !== null,
      remoteImages,
      attachments: layout.attachments.map(attachmentSummary),
    };
  }

  /**
   * The sanitised HTML body, or null when the message has none. cid: images come as data: URLs: the
   * frame is sandboxed (an opaque origin), so a browser sends it no SameSite session cookie and a
   * URL of this API would not load there. Larger ones get `cidUrl(part)` all the same.
   */
  async html(message: LocatedMessage, options: { allowRemoteImages: boolean; cidUrl: (part: string) => string }): Promise<SanitisedHtml | null> {
    const raw = await this.#rawHtml(message);
    if (raw === null) return null;
    const inline = await this.#inlineImages(message);
    const result = sanitiseHtml(raw.html, {
      allowRemoteImages: options.allowRemoteImages,
      resolveCid: (contentId) => {
        const found = inline.get(contentId.toLowerCase());
        if (!found) return null;
        return found.dataUrl ?? options.cidUrl(found.attachment.section);
      },
    });
    return { html: result.html, remoteImages: result.remoteImages, truncated: raw.truncated };
  }

  /** A file of the message, decoded while it streams. */
  async attachment(message: LocatedMessage, section: string): Promise<DownloadStream> {
    const found = message.layout.attachments.find((a) => a.section === section);
    const part = found?.part ?? partAt(message.structure, section);
    if (!part || part.children) throw new UserError('NONEXISTENT', `The message has no part ${section}`);
    return {
      filename: found?.filename ?? `bijlage-${section}`,
      contentType: found?.contentType ?? `${part.type}/${part.subtype}`,
      size: null,
      stream: await openPart(this.#mail, message.meta.bodyId, part),
    };
  }

  /** The message exactly as stored, as an .eml file. */
  async raw(message: LocatedMessage): Promise<DownloadStream> {
    const subject = decodeText(message.structure.envelope.subject, bodyCharset(message.structure)).slice(0, 80);
    return {
      filename: `${subject.replace(/[^\p{L}\p{N} ._-]+/gu, '_').trim() || 'bericht'}.eml`,
      contentType: 'message/rfc822',
      size: message.meta.size,
      stream: await this.#mail.openBody(message.meta.bodyId),
    };
  }

  async #rawHtml(message: LocatedMessage): Promise<{ html: string; truncated: boolean } | null> {
    if (!message.layout.html.length) return null;
    let html = '';
    let truncated = false;
    for (const { part } of message.layout.html) {
      const read = await readPartText(this.#mail, message.meta.bodyId, part, MAX_HTML_BYTES);
      html += (html ? '<hr>' : '') + read.text;
      truncated ||= read.truncated;
    }
    return { html, truncated };
  }

  async #inlineImages(message: LocatedMessage): Promise<Map<string, { attachment: AttachmentPart; dataUrl: string | null }>> {
    const found = new Map<string, { attachment: AttachmentPart; dataUrl: string | null }>();
    let budget = MAX_INLINE_IMAGES_TOTAL;
    for (const attachment of message.layout.attachments) {
      if (attachment.contentId === null) continue;
      const key = attachment.contentId.toLowerCase();
      if (found.has(key)) continue;
      let dataUrl: string | null = null;
      if (INLINE_IMAGE_TYPES.test(attachment.contentType) && attachment.size <= Math.min(MAX_INLINE_IMAGE_BYTES, budget)) {
        const { bytes, truncated } = await readPart(this.#mail, message.meta.bodyId, attachment.part, MAX_INLINE_IMAGE_BYTES * 2);
        if (!truncated) {
          budget -= bytes.length;
          dataUrl = `data:${attachment.contentType};base64,${bytes.toString('base64')}`;
        }
      }
      found.set(key, { attachment, dataUrl });
    }
    return found;
  }
}

export function attachmentSummary(a: AttachmentPart): AttachmentSummary {
  return { part: a.section, filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, contentId: a.contentId };
}

/** RFC 3501 fills an absent Reply-To from From; a reader only wants one that was written. */
function hasField(fields: ReadonlyArray<{ name: string }>, name: string): boolean {
  return fields.some((f) => f.name === name);
}
