// The parsed shape of a stored message, computed once while it is written (streaming) and kept beside
// it, so FETCH ENVELOPE / BODYSTRUCTURE / BODY[section] never re-parse the message bytes.
// Offsets are byte offsets into the message exactly as stored.
// Every string taken from header bytes (envelope fields, parameters, ids…) is a "byte string": one JS
// character per byte (latin1 decoding), so raw 8-bit headers go back to clients exactly as received.
// Consumers that want readable text decode them (RFC 2047, charset) themselves.

/** One address of an IMAP ENVELOPE (RFC 3501 §7.4.2). Group syntax (RFC 2822 §3.4) is encoded as
 * IMAP does: a group start has mailbox = group name and host = null; a group end has both null. */
export interface EnvelopeAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/** Raw (still RFC 2047-encoded, unfolded) header values as ENVELOPE sends them. */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export type MimeParams = Array<[name: string, value: string]>;

export interface MimePart {
  /** First byte of this part's header. */
  headerStart: number;
  /** First byte of this part's body (just after the blank line that ends the header). */
  bodyStart: number;
  /** One past the last byte of the body (a multipart child's body ends before the CRLF that
   * precedes the next boundary line; that CRLF belongs to the delimiter, RFC 2046 §5.1.1). */
  bodyEnd: number;
  /** Lower-case media type and subtype; text/plain when absent or unparseable (RFC 2045 §5.2). */
  type: string;
  subtype: string;
  params: MimeParams;
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding as given (lower-case), '7bit' when absent. */
  encoding: string;
  disposition: { type: string; params: MimeParams } | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  /** Number of lines in the body (text/* and message/rfc822 parts; RFC 3501 §7.4.2). */
  lines: number;
  /** Children of a multipart part, in order. */
  children?: MimePart[];
  /** The encapsulated message of a message/rfc822 (or message/global) part. */
  message?: { envelope: Envelope; root: MimePart };
}

export interface MessageStructure {
  /** Total size in bytes. */
  size: number;
  envelope: Envelope;
  root: MimePart;
  /** Header fields of the message that RFC 5322 §3.6 allows once but that occur more often
   * (lower-case names); absent in structures stored before it was recorded. */
  repeatedFields?: string[];
}
