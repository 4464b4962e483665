// Envelope addresses and header text as a reader sees them: display names with RFC 2047 encoded words
// decoded, raw 8-bit text as UTF-8 (RFC 6532) or latin1, group markers (RFC 5322 §3.4) left out.
import { MISSING_DOMAIN, MISSING_MAILBOX } from '../mime/envelope.ts';
import { decodeHeaderText } from '../mime/text-decoding.ts';
import type { EnvelopeAddress } from '../mime/types.ts';

export interface Address {
  /** Decoded display name; '' when the address has none. */
  name: string;
  /** local@domain as written (a missing part is left empty). */
  address: string;
}

/** The people of an envelope address list; null (absent field) gives []. */
export function decodeAddresses(list: readonly EnvelopeAddress[] | null): Address[] {
  const out: Address[] = [];
  for (const entry of list ?? []) {
    // Group start (host null, mailbox = group name) and end (both null) carry no person.
    if (entry.host === null) continue;
    const local = entry.mailbox === null || entry.mailbox === MISSING_MAILBOX ? '' : decodeHeaderText(entry.mailbox);
    const domain = entry.host === MISSING_DOMAIN ? '' : decodeHeaderText(entry.host);
    out.push({ name: entry.name === null ? '' : cleanText(decodeHeaderText(entry.name)), address: local || domain ? `${local}@${domain}` : '' });
  }
  return out;
}

/** A header value (latin1 byte string from the structure) as readable text, or '' when absent. */
export function decodeText(value: string | null, fallbackCharset: string | null = null): string {
  return value === null ? '' : cleanText(decodeHeaderText(value, fallbackCharset));
}

/** Message-IDs of an In-Reply-To or References field (RFC 5322 §3.6.4), angle brackets included. */
export function messageIds(value: string | null): string[] {
  return value === null ? [] : [...value.matchAll(/<[^<>\s]+>/g)].map((m) => m[0]);
}

/** Control characters (a decoded CR/LF, a NUL) never reach a screen or another header. */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, ' ').replace(/\s*\n\s*/g, ' ').trim();
}
