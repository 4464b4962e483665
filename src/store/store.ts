// The storage interface every service uses. One SQL implementation serves SQLite (the embedded
// default) and, later, PostgreSQL; message bytes live in a separate BlobStore (blob-store.ts).
// Every mutation that changes a folder bumps its mod-sequence and publishes a ChangeEvent after commit.
import type { Mailbox, Organisation } from '../identity/types.ts';
import type { LinkedMailbox, PassageAccount, PassageRole, PassageSessionInfo } from '../identity/passage-types.ts';
import type { MessageStructure } from '../mail/mime/types.ts';
import type { ChangeEvent, CopyResult, Folder, FolderChanges, FlagUpdateMode, MessageMeta, UidRange } from '../mail/types.ts';

export interface Store {
  readonly accounts: AccountRepository;
  readonly folders: FolderRepository;
  readonly messages: MessageRepository;
  readonly audit: AuditRepository;
  readonly directory: DirectoryRepository;
  readonly domainBooks: DomainBookRepository;
  readonly adminTokens: AdminTokenRepository;
  readonly policies: PolicyRepository;
  readonly viewer: ViewerRepository;
  readonly patientChannel: PatientChannelRepository;
  readonly outbound: OutboundQueueRepository;
  readonly passage: PassageRepository;
  readonly mailboxLinks: MailboxLinkRepository;
  readonly passageWebauthn: PassageWebauthnRepository;
  /** Committed changes from this process and, within a second, from other processes on the store. */
  onChange(listener: (event: ChangeEvent) => void): () => void;
  close(): Promise<void>;
}

export interface AccountRepository {
  insertOrganisation(input: { name: string; domain: string }): Promise<Organisation>;
  findOrganisation(by: { id: number } | { domain: string }): Promise<Organisation | null>;
  listOrganisations(): Promise<Organisation[]>;
  /** Creates the mailbox and its initial folders in one transaction. */
  insertMailbox(
    input: { orgId: number; address: string; displayName: string; klantnummer: string; quotaBytes: number | null },
    folders: ReadonlyArray<{ name: string; specialUse: string | null }>,
  ): Promise<Mailbox>;
  findMailbox(by: { id: number } | { address: string } | { klantnummer: string }): Promise<Mailbox | null>;
  listMailboxes(orgId?: number): Promise<Mailbox[]>;
  /** Stores a new key hash and revokes every earlier key of the mailbox; returns the new key id. */
  replaceHostedMailKey(mailboxId: number, hash: string): Promise<number>;
  activeHostedMailKey(mailboxId: number): Promise<{ id: number; hash: string; createdAt: Date } | null>;
}

export interface FolderRepository {
  list(mailboxId: number): Promise<Folder[]>;
  find(mailboxId: number, name: string): Promise<Folder | null>;
  findById(folderId: number): Promise<Folder | null>;
  insert(mailboxId: number, name: string, specialUse: string | null): Promise<Folder>;
  /** Deletes the folder and its messages; returns blob ids no longer referenced anywhere. */
  delete(folderId: number): Promise<{ releasedBlobs: string[] }>;
  /** Renames folders (a folder and its children) in one transaction. */
  rename(mailboxId: number, renames: ReadonlyArray<[from: string, to: string]>): Promise<void>;
  listSubscriptions(mailboxId: number): Promise<string[]>;
  setSubscribed(mailboxId: number, name: string, subscribed: boolean): Promise<void>;
  claimRecent(folderId: number): Promise<number>;
  /** Messages above the \Recent floor, without claiming them (STATUS RECENT). */
  countRecent(folderId: number): Promise<number>;
}

export interface NewBody {
  blobId: string;
  size: number;
  structure: MessageStructure;
}

export interface DeliveredMessage {
  folderId: number;
  uid: number;
  uidValidity: number;
  modseq: number;
}

export interface NewMessage {
  folderId: number;
  flags: string[];
  internalDate: Date;
}

