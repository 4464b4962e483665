// The webmail's JSON API as it travels (dates as ISO 8601 strings): one definition that both the route
// plugin and the browser app compile against, so the two cannot drift apart.
// Types and plain constants only: the browser bundle imports this file, so it must not pull server code in.
//
// Every route is under `/api/webmail/mailboxes/:mailboxId/` and first asks the server's `authorise`
// whether the signed-in person may use that mailbox (404 when not; a request that changes something
// must also pass the CSRF check). Nothing is cached (`Cache-Control: no-store`). A message is named by
// its folder id and UID; UIDs change when a message moves (a move answers with the new ones).
//
//   GET  …/                                         → MailboxJson
//   GET  …/folders                                  → FoldersJson
//   GET  …/folders/:folderId/messages               ?limit=50&offset=0 | &after=<uid>, &order=newest|oldest → MessagePageJson
//   GET  …/folders/:folderId/search                 ?q=…&in=all|from|to|subject&limit&offset|after&order → MessagePageJson
//   GET  …/folders/:folderId/messages/:uid          ?peek=1 (do not mark \Seen) → MessageJson
//   GET  …/folders/:folderId/messages/:uid/body.html ?images=1 (load remote images) → sanitised HTML
//        for a sandboxed <iframe>, under its own CSP; 404 when the message has no HTML
//   GET  …/folders/:folderId/messages/:uid/parts/:part → the decoded attachment (download)
//   GET  …/folders/:folderId/messages/:uid/raw      → the message as stored (.eml download)
//   POST …/folders/:folderId/flags                  FlagsRequestJson  → FlagsChangedJson
//   POST …/folders/:folderId/move                   MoveRequestJson   → MovedJson
//   POST …/folders/:folderId/delete                 UidsRequestJson   → DeletedJson
//   POST …/send                                     ComposeJson       → SentJson
//   POST …/drafts                                   ComposeJson       → DraftSavedJson
//   GET  …/drafts/:uid                              → DraftJson
//   POST …/recipients                               RecipientsRequestJson → RecipientChecksJson
//   GET  …/directory                                ?q=… → DirectoryMatchesJson
//   GET  …/viewer                                   ?limit=50&before=<id> → ViewerMessagesJson
//   GET  …/viewer/:id                               → ViewerStatusJson
//   POST …/viewer/:id/revoke                        → ViewerStatusJson
//
// `send` and `drafts` take either `application/json` (ComposeJson, no new files) or
// `multipart/form-data` with a field `message` holding ComposeJson as JSON and any number of files
// named `attachments`; everything together may not exceed MailboxJson.maxMessageBytes (413 with a
// reason otherwise). Errors are ErrorJson with a 4xx/5xx status.
import type { CodeChannel } from '../../secure/types.ts';
import type { Route } from '../../secure/secure-send.ts';
import type { CommonErrorCode, ErrorJsonOf, TooLargeReason } from '../shared/wire.ts';

export type { CodeChannel, TooLargeReason };

/** Rows of one list or search page at most. */
export const MAX_PAGE_SIZE = 200;
/** Messages one flags/move/delete request may name. */
export const MAX_UIDS_PER_REQUEST = 1000;
/** To, Cc and Bcc together. */
export const MAX_RECIPIENTS = 500;
/** Files of one upload. */
export const MAX_UPLOAD_FILES = 100;
/** Addresses one recipients check may name. */
export const MAX_CHECKED_RECIPIENTS = 100;

/** `GET …/`: the mailbox the person is working in. */
export interface MailboxJson {
  id: number;
  address: string;
  displayName: string;
  klantnummer: string;
  /** The largest message a send or draft may make, attachments included (after encoding). */
  maxMessageBytes: number;
}

/** RFC 6154 special-use attributes the server sets: `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`. */
export type SpecialUse = string;

export interface FolderJson {
  id: number;
  /** Full name, levels separated by "/" (INBOX first, then Sent, Drafts, Trash, Junk, Archive, the rest by name). */
  name: string;
  specialUse: SpecialUse | null;
  total: number;
  unread: number;
  uidValidity: number;
  uidNext: number;
}

export interface FoldersJson {
  folders: FolderJson[];
}

export interface AddressJson {
  /** Display name, RFC 2047 decoded; '' when none. */
  name: string;
  address: string;
}

