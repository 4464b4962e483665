// One POP3 connection (RFC 1939): states, the maildrop snapshot taken at login, and the replies.
import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Authenticator, Mailbox } from '../identity/types.ts';
import type { MailService } from '../mail/types.ts';
import { DotStuffer } from './dot-stuffing.ts';

export type Pop3State = 'authorization' | 'transaction' | 'update';

export interface Pop3Context {
  mail: MailService;
  auth: Authenticator;
  logger: Logger;
  hostname: string;
  /** Mailboxes with an open POP3 transaction (RFC 1939 §4: the maildrop is locked). */
  locks: Set<number>;
}

export interface MaildropEntry {
  uid: number;
  size: number;
  bodyId: number;
  deleted: boolean;
}

export class Pop3Session {
  state: Pop3State = 'authorization';
  /** Name given with USER, waiting for PASS. */
  pendingUser: string | null = null;
  /** Set while an AUTH exchange waits for the client's next line. */
  saslContinuation: ((line: string) => Promise<void>) | null = null;
  mailbox: Mailbox | null = null;
  keyId: number | null = null;
  folderId = 0;
  uidValidity = 0;
  maildrop: MaildropEntry[] = [];
  readonly retrieved = new Set<number>();
  readonly context: Pop3Context;
  readonly remoteAddress: string;
  readonly #socket: Duplex;

  constructor(socket: Duplex, context: Pop3Context, remoteAddress: string) {
    this.#socket = socket;
    this.context = context;
    this.remoteAddress = remoteAddress;
  }

  ok(text = ''): Promise<void> {
    return this.send(text ? `+OK ${text}` : '+OK');
  }

  err(text: string): Promise<void> {
    return this.send(`-ERR ${text}`);
  }

  send(line: string): Promise<void> {
    return this.#write(`${line}\r\n`);
  }

  /** A multi-line response body (RFC 1939 §3): dot-stuffed and terminated on the way out. */
  async sendMultiline(body: Readable): Promise<void> {
    // Written chunk by chunk rather than piped into the socket: a pipeline into a socket that stays
    // open would leave its listeners on the socket after every reply.
    await pipeline(body, new DotStuffer(), async (stuffed: AsyncIterable<Buffer>) => {
      for await (const chunk of stuffed) await this.#write(chunk);
    });
  }

  /** The message with this RFC 1939 message number, unless it is unknown or marked deleted. */
  message(number: number): MaildropEntry | null {
    const entry = this.maildrop[number - 1];
    return entry && !entry.deleted ? entry : null;
  }

  uniqueId(entry: MaildropEntry): string {
    // RFC 1939 §7 UIDL: stable across sessions, 1–70 characters in 0x21–0x7E.
    return `${entry.uid}.${this.uidValidity}`;
  }

  releaseLock(): void {
    if (this.mailbox && this.state === 'transaction') this.context.locks.delete(this.mailbox.id);
  }

  end(): void {
    this.#socket.end();
  }

  #write(text: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed || !this.#socket.writable) return resolve();
      if (this.#socket.write(text)) return resolve();
      const done = () => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.once('drain', done);
      this.#socket.once('close', done);
    });
  }
}
