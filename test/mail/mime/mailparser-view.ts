// What our structure says a mail reader should show, in mailparser's own terms, so the corpus test
// can compare the two parsers. This mirrors mailparser's documented rules (MailParser#createNode):
// - text/plain, text/html and message/delivery-status are "text types"; any other leaf, or a
//   text leaf whose disposition is not inline, is an attachment;
// - message/rfc822 is opened (its parts shown) only when its disposition is inline and its
//   encoding is 7bit/8bit/binary; otherwise the whole message is one attachment;
// - `text` is the text/plain (and delivery-status) leaves shown inline, format=flowed decoded.
import libmime from 'libmime';
import { firstField, parseHeaderFields } from '../../../src/mail/mime/header-fields.ts';
import { paramText, parseParameterizedValue } from '../../../src/mail/mime/mime-params.ts';
import { decodeCharset, decodeTransferEncoding } from '../../../src/mail/mime/text-decoding.ts';
import type { MimePart } from '../../../src/mail/mime/types.ts';

const TEXT_TYPES = ['text/plain', 'text/html', 'message/delivery-status'];

export interface Leaf {
  /** As mailparser reports it: application/octet-stream with a file name becomes the type the
   * name suggests (libmime.detectMimeType), which is mailparser's convenience, not MIME. */
  contentType: string;
  filename: string | null;
  isAttachment: boolean;
  part: MimePart;
}

export interface MailparserView {
  leaves: Leaf[];
  /** Text of the inline text/plain and delivery-status leaves, in order. */
  texts: string[];
  /** True when an inline message/rfc822 was opened: mailparser then adds its header lines to the text. */
  openedMessage: boolean;
  /** A text/html leaf shown inline outside multipart/alternative: mailparser adds its text. */
  htmlInText: boolean;
  /** A leaf's Content-Type is not type/subtype: we fall back to text/plain (RFC 2045 §5.2),
   * mailparser keeps the malformed value as the type. */
  invalidContentType: boolean;
}

function disposition(part: MimePart, contentType: string): string {
  const given = part.disposition?.type ?? null;
  if (given !== null && given !== 'attachment' && given !== 'inline') return 'attachment';
  if (given === null && !TEXT_TYPES.includes(contentType)) return 'attachment';
  return given ?? 'inline';
}

export function mailparserView(message: Buffer, root: MimePart): MailparserView {
  const view: MailparserView = {
    leaves: [],
    texts: [],
    openedMessage: false,
    htmlInText: false,
    invalidContentType: false,
  };
  const visit = (part: MimePart, inAlternative: boolean): void => {
    if (part.children !== undefined) {
      for (const child of part.children) visit(child, part.subtype === 'alternative');
      return;
    }
    const rawType = firstField(parseHeaderFields(message.subarray(part.headerStart, part.bodyStart)), 'content-type');
    if (rawType !== null && !/^[^/\s]+\/[^/\s]+$/.test(parseParameterizedValue(rawType).value))
      view.invalidContentType = true;
    const contentType = `${part.type}/${part.subtype}`;
    const dsp = disposition(part, contentType);
    const identity = ['7bit', '8bit', 'binary'].includes(part.encoding);
    if (
      contentType === 'message/rfc822' &&
      part.message !== undefined &&
      identity &&
      part.disposition?.type === 'inline'
    ) {
      view.openedMessage = true;
      visit(part.message.root, false);
      return;
    }
    const isAttachment = !TEXT_TYPES.includes(contentType) || dsp !== 'inline';
    const filename =
      (part.disposition && paramText(part.disposition.params, 'filename')) ?? paramText(part.params, 'name');
    const shownType =
      contentType === 'application/octet-stream' && filename ? libmime.detectMimeType(filename) : contentType;
    view.leaves.push({ contentType: shownType, filename, isAttachment, part });
    if (!isAttachment && contentType === 'text/html' && !inAlternative) view.htmlInText = true;
    if (!isAttachment && contentType !== 'text/html') {
      const raw = message.subarray(part.bodyStart, part.bodyEnd);
      const charset = part.params.find(([name]) => name === 'charset')?.[1] ?? null;
      let text = decodeCharset(decodeTransferEncoding(raw, part.encoding), charset);
      const format = part.params.find(([name]) => name === 'format')?.[1]?.toLowerCase();
      if (format === 'flowed') {
        const delSp = part.params.find(([name]) => name === 'delsp')?.[1]?.toLowerCase() === 'yes';
        text = libmime.decodeFlowed(text, delSp);
      }
      view.texts.push(text);
    }
  };
  visit(root, false);
  return view;
}