export interface MessageRepository {
  /** One body, delivered into one or more folders atomically, with the audit records `audit`
   * derives from the result committed in the same transaction. */
  insert(body: NewBody, targets: NewMessage[], audit?: (delivered: DeliveredMessage[]) => AuditEntry[]): Promise<DeliveredMessage[]>;
  getBody(bodyId: number): Promise<(NewBody & { id: number }) | null>;
  listUids(folderId: number): Promise<number[]>;
  /** The lowest UID without \Seen, or null (an index lookup, never a folder scan). */
  firstUnseenUid(folderId: number): Promise<number | null>;
  /** Messages with startUid ≤ uid ≤ endUid, ascending, at most `limit`. */
  listRange(folderId: number, startUid: number, endUid: number, limit: number): Promise<MessageMeta[]>;
  updateFlags(
    folderId: number,
    uids: UidRange[],
    mode: FlagUpdateMode,
    flags: string[],
    unchangedSince?: number,
  ): Promise<{ changed: Array<{ uid: number; modseq: number; flags: string[] }>; highestModseq: number; modified: number[] }>;
  copy(sourceFolderId: number, uids: UidRange[], targetFolderId: number, move: boolean): Promise<CopyResult & { expunged: number[] }>;
  /** Removes messages: all matching `uids`, or only those flagged \Deleted when onlyDeleted. */
  remove(
    folderId: number,
    selection: { uids?: UidRange[]; onlyDeleted: boolean },
  ): Promise<{ expunged: number[]; releasedBlobs: string[] }>;
  changesSince(folderId: number, modseq: number): Promise<FolderChanges>;
}

export interface AuditEntry {
  actor: string | null;
  action: string;
  mailboxId?: number | null;
  remoteAddress?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
  prevHash: string;
  hash: string;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<AuditRecord>;
  list(filter: { mailboxId?: number; action?: string; limit?: number; afterId?: number }): Promise<AuditRecord[]>;
}

// ── Directory (SPEC R9) ────────────────────────────────────────────────────────────────────────

export type DirectoryEntryKind = 'person' | 'organisation';

export interface DirectoryEntryRecord {
  id: number;
  kind: DirectoryEntryKind;
  /** Unique key: a person's mail address, an organisation's domain. */
  uid: string;
  mailboxId: number | null;
  orgId: number | null;
  hidden: boolean;
  /** Lower-case LDAP attribute name → values. */
  attributes: Record<string, string[]>;
  updatedAt: Date;
}

export interface DirectoryEntryInput {
  kind: DirectoryEntryKind;
  uid: string;
  mailboxId: number | null;
  orgId: number | null;
  hidden: boolean;
  attributes: Record<string, string[]>;
  /** Normalised values (directory/normalise.ts) of the indexed attributes, for the search index. */
  index: Record<string, string[]>;
}

/** A candidate query over the search index: which visible entries may match. Fragments are normalised
 * text; a fragment is usable by the index when it has at least INDEX_MIN_FRAGMENT characters, counting
 * the value boundary an `initial` or `final` fragment is anchored to. */
export type DirectoryIndexQuery =
  | { op: 'equals'; attribute: string; value: string }
  | { op: 'match'; attribute: string; initial: string | null; any: string[]; final: string | null }
  | { op: 'and' | 'or'; queries: DirectoryIndexQuery[] };

export const INDEX_MIN_FRAGMENT = 3;

export interface DirectoryRepository {
  /** Attributes (lower-case) the search index covers. */
  readonly indexedAttributes: ReadonlySet<string>;
  /** Inserts or replaces entries by uid, in one transaction, index included. */
  upsert(entries: DirectoryEntryInput[]): Promise<DirectoryEntryRecord[]>;
  find(by: { id: number } | { uid: string } | { mailboxId: number }): Promise<DirectoryEntryRecord | null>;
  get(ids: number[]): Promise<DirectoryEntryRecord[]>;
  remove(id: number): Promise<void>;
  /** Entries in id order after `afterId`, hidden ones only when asked. */
  list(options: { afterId: number; limit: number; includeHidden: boolean }): Promise<DirectoryEntryRecord[]>;
  /** Ids of visible entries after `afterId`, ascending, that may match `query` (all when null). */
  candidates(query: DirectoryIndexQuery | null, afterId: number, limit: number): Promise<number[]>;
  count(options: { includeHidden: boolean }): Promise<number>;
}

// ── Domain books (SPEC R12) ────────────────────────────────────────────────────────────────────

export interface DomainBook {
  id: number;
  name: string;
  description: string | null;
  domainCount: number;
  /** Domains of the organisations that use this book. */
  organisations: string[];
  createdAt: Date;
}

export interface DomainBookChange {
  /** Domains that were not in the book before. */
  added: number;
  /** Domains taken out (only by a `replace`). */
  removed: number;
  /** Domains in the book afterwards. */
  total: number;
}

