// The mail service's vocabulary, shared by every protocol front-end (IMAP, POP3, SMTP, later webmail).
// "Mailbox" is the manual's word for an account (address + klantnummer); an IMAP mailbox is a "folder".
import type { Readable } from 'node:stream';
import type { MessageStructure } from './mime/types.ts';
import type { AuditEntry } from '../store/store.ts';

export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
export type SystemFlag = (typeof SYSTEM_FLAGS)[number];

/** Well-known folders created for every new mailbox, with their RFC 6154 special-use attribute. */
export const DEFAULT_FOLDERS: ReadonlyArray<{ name: string; specialUse: string | null }> = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
];

/** Hierarchy separator of folder names (IMAP LIST delimiter). */
export const FOLDER_SEPARATOR = '/';

export interface Folder {
  id: number;
  mailboxId: number;
  /** Full name, hierarchy separated by '/', Unicode (the IMAP layer handles modified UTF-7). */
  name: string;
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** Message count, unseen count and total size, kept current by the store. */
  messages: number;
  unseen: number;
  size: number;
  /** Keywords ever used in this folder (for the IMAP FLAGS response). */
  keywords: string[];
}

export interface MessageMeta {
  uid: number;
  modseq: number;
  /** System flags (canonical case, e.g. '\\Seen') followed by keywords. */
  flags: string[];
  internalDate: Date;
  size: number;
  bodyId: number;
}

/** What changed in a folder after a given mod-sequence (drives IDLE, NOOP and later QRESYNC). */
export interface FolderChanges {
  highestModseq: number;
  uidNext: number;
  /** UIDs of messages that arrived, ascending. */
  added: number[];
  /** Messages whose flags changed (not including ones that were added or expunged). */
  updated: Array<{ uid: number; modseq: number; flags: string[] }>;
  /** UIDs that were expunged, ascending. */
  expunged: number[];
}

export type FlagUpdateMode = 'add' | 'remove' | 'replace';

/** A closed range of UIDs; `end` may be Infinity for "*"-style open ranges. */
export interface UidRange {
  start: number;
  end: number;
}

/** RFC 3501 §6.4.4 search keys in protocol-neutral form. Sequence numbers and \Recent are session
 * concepts: the IMAP layer turns them into UID sets before calling the service. */
export type SearchKey =
  | { type: 'all' }
  | { type: 'uids'; ranges: UidRange[] }
  | { type: 'flag'; flag: string; set: boolean }
  | { type: 'internaldate'; op: 'before' | 'on' | 'since'; date: string /* YYYY-MM-DD */ }
  | { type: 'sentdate'; op: 'before' | 'on' | 'since'; date: string }
  | { type: 'size'; op: 'larger' | 'smaller'; size: number }
  | { type: 'header'; field: string; value: string }
  | { type: 'body'; value: string }
  | { type: 'text'; value: string }
  | { type: 'modseq'; modseq: number }
  | { type: 'not'; key: SearchKey }
  | { type: 'or'; left: SearchKey; right: SearchKey }
  | { type: 'and'; keys: SearchKey[] };

export interface Delivery {
  mailboxId: number;
  folderId: number;
  uid: number;
}

/** Message bytes as a buffer or a stream of chunks (a socket literal, an SMTP DATA stream). */
export type MessageSource = Buffer | AsyncIterable<Buffer> | Readable;

export interface AppendOptions {
  flags?: string[];
  internalDate?: Date;
}

export interface AppendResult {
  uid: number;
  uidValidity: number;
  modseq: number;
}

export interface CopyResult {
  uidValidity: number;
  /** [source UID, destination UID] pairs in source order. */
  mapping: Array<[number, number]>;
}

/** A change announced to every session (and, at scale, every instance). */
export type ChangeEvent =
  | { type: 'folder'; mailboxId: number; folderId: number; modseq: number }
  | { type: 'folders'; mailboxId: number }
  | { type: 'credentials'; mailboxId: number; keyId: number | null }
  /** The community directory changed (SPEC R9): caches of entries start afresh. */
  | { type: 'directory' };

