// One IMAP session: its state (RFC 3501 §3), the logged-in mailbox, the selected folder, and the
// announcement of changes made elsewhere (RFC 3501 §5.2, §7.4.1). Commands act through this object;
// the socket and the command loop live in connection.ts.
import type { Logger } from 'pino';
import type { Authenticator, Mailbox } from '../identity/types.ts';
import type { ChangeEvent, MailService } from '../mail/types.ts';
import { SYSTEM_FLAGS } from '../mail/types.ts';
import { UserError } from '../errors.ts';
import type { ResponseWriter } from './response-writer.ts';
import type { SelectedFolder } from './selected-folder.ts';
import { flagList } from './imap-text.ts';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface SessionServices {
  mail: MailService;
  auth: Authenticator;
  logger: Logger;
  hostname: string;
  maxMessageSize: number;
}

/** What a command needs from the connection beyond writing responses. */
export interface SessionIo {
  /** Flushes pending responses and reads one line from the client (AUTHENTICATE, IDLE). */
  readLine(maxBytes: number): Promise<Buffer>;
  /** Ends the connection after an untagged BYE. */
  bye(text: string): Promise<void>;
  remoteAddress: string;
  secure: boolean;
}

export class Session {
  state: SessionState = 'not-authenticated';
  mailbox: Mailbox | null = null;
  keyId: number | null = null;
  selected: SelectedFolder | null = null;
  failedLogins = 0;
  /** Set while IDLE runs: called when a change for the selected folder arrives. */
  idleWaker: (() => void) | null = null;
  readonly services: SessionServices;
  readonly out: ResponseWriter;
  readonly io: SessionIo;
  readonly logger: Logger;
  private announcing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;

  constructor(services: SessionServices, out: ResponseWriter, io: SessionIo, logger: Logger) {
    this.services = services;
    this.out = out;
    this.io = io;
    this.logger = logger;
  }

  get mail(): MailService {
    return this.services.mail;
  }

  /** The logged-in mailbox id (only called in authenticated/selected state). */
  get mailboxId(): number {
    if (!this.mailbox) throw new Error('Session is not authenticated');
    return this.mailbox.id;
  }

  untagged(text: string): Promise<void> | void {
    return this.out.line(`* ${text}`);
  }

  loggedIn(mailbox: Mailbox, keyId: number): void {
    this.mailbox = mailbox;
    this.keyId = keyId;
    this.state = 'authenticated';
    this.unsubscribe = this.mail.onChange((event) => this.onChange(event));
  }

  select(folder: SelectedFolder): void {
    this.selected = folder;
    this.state = 'selected';
  }

  deselect(): void {
    this.selected = null;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.idleWaker = null;
  }

  private onChange(event: ChangeEvent): void {
    if (!this.mailbox || !('mailboxId' in event) || event.mailboxId !== this.mailbox.id) return;
    if (event.type === 'credentials') {
      // SPEC R3: a new Hosted Mail Key revokes the old one, and sessions opened with it end now.
      if (event.keyId !== this.keyId && this.state !== 'logout') {
        this.logger.info({ mailboxId: event.mailboxId }, 'imap session closed: Hosted Mail Key replaced');
        void this.io.bye('Hosted Mail Key changed, please log in again');
      }
      return;
    }
    const selected = this.selected;
    if (event.type !== 'folder' || !selected || event.folderId !== selected.folderId) return;
    if (event.modseq <= selected.modseq) return;
    selected.dirty = true;
    this.idleWaker?.();
  }

  /** Announces changes to the selected folder (RFC 3501 §7.3.1 EXISTS/RECENT, §7.4.1 EXPUNGE,
   * §7.4.2 FETCH FLAGS). `expunge: false` while FETCH, STORE or SEARCH run, or no command runs:
   * then expunged messages keep their sequence numbers until a later announcement. */
  announce(options: { expunge: boolean; force?: boolean }): Promise<void> {
    const next = this.announcing.then(() => this.announceNow(options));
    this.announcing = next.catch(() => undefined);
    return next;
  }

  private async announceNow(options: { expunge: boolean; force?: boolean }): Promise<void> {
    const selected = this.selected;
    if (!selected || this.state !== 'selected') return;
    const expungeNow = options.expunge && selected.pendingExpunge.size > 0;
    if (!selected.dirty && !options.force && !expungeNow) return;
    selected.dirty = false;
    let changes;
    try {
      changes = await this.mail.changesSince(selected.folderId, selected.modseq);
    } catch (error) {
      if (!(error instanceof UserError && error.code === 'NONEXISTENT')) throw error;
      // RFC 2180 §3: when another session deletes the selected folder, ending this session is
      // the one choice every client understands (Dovecot does the same).
      this.deselect();
      void this.io.bye('The selected folder was deleted by another session');
      return;
    }
    if (this.selected !== selected) return;
    selected.modseq = Math.max(selected.modseq, changes.highestModseq);

    for (const uid of changes.expunged) if (selected.seqOf(uid) > 0) selected.pendingExpunge.add(uid);
    if (options.expunge && selected.pendingExpunge.size > 0) {
      for (const seq of selected.remove([...selected.pendingExpunge])) await this.untagged(`${seq} EXPUNGE`);
    }

    const expunged = new Set(changes.expunged);
    const updates = changes.updated.filter((u) => {
      if (expunged.has(u.uid) || selected.pendingExpunge.has(u.uid)) return false;
      const own = selected.ownFlagChanges.get(u.uid);
      return own === undefined || u.modseq > own;
    });
    selected.ownFlagChanges.clear();

    const newFlags = new Set<string>();
    for (const u of updates) for (const flag of u.flags) if (!selected.knownFlags.has(flag)) newFlags.add(flag);
    if (newFlags.size > 0) await this.announceFlags(selected, newFlags);

    const added = selected.add(changes.added.filter((uid) => !expunged.has(uid)));
    if (added.length > 0) {
      if (!selected.readOnly) {
        // RFC 3501 §2.3.2: a new message is \Recent in exactly one session, the first to notice it.
        const floor = await this.mail.claimRecent(selected.folderId);
        for (const uid of added) if (uid > floor) selected.recent.add(uid);
      }
      await this.untagged(`${selected.exists} EXISTS`);
      await this.untagged(`${selected.recent.size} RECENT`);
    }

    for (const u of updates) {
      const seq = selected.seqOf(u.uid);
      if (seq === 0) continue;
      await this.untagged(`${seq} FETCH (UID ${u.uid} FLAGS ${this.flagsFor(selected, u.uid, u.flags)})`);
    }
  }

  /** RFC 3501 §7.2.6 FLAGS and §7.1 PERMANENTFLAGS, sent when a new keyword comes into use. */
  async announceFlags(selected: SelectedFolder, extra: Iterable<string>): Promise<void> {
    for (const flag of extra) selected.knownFlags.add(flag);
    await this.untagged(`FLAGS ${flagList(selected.knownFlags)}`);
    const permanent = selected.readOnly ? '()' : flagList([...selected.knownFlags, '\\*']);
    await this.untagged(`OK [PERMANENTFLAGS ${permanent}] Flags permitted`);
  }

  /** The flag list of a message as this session reports it: stored flags plus \Recent. */
  flagsFor(selected: SelectedFolder, uid: number, flags: readonly string[]): string {
    return flagList(selected.recent.has(uid) ? [...flags, '\\Recent'] : flags);
  }
}

export function initialFlags(keywords: readonly string[]): string[] {
  return [...SYSTEM_FLAGS, ...keywords];
}
