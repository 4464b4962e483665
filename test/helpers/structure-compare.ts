// Compares what a real IMAP client (imapflow) reads from the server's ENVELOPE and BODYSTRUCTURE with
// what an independent parser (mailparser's simpleParser) finds in the same bytes. Strict where the
// standards leave no choice; where parsers legitimately differ, the rule below says why:
//
//  - Subject: whitespace runs compared as one space. Unfolding and RFC 2047 §6.2 (whitespace
//    between encoded words) leave decoders different choices about tabs and runs of spaces.
//  - Raw 8-bit octets in header fields (not RFC 2047, not declared anywhere): the server passes
//    them through; imapflow reads them as UTF-8, mailparser as latin1 or UTF-8 by guess. When the
//    message has such octets, strings are compared by their ASCII skeleton (each run of non-ASCII
//    characters as one "?").
//  - Message-ID: mailparser adds missing angle brackets; the ENVELOPE carries the field as written.
//  - Addresses: lower-cased (domains and, in practice, local parts are compared case-insensitively),
//    group markers and empty entries dropped (RFC 3501 §7.4.2 represents a group as start/end
//    markers; mailparser as nested values), IDNA domains compared as Unicode (mailparser decodes
//    punycode, the server sends the field's bytes). The server follows the UW-IMAP/Dovecot
//    convention of MISSING_DOMAIN / MISSING_MAILBOX for an address without a domain/local part;
//    mailparser has no such address and gives the bare word or "": those match.
//  - Content types: the declared one. mailparser replaces application/octet-stream by a guess from
//    the file name; we read its attachment's Content-Type header instead. A declared value that is
//    not "type/subtype" must be reported as text/plain by the server (RFC 2045 §5.2); mailparser
//    lists such a part as an attachment, so it is matched against a text/plain leaf.
//  - Parts of a multipart/digest are message/rfc822 by default (RFC 2046 §5.1.5); mailparser does
//    not apply that default and sees text/plain, so such server parts need no attachment match.
//  - Attachments are compared as an ordered list (type, file name), not by part number: where a
//    boundary is doubled the server keeps the empty part between the delimiters (RFC 2046 §5.1.1:
//    a body part may be empty) and mailparser skips it, which shifts mailparser's part numbers.
//    Which server leaves count as attachments follows mailparser's own rule (a leaf that is not
//    text/plain, text/html or message/delivery-status, or whose disposition is not inline), and an
//    attached message/rfc822 is descended into only when mailparser does (disposition inline and
//    an identity transfer encoding).
import { domainToUnicode } from 'node:url';
import type { MessageAddressObject, MessageEnvelopeObject, MessageStructureObject } from 'imapflow';
import type { AddressObject, Attachment, EmailAddress, ParsedMail } from 'mailparser';

export interface Difference {
  field: string;
  server: unknown;
  mailparser: unknown;
}

const MAILPARSER_TEXT_TYPES = new Set(['text/plain', 'text/html', 'message/delivery-status']);
const IDENTITY_ENCODINGS = new Set(['', '7bit', '8bit', 'binary']);

export function compareWithMailparser(
  server: { envelope?: MessageEnvelopeObject; bodyStructure?: MessageStructureObject },
  parsed: ParsedMail,
  raw: Buffer,
): Difference[] {
  const differences: Difference[] = [];
  const eightBit = hasEightBitHeaderOctets(raw);
  const envelope = server.envelope ?? {};
  const same = (a: string, b: string) => a === b || (eightBit && asciiSkeleton(a) === asciiSkeleton(b));

  const subjects = [collapse(envelope.subject ?? ''), collapse(parsed.subject ?? '')] as const;
  if (!same(...subjects)) differences.push({ field: 'subject', server: subjects[0], mailparser: subjects[1] });

  const ids = [bareId(envelope.messageId ?? ''), bareId(parsed.messageId ?? '')] as const;
  if (ids[0] !== ids[1]) differences.push({ field: 'message-id', server: ids[0], mailparser: ids[1] });

  for (const field of ['from', 'to'] as const) {
    const ours = serverAddresses(envelope[field]);
    const theirs = mailparserAddresses(parsed[field]);
    if (!sameAddressLists(ours, theirs)) differences.push({ field, server: ours, mailparser: theirs });
  }

  const ourLeaves = server.bodyStructure ? leaves(server.bodyStructure) : [];
  const theirParts = parsed.attachments.map(describeAttachment);
  if (!alignAttachments(ourLeaves, theirParts, same)) {
    differences.push({ field: 'attachments', server: ourLeaves.filter((l) => l.attachment).map(({ type, filename }) => ({ type, filename })), mailparser: theirParts });
  }
  return differences;
}

interface Leaf {
  type: string;
  filename: string;
  /** mailparser's rule applied to the server's view: would this leaf be one of its attachments? */
  attachment: boolean;
  /** A message/rfc822 part of a multipart/digest (possibly by default, RFC 2046 §5.1.5). */
  inDigest: boolean;
}