export interface MailService {
  listFolders(mailboxId: number): Promise<Folder[]>;
  /** Case-insensitive for INBOX, exact otherwise. */
  getFolder(mailboxId: number, name: string): Promise<Folder | null>;
  getFolderById(folderId: number): Promise<Folder | null>;
  createFolder(mailboxId: number, name: string, specialUse?: string | null): Promise<Folder>;
  /** RFC 3501 §6.3.4: INBOX cannot be deleted; a folder with children keeps existing as \Noselect
   * is not supported here, so deleting a folder with children is refused. */
  deleteFolder(mailboxId: number, name: string): Promise<void>;
  /** Renames a folder and its children; renaming INBOX moves its messages to a new folder. */
  renameFolder(mailboxId: number, from: string, to: string): Promise<void>;
  listSubscriptions(mailboxId: number): Promise<string[]>;
  subscribe(mailboxId: number, name: string): Promise<void>;
  unsubscribe(mailboxId: number, name: string): Promise<void>;

  /** Stores a message durably (blob fsynced, row committed) before resolving. */
  append(folderId: number, message: MessageSource, options?: AppendOptions): Promise<AppendResult>;
  /** Delivers one message into the INBOX of each mailbox, durably and atomically (all or none).
   * `prefix` (trace headers) is stored in front of the message; `validate` may refuse it after the
   * whole message was read and parsed, before anything is committed; the audit records `audit`
   * returns are committed together with the delivery. */
  deliver(
    mailboxIds: number[],
    message: MessageSource,
    options?: {
      prefix?: Buffer;
      validate?: (structure: MessageStructure) => void;
      audit?: (delivered: Delivery[]) => AuditEntry[];
    },
  ): Promise<Delivery[]>;

  /** The lowest UID of a message without \Seen, or null (SELECT's [UNSEEN n]). */
  firstUnseenUid(folderId: number): Promise<number | null>;
  /** How many messages are \Recent, without claiming them (STATUS RECENT, RFC 3501 §6.3.10). */
  countRecent(folderId: number): Promise<number>;
  /** All UIDs of a folder in ascending order (the session's sequence-number map). */
  listUids(folderId: number): Promise<number[]>;
  /** Metadata for the given UIDs, ascending, in chunks so big folders never sit in memory at once. */
  fetchMeta(folderId: number, ranges: UidRange[]): AsyncIterable<MessageMeta[]>;
  getStructure(bodyId: number): Promise<MessageStructure>;
  /** The message bytes as stored, or a byte range [start, end) of them. */
  readBody(bodyId: number, range?: { start: number; end: number }): Promise<Buffer>;
  /** Resolves once the bytes are open for reading; rejects (NONEXISTENT) when the message is gone. */
  openBody(bodyId: number, range?: { start: number; end: number }): Promise<Readable>;

  storeFlags(
    folderId: number,
    uids: UidRange[],
    mode: FlagUpdateMode,
    flags: string[],
    options?: { unchangedSince?: number },
  ): Promise<{ changed: Array<{ uid: number; modseq: number; flags: string[] }>; highestModseq: number }>;
  copy(sourceFolderId: number, uids: UidRange[], targetFolderId: number): Promise<CopyResult>;
  move(sourceFolderId: number, uids: UidRange[], targetFolderId: number): Promise<CopyResult & { expunged: number[] }>;
  /** Removes messages flagged \Deleted (only those within `uids` when given, RFC 4315 UID EXPUNGE). */
  expunge(folderId: number, uids?: UidRange[]): Promise<number[]>;
  /** Removes the given messages whatever their flags (POP3 DELE at QUIT). */
  deleteMessages(folderId: number, uids: number[]): Promise<number[]>;
  /** UIDs matching the query, ascending. */
  search(folderId: number, query: SearchKey): Promise<number[]>;
  changesSince(folderId: number, modseq: number): Promise<FolderChanges>;
  /** RFC 3501 \Recent: returns the UID floor; messages above it are recent to the calling session,
   * and no later session will see them as recent. */
  claimRecent(folderId: number): Promise<number>;

  onChange(listener: (event: ChangeEvent) => void): () => void;
}
