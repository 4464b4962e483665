// IMAP ENVELOPE data from a message header (RFC 3501 §7.4.2).
import { parseAddressList } from './address-list.ts';
import { firstField, parseHeaderFields, type HeaderField } from './header-fields.ts';
import type { Envelope } from './types.ts';

export { MISSING_DOMAIN, MISSING_MAILBOX, parseAddressList } from './address-list.ts';

export function emptyEnvelope(): Envelope {
  return {
    date: null,
    subject: null,
    from: null,
    sender: null,
    replyTo: null,
    to: null,
    cc: null,
    bcc: null,
    inReplyTo: null,
    messageId: null,
  };
}

/** Builds the envelope from parsed header fields (or a raw header block). Values are raw (still
 * RFC 2047-encoded) and unfolded; an absent or empty field is null. */
export function buildEnvelope(header: readonly HeaderField[] | Buffer): Envelope {
  const fields = Buffer.isBuffer(header) ? parseHeaderFields(header) : header;
  const text = (name: string): string | null => {
    const value = firstField(fields, name);
    return value === null || value === '' ? null : value;
  };
  const from = parseAddressList(text('from'));
  return {
    date: text('date'),
    subject: text('subject'),
    from,
    // RFC 3501 §7.4.2: "If the Sender or Reply-To lines are absent in the [RFC-2822] header, or
    // are present but empty, the server sets the corresponding member of the envelope to be the
    // same value as the from member"
    sender: parseAddressList(text('sender')) ?? from,
    replyTo: parseAddressList(text('reply-to')) ?? from,
    to: parseAddressList(text('to')),
    cc: parseAddressList(text('cc')),
    bcc: parseAddressList(text('bcc')),
    inReplyTo: text('in-reply-to'),
    messageId: text('message-id'),
  };
}

/** RFC 5322 §3.6: fields a message may carry at most once (From exactly once). */
const SINGLE_FIELDS = ['date', 'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'message-id', 'in-reply-to', 'references', 'subject'];

/** The names of those fields that occur more than once, lower-case. */
export function repeatedSingleFields(fields: readonly HeaderField[]): string[] {
  const counts = new Map<string, number>();
  for (const field of fields) {
    if (SINGLE_FIELDS.includes(field.name)) counts.set(field.name, (counts.get(field.name) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([name]) => name);
}