/** The leaves in document order, walked the way mailparser walks (see the header comment). */
export function leaves(node: MessageStructureObject, parentType = ''): Leaf[] {
  const type = node.type.toLowerCase();
  const disposition = (node.disposition ?? '').toLowerCase();
  if (type.startsWith('multipart/')) return (node.childNodes ?? []).flatMap((child) => leaves(child, type));
  if (type === 'message/rfc822' && node.childNodes?.length && disposition === 'inline' && IDENTITY_ENCODINGS.has((node.encoding ?? '').toLowerCase())) {
    return node.childNodes.flatMap((child) => leaves(child, type));
  }
  return [
    {
      type,
      filename: node.dispositionParameters?.filename ?? node.parameters?.name ?? '',
      attachment: !MAILPARSER_TEXT_TYPES.has(type) || (disposition !== '' && disposition !== 'inline'),
      inDigest: parentType === 'multipart/digest' && type === 'message/rfc822',
    },
  ];
}

/**
 * Matches mailparser's attachments, in order, to the server's leaves. A server leaf mailparser would
 * count as an attachment must be matched, with two exceptions mailparser causes: a message/rfc822
 * part of a digest (mailparser does not apply the digest default and sees text/plain), and a part
 * whose Content-Type is not "type/subtype" (mailparser lists it as an attachment; the server, by
 * RFC 2045 §5.2, reports text/plain, which is not one).
 */
function alignAttachments(ours: Leaf[], theirs: Array<{ type: string; filename: string; invalidType: boolean }>, same: (a: string, b: string) => boolean): boolean {
  let next = 0;
  for (const attachment of theirs) {
    for (;;) {
      const leaf = ours[next++];
      if (!leaf) return false;
      const typeMatches = attachment.invalidType ? leaf.type === 'text/plain' : leaf.type === attachment.type && leaf.attachment;
      if (typeMatches && same(leaf.filename, attachment.filename)) break;
      if (leaf.attachment && !leaf.inDigest) return false;
    }
  }
  return ours.slice(next).every((leaf) => !leaf.attachment || leaf.inDigest);
}

function describeAttachment(attachment: Attachment): { type: string; filename: string; invalidType: boolean } {
  const header = attachment.headers.get('content-type') as { value?: string } | string | undefined;
  const declared = (typeof header === 'string' ? header : (header?.value ?? '')).toLowerCase().trim();
  const invalidType = !/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(declared);
  return { type: declared, filename: attachment.filename ?? '', invalidType };
}

function serverAddresses(list: MessageAddressObject[] | undefined): string[] {
  return (list ?? []).map((a) => normaliseAddress(a.address ?? '')).filter((a) => a !== '');
}

function mailparserAddresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const flat = (entries: EmailAddress[]): string[] => entries.flatMap((e) => (e.group ? flat(e.group) : [e.address ?? '']));
  return objects.flatMap((o) => flat(o.value)).map(normaliseAddress).filter((a) => a !== '');
}

function normaliseAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  const domain = lower.slice(at + 1);
  return `${lower.slice(0, at)}@${domainToUnicode(domain) || domain}`;
}

/** Equal, or equal once the server's MISSING_DOMAIN addresses are read as mailparser reads them. */
function sameAddressLists(ours: string[], theirs: string[]): boolean {
  const strict = ours.filter((a) => !a.endsWith('@missing_domain'));
  const loose = ours.filter((a) => a.endsWith('@missing_domain')).map((a) => a.slice(0, -'@missing_domain'.length));
  // mailparser drops a domain-less address (keeping only its name) or keeps the bare local part.
  const remaining = [...theirs];
  for (const address of strict) {
    const index = remaining.indexOf(address);
    if (index < 0) return false;
    remaining.splice(index, 1);
  }
  for (const local of loose) {
    const index = remaining.indexOf(local);
    if (index >= 0) remaining.splice(index, 1);
  }
  return remaining.length === 0 && strictOrder(strict, theirs);
}

/** The well-formed addresses must also come in the same order. */
function strictOrder(strict: string[], theirs: string[]): boolean {
  const filtered = theirs.filter((a) => strict.includes(a));
  return filtered.length === strict.length && filtered.every((a, i) => a === strict[i]);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function bareId(id: string): string {
  return id.trim().replace(/^<|>$/g, '');
}

function asciiSkeleton(text: string): string {
  return text.replace(/[^\p{ASCII}]+/gu, '?');
}

/** True when some header field (of the message or a part) holds raw octets >= 0x80. */
function hasEightBitHeaderOctets(raw: Buffer): boolean {
  // A cheap over-approximation: any line that looks like a header field and holds 8-bit octets.
  const text = raw.toString('latin1');
  return /^[!-9;-~]+[ \t]*:[^\r\n]*[\x80-\xff]|^[ \t][^\r\n]*[\x80-\xff]/m.test(text);
}
