// One LDAP client connection: who is bound, which searches are running (so abandon can stop them),
// and writes that wait for the socket to drain, so a slow reader of a big result holds one page in
// memory, not the whole answer.
import type { Duplex } from 'node:stream';
import type { Mailbox } from '../identity/types.ts';

export class LdapConnection {
  readonly socket: Duplex;
  readonly remoteAddress: string;
  mailbox: Mailbox | null = null;
  keyId: number | null = null;
  /** Running operations by message id (RFC 4511 §4.11: abandon names one of them). */
  readonly running = new Map<number, AbortController>();
  closed = false;
  /** One wait for 'drain' shared by every writer: up to MAX_IN_FLIGHT searches and the busy answers
   * may wait at once, and a listener pair each would trip Node's MaxListenersExceededWarning. */
  #drained: Promise<void> | null = null;
  #queued: Buffer[] = [];
  #queuedBytes = 0;

  constructor(socket: Duplex, remoteAddress: string) {
    this.socket = socket;
    this.remoteAddress = remoteAddress;
  }

  /** Writes one encoded PDU (after any queued ones); resolves when the socket can take more. */
  async send(pdu: Buffer): Promise<void> {
    this.queue(pdu);
    await this.flush();
  }

  /** Holds a PDU back to go out with the next ones: a page of search entries leaves in a few TLS
   * records instead of one record and one packet per entry. */
  queue(pdu: Buffer): void {
    this.#queued.push(pdu);
    this.#queuedBytes += pdu.length;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  async flush(): Promise<void> {
    if (!this.#queued.length) return;
    const data = this.#queued.length === 1 ? this.#queued[0]! : Buffer.concat(this.#queued, this.#queuedBytes);
    this.#queued = [];
    this.#queuedBytes = 0;
    if (this.closed || this.socket.destroyed) return;
    if (this.socket.write(data)) return;
    this.#drained ??= new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.#drained = null;
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
    await this.#drained;
  }

  /** Anonymous again: a failed bind drops the earlier authentication (RFC 4511 §4.2.1). */
  unbind(): void {
    this.mailbox = null;
    this.keyId = null;
  }

  close(): void {
    this.closed = true;
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    // end() lets the last PDU (a notice of disconnection) reach the client; a client that never
    // reads it must not keep the socket.
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }
}