/** Flags as IMAP names them: `\Seen`, `\Answered`, `\Flagged`, `\Deleted`, `\Draft`, keywords (`$Forwarded`). */
export type Flag = string;

export interface MessageRowJson {
  uid: number;
  flags: Flag[];
  /** Bytes as stored. */
  size: number;
  /** The Date field, or when it arrived when that is missing or unreadable. */
  date: string;
  receivedAt: string;
  from: AddressJson | null;
  to: AddressJson[];
  subject: string;
  /** Files beyond the images shown inside the HTML. */
  hasAttachments: boolean;
  /** Threading: this message's Message-ID and the one it answers (`<…>`), for conversations. */
  messageId: string | null;
  inReplyTo: string | null;
}

export type ListOrder = 'newest' | 'oldest';

/** `GET …/messages` and `GET …/search`. Arrival (UID) order; `offset` paging for jumps, `after`
 * (pass `nextAfter`) for the next page, which stays right while mail arrives. */
export interface MessagePageJson {
  folderId: number;
  /** Messages in the folder, or matches of the search. */
  total: number;
  /** Position of the first row when asked for by `offset`; null when asked for with `after`. */
  offset: number | null;
  rows: MessageRowJson[];
  /** The `after` for the next page; null at the end. */
  nextAfter: number | null;
  uidValidity: number;
}

export interface AttachmentJson {
  /** IMAP section number, the key for `…/parts/:part`. */
  part: string;
  filename: string;
  contentType: string;
  /** Decoded bytes (estimated for base64). */
  size: number;
  /** Shown within the text (cid: image or Content-Disposition inline). */
  inline: boolean;
  contentId: string | null;
}

/** `GET …/messages/:uid` (marks \Seen unless `?peek=1`; the opening is audit-logged). */
export interface MessageJson extends MessageRowJson {
  folderId: number;
  cc: AddressJson[];
  bcc: AddressJson[];
  /** Only when the message has a Reply-To field. */
  replyTo: AddressJson[];
  references: string[];
  /** Plain text (made from the HTML when there is no text part). */
  text: string;
  /** The text was cut at 2 MB; download the raw message for all of it. */
  textTruncated: boolean;
  /** Load `…/body.html` in a sandboxed iframe when true. */
  hasHtml: boolean;
  /** Remote images shown as placeholders; offer "show images" (`body.html?images=1`) when > 0. */
  remoteImages: number;
  attachments: AttachmentJson[];
}

export type FlagName = 'seen' | 'flagged' | 'answered';

export interface UidsRequestJson {
  uids: number[];
}

export interface FlagsRequestJson extends UidsRequestJson {
  add?: FlagName[];
  remove?: FlagName[];
}

/** The messages whose flags changed, with all their flags now. */
export interface FlagsChangedJson {
  changed: Array<{ uid: number; flags: Flag[] }>;
}

export interface MoveRequestJson extends UidsRequestJson {
  /** Target folder id. */
  to: number;
}

/** Where the messages are now: [old UID, new UID] pairs. Undo = move the new UIDs back. */
export interface MovedJson {
  folderId: number;
  uidValidity: number;
  moved: Array<[number, number]>;
}

/** Delete moves to Trash (undo: `POST …/folders/<folderId>/move` with the new UIDs and the old folder);
 * in Trash it removes the messages for good. */
export type DeletedJson = ({ permanent: false } & MovedJson) | { permanent: true; expunged: number[] };

export interface ComposeAddressJson {
  name?: string;
  address: string;
}

export interface ComposeJson {
  to: ComposeAddressJson[];
  cc?: ComposeAddressJson[];
  bcc?: ComposeAddressJson[];
  subject: string;
  /** Plain text and/or HTML; both make a multipart/alternative. */
  text?: string;
  html?: string;
  /** Replies and forwards: the original's Message-ID, and its References plus that id. */
  inReplyTo?: string;
  references?: string[];
  /** The message answered or forwarded: it gets \Answered or $Forwarded once the send succeeded. */
  origin?: { folderId: number; uid: number; kind: 'reply' | 'forward' };
  /** Files of stored messages to attach (a forward's attachments, the files of an edited draft). */
  storedAttachments?: Array<{ folderId: number; uid: number; part: string }>;
  /** Secure sending through the Viewer, with mobile numbers per recipient address (SPEC R14). */
  secure?: { requested: boolean; mobiles?: Record<string, string> };
  /** The draft being edited: replaced by a save, removed after a send. */
  draftUid?: number;
}