export interface DomainBookRepository {
  insert(input: { name: string; description: string | null }): Promise<DomainBook>;
  /** By id, or by name compared case-insensitively. */
  find(by: { id: number } | { name: string }): Promise<DomainBook | null>;
  list(): Promise<DomainBook[]>;
  /** Deletes a book; refused (UserError INUSE) while an organisation uses it. */
  remove(id: number): Promise<void>;
  rename(id: number, name: string, description: string | null): Promise<void>;
  listDomains(bookId: number): Promise<Array<{ domain: string; note: string | null }>>;
  /** Adds normalised domains in one transaction (existing ones keep their note unless a new one is
   * given); with `replace` the book afterwards holds exactly `domains`, notes included. */
  addDomains(
    bookId: number,
    domains: ReadonlyArray<{ domain: string; note: string | null }>,
    options: { replace: boolean },
  ): Promise<DomainBookChange>;
  removeDomains(bookId: number, domains: readonly string[]): Promise<number>;
  /** Whether `domain` is in the book (an indexed lookup). */
  contains(bookId: number, domain: string): Promise<boolean>;
  assign(orgId: number, bookId: number | null): Promise<void>;
  /** The book the organisation uses, if any (one indexed lookup). */
  assignedBook(orgId: number): Promise<{ id: number; name: string } | null>;
}

// ── Admin API tokens ──────────────────────────────────────────────────────────────────────────

