// What the webmail service hands its front-end (src/web/webmail), in service terms (Dates, not
// strings): the JSON mapping and the wire types live beside the routes.
import type { Mailbox } from '../../identity/types.ts';
import type { Route } from '../../secure/secure-send.ts';
import type { CodeChannel, InstallType } from '../../secure/types.ts';
import type { Address } from './addresses.ts';

export type { Address };

/** Who acts on a mailbox: the signed-in person (for the audit log) and where from (SPEC R22). */
export interface WebmailContext {
  mailbox: Mailbox;
  /** The person (Passage ID) behind the request; audit records name them. */
  actor: string;
  remoteAddress: string;
}

export interface FolderSummary {
  id: number;
  name: string;
  specialUse: string | null;
  total: number;
  unread: number;
  uidValidity: number;
  uidNext: number;
}

export type ListOrder = 'newest' | 'oldest';

export interface ListRequest {
  /** Rows per page, 1–200. */
  limit: number;
  /** Rows to skip from the start of the order (virtual scrolling jumps). */
  offset?: number;
  /** Cursor paging: continue after this UID (exclusive) in the list's order; faster than offset. */
  after?: number;
  order?: ListOrder;
}

export interface MessageRow {
  uid: number;
  flags: string[];
  size: number;
  /** The Date field, or when it arrived if the field is missing or unreadable. */
  date: Date;
  receivedAt: Date;
  from: Address | null;
  to: Address[];
  subject: string;
  hasAttachments: boolean;
  /** Threading (RFC 5322 §3.6.4): this message's id and the one it answers, angle brackets kept. */
  messageId: string | null;
  inReplyTo: string | null;
}

export interface MessagePage {
  folderId: number;
  /** Messages in the folder (list) or matches (search). */
  total: number;
  /** Position of the first row, when the page was asked for by offset (null with `after`). */
  offset: number | null;
  rows: MessageRow[];
  /** Pass as `after` to get the next page; null at the end. */
  nextAfter: number | null;
  uidValidity: number;
}

export interface AttachmentSummary {
  /** IMAP section number: the key for downloading it. */
  part: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  contentId: string | null;
}

export interface MessageView extends MessageRow {
  folderId: number;
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  references: string[];
  /** Plain text (from the HTML when the message has no text part). */
  text: string;
  textTruncated: boolean;
  hasHtml: boolean;
  /** Remote images the sanitised HTML shows as placeholders until allowed. */
  remoteImages: number;
  attachments: AttachmentSummary[];
}

export interface SanitisedHtml {
  html: string;
  remoteImages: number;
  truncated: boolean;
}

export interface DownloadStream {
  filename: string;
  contentType: string;
  /** Bytes, when known in advance (raw messages); attachments are decoded while streaming. */
  size: number | null;
  stream: NodeJS.ReadableStream;
}

export type FlagName = 'seen' | 'flagged' | 'answered';

export interface MoveResult {
  /** The folder the messages are in now. */
  folderId: number;
  uidValidity: number;
  /** [old UID, new UID] pairs (RFC 4315 COPYUID): moving the new UIDs back undoes the move. */
  moved: Array<[number, number]>;
}

export type DeleteResult =
  | ({ permanent: false } & MoveResult)
  /** Deleted from Trash (or with no Trash to move to): gone for good. */
  | { permanent: true; expunged: number[] };

export interface ComposeAddress {
  name?: string;
  address: string;
}

/** A part of a stored message to attach again (a forward's attachments, a draft's files). */
export interface StoredPartRef {
  folderId: number;
  uid: number;
  part: string;
}

export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface ComposeInput {
  to: ComposeAddress[];
  cc: ComposeAddress[];
  bcc: ComposeAddress[];
  subject: string;
  text?: string;
  html?: string;
  inReplyTo?: string;
  references?: string[];
  /** The message this one answers or forwards: it gets \Answered or $Forwarded after the send. */
  origin?: { folderId: number; uid: number; kind: 'reply' | 'forward' };
  /** Parts of stored messages to attach (a forward's attachments, the files of an edited draft). */
  storedAttachments?: StoredPartRef[];
  attachments?: UploadedFile[];
  secure?: { requested: boolean; mobiles?: Record<string, string> };
  /** The draft this message was written in: replaced on save, removed after a send. */
  draftUid?: number;
}

export interface SendOutcome {
  messageId: string;
  queueId: string;
  routes: Array<{ recipient: string; route: Route; channel?: CodeChannel; reason: string }>;
  /** The copy in Sent, or null when the mailbox has no Sent folder it could use. */
  sent: { folderId: number; uid: number } | null;
}

export interface DraftSaved {
  folderId: number;
  uid: number;
}

/** A draft opened for editing: what the compose form had, and its files as stored parts. */
export interface DraftView {
  folderId: number;
  uid: number;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: AttachmentSummary[];
  secure: { requested: boolean; mobiles: Record<string, string> };
}

/** How a recipient would be reached (SPEC R12–R17), in the three words the compose screen shows. */
export type RecipientClass = 'community' | 'viewer' | 'unsafe' | 'invalid';

export interface RecipientCheck {
  address: string;
  class: RecipientClass;
  /** The route a send would take now, or null when it would be refused. */
  route: Route | null;
  channel: CodeChannel | null;
  /** Why, in the sender's words (the secure-send service's own reasons). */
  reason: string;
  refused: boolean;
}

/** SPEC R14: what the install type asks for a Viewer recipient's mobile number. */
export type MobileRule = 'required' | 'asked' | 'optional' | 'none';

export interface RecipientChecks {
  installType: InstallType;
  mobile: MobileRule;
  /** The Viewer is available at all (not install type standaard). */
  secureAvailable: boolean;
  /** SPEC R17: external recipients are offered secure sending first unless the policy turns it off. */
  secureByDefault: boolean;
  /** AutomaticallyOverrideSend: every external message goes through the Viewer anyway. */
  alwaysSecure: boolean;
  recipients: RecipientCheck[];
}

export interface DirectoryMatch {
  name: string;
  address: string;
  organisation: string | null;
  kind: 'person' | 'organisation';
}