export type { Route };

/** `POST …/send`, 200: sent. A refused recipient refuses the whole send (403 forbidden, the reason in
 * `message`). `sent` is the copy in Sent. */
export type { SendOutcome as SentJson, DraftSaved as DraftSavedJson } from '../../mail/webmail/types.ts';

/** `GET …/drafts/:uid`: the compose form as saved. Keep its files by listing them in
 * `storedAttachments` (`{ folderId: <Drafts>, uid, part }`) when saving or sending again. */
export interface DraftJson {
  folderId: number;
  uid: number;
  to: AddressJson[];
  cc: AddressJson[];
  bcc: AddressJson[];
  subject: string;
  text: string;
  /** Sanitised like a received message's HTML. */
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: AttachmentJson[];
  secure: { requested: boolean; mobiles: Record<string, string> };
}

export interface RecipientsRequestJson {
  addresses: string[];
  /** The compose screen's current choice. */
  secure?: boolean;
  mobiles?: Record<string, string>;
}

/** How a recipient is reached: inside the community, through the Viewer, or as ordinary (unsafe)
 * e-mail; `invalid` for an address that is none. */
export type RecipientClass = 'community' | 'viewer' | 'unsafe' | 'invalid';

export interface RecipientCheckJson {
  address: string;
  class: RecipientClass;
  /** The route a send with the current choice would take; null when it would be refused. */
  route: Route | null;
  channel: CodeChannel | null;
  /** Why (English, from the routing service; show it beside the recipient). */
  reason: string;
  /** A send now would be refused because of this recipient; `reason` says what to do. */
  refused: boolean;
}

/** SPEC R14: `required` (06-verplicht: a Dutch mobile per Viewer recipient), `asked` (06-controle:
 * ask for one; SMS when given, else an e-mail code), `optional` (viewer: e-mail code unless a number is
 * given), `none` (standaard: no Viewer). */
export type MobileRule = 'required' | 'asked' | 'optional' | 'none';

export type InstallType = 'viewer-06-verplicht' | 'viewer-06-controle' | 'viewer' | 'standaard';

export interface RecipientChecksJson {
  installType: InstallType;
  mobile: MobileRule;
  /** The Viewer can be used at all. */
  secureAvailable: boolean;
  /** SPEC R17: offer secure sending first for external recipients. */
  secureByDefault: boolean;
  /** AutomaticallyOverrideSend: every external message goes through the Viewer anyway. */
  alwaysSecure: boolean;
  recipients: RecipientCheckJson[];
}

export interface DirectoryMatchJson {
  name: string;
  address: string;
  organisation: string | null;
  kind: 'person' | 'organisation';
}

/** `GET …/directory?q=`: at most ten, for address completion. */
export interface DirectoryMatchesJson {
  matches: DirectoryMatchJson[];
}

/** One recipient's Viewer message (SPEC R15), as the sender sees it in Sent. Match it to a sent message by `messageId`. */
export interface ViewerStatusJson {
  id: number;
  messageId: string | null;
  recipient: string;
  subject: string;
  channel: CodeChannel;
  maskedMobile: string | null;
  state: 'active' | 'revoked' | 'expired';
  createdAt: string;
  expiresAt: string;
  notifiedAt: string | null;
  codeSentAt: string | null;
  codeDeliveredAt: string | null;
  codeFailedAt: string | null;
  openedAt: string | null;
  repliedAt: string | null;
  revokedAt: string | null;
  expiredAt: string | null;
  lockedUntil: string | null;
}

/** Newest first; pass the last `id` as `before` for older ones. */
export interface ViewerMessagesJson {
  messages: ViewerStatusJson[];
}

/** Why an upload was refused with 413: the shared reasons, or the whole message over the limit. */
export type UploadRefusalReason = TooLargeReason | 'message-too-large';

export type ErrorCode = CommonErrorCode;

export type ErrorJson = ErrorJsonOf<ErrorCode, UploadRefusalReason>;