export interface AdminToken {
  id: number;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface AdminTokenRepository {
  insert(name: string, hash: string): Promise<AdminToken>;
  findActive(hash: string): Promise<AdminToken | null>;
  list(): Promise<AdminToken[]>;
  revoke(id: number): Promise<boolean>;
}

// ── Organisation policies and Viewer messages (SPEC R14–R18) ──────────────────────────────────

export interface PolicyRepository {
  /** The stored policy document (JSON text) of an organisation, or null when none was set. */
  get(orgId: number): Promise<string | null>;
  /** Stores the document and its audit record in one transaction. */
  put(orgId: number, settings: string, audit: AuditEntry): Promise<void>;
}

export interface ViewerMessageRecord {
  id: number;
  linkHash: string;
  senderMailboxId: number;
  orgId: number;
  submissionId: string;
  recipient: string;
  mobile: string | null;
  channel: 'sms' | 'email';
  language: string;
  messageId: string | null;
  /** The subject, sealed (encrypted) like the content. */
  sealedSubject: string;
  blobId: string | null;
  wrappedKey: string | null;
  size: number;
  createdAt: Date;
  expiresAt: Date;
  notifiedAt: Date | null;
  codeSentAt: Date | null;
  codeDeliveredAt: Date | null;
  codeFailedAt: Date | null;
  openedAt: Date | null;
  repliedAt: Date | null;
  revokedAt: Date | null;
  expiredAt: Date | null;
  failedAttempts: number;
  lockedUntil: Date | null;
}

export type NewViewerMessage = Omit<
  ViewerMessageRecord,
  'id' | 'notifiedAt' | 'codeSentAt' | 'codeDeliveredAt' | 'codeFailedAt' | 'openedAt' | 'repliedAt' | 'revokedAt' | 'expiredAt' | 'failedAttempts' | 'lockedUntil'
>;

export type ViewerMilestone = 'notifiedAt' | 'codeSentAt' | 'codeDeliveredAt' | 'codeFailedAt' | 'openedAt' | 'repliedAt';

export interface ViewerCodeRecord {
  id: number;
  viewerMessageId: number;
  codeHash: string;
  channel: 'sms' | 'email';
  reference: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface ViewerRepository {
  /** Inserts the Viewer messages of one submission, queues each one's notification (marking it
   * notified) and appends the audit records, in one transaction. */
  insert(
    messages: Array<NewViewerMessage & { notification: NewOutboundMail }>,
    audit: (created: Array<{ record: ViewerMessageRecord; notificationId: number }>) => AuditEntry[],
  ): Promise<ViewerMessageRecord[]>;
  find(by: { id: number } | { linkHash: string }): Promise<ViewerMessageRecord | null>;
  /** Newest first, `beforeId` pages backwards. */
  listBySender(senderMailboxId: number, options: { beforeId?: number; limit: number }): Promise<ViewerMessageRecord[]>;
  /** Sets a milestone (`openedAt` and `notifiedAt` keep their first value) and appends the audit
   * records of the step, in one transaction. */
  mark(id: number, milestone: ViewerMilestone, at: Date, audit?: AuditEntry[]): Promise<void>;
  /** Counts a wrong code; locks the message until `lockUntil` when given. Returns the new count. */
  recordFailedAttempt(id: number, lockUntil: Date | null): Promise<number>;
  resetFailedAttempts(id: number): Promise<void>;
  insertCode(code: Omit<ViewerCodeRecord, 'id' | 'usedAt'>): Promise<ViewerCodeRecord>;
  countCodesSince(viewerMessageId: number, since: Date): Promise<number>;
  latestCode(viewerMessageId: number): Promise<ViewerCodeRecord | null>;
  /** Marks the code used; false when it already was (single use under concurrency). */
  useCode(codeId: number, at: Date): Promise<boolean>;
  findCodeByReference(reference: string): Promise<ViewerCodeRecord | null>;
  insertSession(session: { tokenHash: string; viewerMessageId: number; createdAt: Date; expiresAt: Date }): Promise<void>;
  findSession(tokenHash: string): Promise<{ viewerMessageId: number; expiresAt: Date } | null>;
  deleteSession(tokenHash: string): Promise<void>;
  insertReply(reply: { viewerMessageId: number; at: Date; attachmentCount: number; size: number }): Promise<void>;
  listReplies(viewerMessageId: number): Promise<Array<{ at: Date; attachmentCount: number; size: number }>>;
  /** Ends a message's life (revoked or expired): drops the content key, blob reference, codes and
   * sessions in one transaction with its audit record; returns the blob to delete, or null when
   * it had already ended. */
  end(id: number, how: 'revoked' | 'expired', at: Date, audit: AuditEntry): Promise<{ blobId: string | null } | null>;
  /** Messages past their expiry that still hold content, oldest first. */
  listExpired(now: Date, limit: number): Promise<ViewerMessageRecord[]>;
}

// ── The patient channel (SPEC R31) ──────────────────────────────────────────────────────────────

export interface PatientVerificationRecord {
  id: number;
  tokenHash: string;
  orgId: number;
  email: string;
  mobile: string | null;
  channel: 'sms' | 'email';
  codeHash: string;
  remoteAddress: string;
  createdAt: Date;
  expiresAt: Date;
  failedAttempts: number;
  verifiedAt: Date | null;
  sessionExpiresAt: Date | null;
}

export interface PatientChannelRepository {
  insertVerification(input: Omit<PatientVerificationRecord, 'id' | 'failedAttempts' | 'verifiedAt' | 'sessionExpiresAt'>): Promise<PatientVerificationRecord>;
  findVerification(tokenHash: string): Promise<PatientVerificationRecord | null>;
  countVerificationsFrom(remoteAddress: string, since: Date): Promise<number>;
  recordFailedAttempt(id: number): Promise<number>;
  /** Marks the code used and opens the session; false when it already was (single use). */
  verify(id: number, at: Date, sessionExpiresAt: Date): Promise<boolean>;
  /** Remembers a verified contact of an organisation (the practice's answers go via the Viewer). */
  rememberContact(orgId: number, address: string, mobile: string | null, at: Date): Promise<void>;
  findContact(orgId: number, address: string): Promise<{ address: string; mobile: string | null; verifiedAt: Date } | null>;
}

// ── Mail leaving the platform ──────────────────────────────────────────────────────────────────

export type OutboundKind = 'ordinary' | 'community-partner' | 'viewer-notification' | 'viewer-code' | 'patient-code';

export interface NewOutboundMail {
  kind: OutboundKind;
  mailFrom: string;
  recipients: string[];
  raw: Buffer;
}

export interface QueuedMail extends NewOutboundMail {
  id: number;
  size: number;
  queuedAt: Date;
  nextAttemptAt: Date;
  attempts: number;
  lastError: string | null;
}

export interface OutboundQueueRepository {
  /** Queues one message with the audit records of the step, in one transaction. */
  enqueue(mail: NewOutboundMail, audit?: AuditEntry[]): Promise<QueuedMail>;
  /** Messages whose next attempt is due, oldest first: at most `limit`, and no more than `maxBytes`
   * together (but always the first one due, however large). */
  due(now: Date, batch: { limit: number; maxBytes?: number }): Promise<QueuedMail[]>;
  /** The earliest next attempt of any queued message, or null when the queue is empty. */
  nextAttemptAt(): Promise<Date | null>;
  /** Removes messages a transport has taken. */
  remove(ids: readonly number[]): Promise<void>;
  /** Counts a failed attempt and sets when to try again. */
  deferred(id: number, nextAttemptAt: Date, error: string): Promise<void>;
  list(limit: number): Promise<QueuedMail[]>;
}

// ── Passage ID (SPEC R1, R2, R4) ───────────────────────────────────────────────────────────────

export interface PassageAccountRecord extends PassageAccount {
  /** argon2id. */
  passwordHash: string;
  /** The TOTP secret (base32), sealed with the master key. */
  sealedTotpSecret: string;
  /** The last TOTP time step accepted: a code is accepted once (RFC 6238 §5.2). */
  totpLastStep: number | null;
  disabledAt: Date | null;
}

export interface PassageInvitationRecord {
  id: number;
  tokenHash: string;
  email: string;
  role: PassageRole;
  orgId: number | null;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  /** The TOTP secret offered to the invitee (sealed), set when the invitation is first opened. */
  sealedPendingTotp: string | null;
}

export interface PassageSessionRecord extends PassageSessionInfo {
  tokenHash: string;
}

export type NewPassageSession = Omit<PassageSessionRecord, 'id'>;

export interface NewPassageAccount {
  invitationId: number;
  email: string;
  passwordHash: string;
  sealedTotpSecret: string;
  totpLastStep: number | null;
  role: PassageRole;
  orgId: number | null;
  createdAt: Date;
  recoveryCodeHashes: readonly string[];
  /** The first session (the account id is filled in). */
  session: Omit<NewPassageSession, 'accountId'>;
}

export interface PassageRepository {
  /** Stores an invitation, ends the earlier unused ones for the same address (a new invitation
   * replaces them) and appends its audit record, in one transaction. */
  insertInvitation(
    invitation: Omit<PassageInvitationRecord, 'id' | 'usedAt' | 'sealedPendingTotp'>,
    audit: (created: PassageInvitationRecord) => AuditEntry,
  ): Promise<PassageInvitationRecord>;
  findInvitation(tokenHash: string): Promise<PassageInvitationRecord | null>;
  /** Sets the pending TOTP secret unless one is set already; returns the one stored afterwards. */
  setPendingTotp(invitationId: number, sealed: string): Promise<string>;
  /** Uses the invitation and creates the account, its recovery codes and first session with the
   * audit records, in one transaction. Null when the invitation was used (or expired) meanwhile;
   * UserError ALREADYEXISTS when an account has the address. */
  createAccount(
    input: NewPassageAccount,
    audit: (account: PassageAccountRecord, session: PassageSessionRecord) => AuditEntry[],
  ): Promise<{ account: PassageAccountRecord; session: PassageSessionRecord } | null>;
  findAccount(by: { id: number } | { email: string }): Promise<PassageAccountRecord | null>;
  /** Every account by address, with how many mailboxes each is linked to. */
  listAccounts(): Promise<Array<PassageAccountRecord & { linkedMailboxes: number }>>;
  /** Records an accepted TOTP time step; false when this step or a later one was accepted before. */
  acceptTotpStep(accountId: number, step: number): Promise<boolean>;
  /** Stores a new password hash and ends every session but `keepSessionId`, with the audit
   * records, in one transaction; returns how many sessions ended. */
  setPassword(accountId: number, passwordHash: string, keepSessionId: number | null, audit: AuditEntry[]): Promise<number>;
  /** Replaces every recovery code of the account, with the audit records, in one transaction. */
  replaceRecoveryCodes(accountId: number, codeHashes: readonly string[], audit: AuditEntry[]): Promise<void>;
  /** Marks an unused code used; false when the account has no unused code with that hash. */
  useRecoveryCode(accountId: number, codeHash: string, at: Date): Promise<boolean>;
  countRecoveryCodes(accountId: number): Promise<number>;
  /** Inserts a session with its audit records, in one transaction, and drops the account's sessions
   * that expired or were last seen before `staleBefore`. */
  insertSession(
    session: NewPassageSession,
    audit: (created: PassageSessionRecord) => AuditEntry[],
    staleBefore: Date,
  ): Promise<PassageSessionRecord>;
  findSession(tokenHash: string): Promise<PassageSessionRecord | null>;
  touchSession(id: number, at: Date): Promise<void>;
  /** The account's sessions, most recently seen first. */
  listSessions(accountId: number): Promise<PassageSessionRecord[]>;
  /** Disables the account (ending all its sessions) or, with null, enables it again, with its audit
   * records, in one transaction; returns the sessions that ended. */
  setDisabled(accountId: number, disabledAt: Date | null, audit: AuditEntry[]): Promise<number>;
  /** Ends sessions of the account — the given ones, or all but `allExcept` — with the audit records
   * `audit` derives from how many ended, in one transaction; returns how many ended. */
  deleteSessions(
    accountId: number,
    which: { ids: readonly number[] } | { allExcept: number | null },
    audit?: (count: number) => AuditEntry[],
  ): Promise<number>;
}

/** A security key or passkey registered to a Passage ID as its second factor (WebAuthn, SPEC R1). */
export interface PassageWebauthnCredentialRecord {
  id: number;
  accountId: number;
  /** The credential ID the authenticator chose (WebAuthn §4 "Credential ID"), base64url. */
  credentialId: string;
  /** The credential public key, COSE_Key encoded (RFC 9052 §7), base64url. */
  publicKey: string;
  /** The signature counter last accepted (WebAuthn §6.1.1); 0 for authenticators that keep none. */
  counter: number;
  /** How the browser can reach the authenticator (usb, nfc, ble, hybrid, internal…). */
  transports: string[];
  /** The holder's own name for it ("YubiKey op sleutelbos"). */
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface PassageWebauthnRepository {
  /** Stores a credential with its audit records, in one transaction. UserError ALREADYEXISTS when
   * the credential ID is registered already (to any account). */
  insert(
    credential: Omit<PassageWebauthnCredentialRecord, 'id' | 'lastUsedAt'>,
    audit: (created: PassageWebauthnCredentialRecord) => AuditEntry[],
  ): Promise<PassageWebauthnCredentialRecord>;
  findByCredentialId(credentialId: string): Promise<PassageWebauthnCredentialRecord | null>;
  /** The account's credentials, oldest first. */
  list(accountId: number): Promise<PassageWebauthnCredentialRecord[]>;
  /** Records a sign-in: the new counter and when. False when the stored counter is no longer below
   * `counter` (an assertion with this or a later counter was accepted meanwhile), except when both
   * are 0 — an authenticator without a counter. */
  recordUse(id: number, counter: number, at: Date): Promise<boolean>;
  /** Removes one of the account's credentials with its audit records, in one transaction; false
   * when the account has no credential with that id. */
  delete(accountId: number, id: number, audit: (removed: PassageWebauthnCredentialRecord) => AuditEntry[]): Promise<boolean>;
}

export interface MailboxActivationRecord {
  id: number;
  mailboxId: number;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface MailboxLinkRepository {
  /** Stores a new activation code, dropping the mailbox's earlier unused ones, with its audit
   * record, in one transaction. */
  insertActivation(activation: Omit<MailboxActivationRecord, 'id' | 'usedAt'>, audit: AuditEntry): Promise<MailboxActivationRecord>;
  /** The mailbox's activation with this code hash, used or not. */
  findActivation(mailboxId: number, codeHash: string): Promise<MailboxActivationRecord | null>;
  /** Uses the activation (when given) and links the mailbox to the account with the audit records,
   * in one transaction. Null when the activation was used or expired meanwhile; UserError
   * ALREADYEXISTS when the two are linked already. */
  link(
    input: { accountId: number; mailboxId: number; activationId: number | null; at: Date },
    audit: AuditEntry[],
  ): Promise<{ linkedAt: Date } | null>;
  /** Removes a link with its audit records; false when there was none. */
  unlink(accountId: number, mailboxId: number, audit: AuditEntry[]): Promise<boolean>;
  /** The linked mailbox, or null when the account is not linked to it. */
  findLinked(accountId: number, mailboxId: number): Promise<LinkedMailbox | null>;
  /** The account's mailboxes by address. */
  listLinked(accountId: number): Promise<LinkedMailbox[]>;
  /** Ids of the accounts linked to the mailbox. */
  listAccountIds(mailboxId: number): Promise<number[]>;
}
