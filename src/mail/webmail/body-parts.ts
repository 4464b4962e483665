// Which parts of a stored structure a reader sees as the message text, which as its HTML, and which
// as attachments — decided from the structure alone (no message bytes), so the message list can say
// "has attachments" and the reading pane can fetch only the bytes it shows. The rules follow what
// mail readers (and mailparser) do with real mail:
//   - multipart/alternative: the last text/plain and the last text/html alternative are the bodies
//     (RFC 2046 §5.1.4: the last alternative is the richest); other alternatives are attachments;
//   - every other multipart: its children in order;
//   - a text/plain or text/html leaf that is not marked as an attachment (RFC 2183) and has no file
//     name is body text; anything else, message/rfc822 included, is an attachment;
//   - inside multipart/related, a part with a Content-ID is an inline resource (RFC 2387, cid: URLs).
// Parts are named by their IMAP section number (RFC 3501 §6.4.5), e.g. "2.1".
import { paramText } from '../mime/mime-params.ts';
import { findPart } from '../mime/section.ts';
import type { MessageStructure, MimePart } from '../mime/types.ts';

export interface BodyPart {
  /** IMAP section number ("1", "2.1"). */
  section: string;
  part: MimePart;
}

export interface AttachmentPart extends BodyPart {
  filename: string;
  /** Lower-case `type/subtype`. */
  contentType: string;
  /** Size after transfer decoding, estimated from the encoded size (exact for 7bit/8bit/binary). */
  size: number;
  /** Shown within the HTML (a cid: image) or marked `Content-Disposition: inline`. */
  inline: boolean;
  /** A resource of multipart/related with a Content-ID: part of the HTML rather than a file. */
  embedded: boolean;
  /** The Content-ID without its angle brackets, when the part has one. */
  contentId: string | null;
}

export interface BodyLayout {
  text: BodyPart[];
  html: BodyPart[];
  attachments: AttachmentPart[];
}

/** Multiparts nested deeper than this are not looked into (the parser caps depth too). */
const MAX_DEPTH = 32;

export function bodyLayout(structure: MessageStructure): BodyLayout {
  const layout: BodyLayout = { text: [], html: [], attachments: [] };
  const root = structure.root;
  // RFC 3501 §6.4.5: a single-part message's body is its part 1; a multipart's children are 1…n.
  if (root.children) walkChildren(root, '', layout, false, 0);
  else visit(root, '1', layout, false, 0);
  return layout;
}

/** Whether the message has anything a reader would call an attachment (not cid: images). */
export function hasAttachments(structure: MessageStructure): boolean {
  return bodyLayout(structure).attachments.some((a) => !a.embedded);
}

/** The part a section number names, or null. */
export function partAt(structure: MessageStructure, section: string): MimePart | null {
  if (!/^[1-9]\d{0,4}(\.[1-9]\d{0,4}){0,31}$/.test(section)) return null;
  return findPart(structure, section.split('.').map(Number));
}

function walkChildren(part: MimePart, prefix: string, layout: BodyLayout, related: boolean, depth: number): void {
  const children = part.children ?? [];
  const section = (i: number) => (prefix ? `${prefix}.${i + 1}` : String(i + 1));
  if (part.subtype === 'alternative') {
    const textIndex = lastIndex(children, (c) => yields(c, 'plain'));
    const htmlIndex = lastIndex(children, (c) => yields(c, 'html'));
    children.forEach((child, i) => {
      if (i === textIndex || i === htmlIndex) visit(child, section(i), layout, related, depth + 1, i === textIndex ? 'plain' : 'html');
      // Calendar invitations, text/enriched and the like: offered as files.
      else if (!child.children) addAttachment(child, section(i), layout, related);
    });
    return;
  }
  const isRelated = part.subtype === 'related';
  children.forEach((child, i) => visit(child, section(i), layout, related || isRelated, depth + 1));
}

function visit(part: MimePart, section: string, layout: BodyLayout, related: boolean, depth: number, only?: 'plain' | 'html'): void {
  if (part.children) {
    if (depth < MAX_DEPTH) walkChildren(part, section, layout, related, depth);
    return;
  }
  if (isBodyText(part)) {
    if (part.subtype === 'html' && only !== 'plain') layout.html.push({ section, part });
    else if (part.subtype === 'plain' && only !== 'html') layout.text.push({ section, part });
    return;
  }
  addAttachment(part, section, layout, related);
}

function addAttachment(part: MimePart, section: string, layout: BodyLayout, related: boolean): void {
  const contentId = part.id ? part.id.replace(/^\s*<|>\s*$/g, '').trim() || null : null;
  const embedded = related && contentId !== null && part.disposition?.type !== 'attachment';
  layout.attachments.push({
    section,
    part,
    filename: filenameOf(part, layout.attachments.length + 1),
    contentType: `${part.type}/${part.subtype}`,
    size: decodedSize(part),
    inline: embedded || part.disposition?.type === 'inline',
    embedded,
    contentId,
  });
}

/** Text a reader shows in the message itself rather than offering as a file. */
function isBodyText(part: MimePart): boolean {
  if (part.type !== 'text' || (part.subtype !== 'plain' && part.subtype !== 'html')) return false;
  if (part.disposition?.type === 'attachment') return false;
  return paramText(part.disposition?.params ?? [], 'filename') === null && paramText(part.params, 'name') === null;
}

/** Whether a part (or, for a multipart, one of its parts) is body text of this subtype. */
function yields(part: MimePart, subtype: 'plain' | 'html'): boolean {
  if (part.children) return part.children.some((c) => yields(c, subtype));
  return isBodyText(part) && part.subtype === subtype;
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** RFC 2183 filename, else the Content-Type name parameter, else a name made from the type. */
function filenameOf(part: MimePart, position: number): string {
  const named = paramText(part.disposition?.params ?? [], 'filename') ?? paramText(part.params, 'name');
  if (named && named.trim()) return named.trim();
  if (part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global')) return `bericht-${position}.eml`;
  const extension = EXTENSIONS[`${part.type}/${part.subtype}`] ?? 'bin';
  return `bijlage-${position}.${extension}`;
}

const EXTENSIONS: Record<string, string> = {
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
};

function decodedSize(part: MimePart): number {
  const encoded = Math.max(0, part.bodyEnd - part.bodyStart);
  // base64: 4 characters per 3 bytes, plus line breaks (76 characters and CRLF per line).
  if (part.encoding === 'base64') return Math.floor(((encoded * 76) / 78) * 0.75);
  return encoded;
}
