// A byte-exact client socket for protocol transcripts: everything received is buffered, and a test
// reads lines or raw bytes from it with a timeout. Used by the raw POP3 and SMTP clients.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export const READ_TIMEOUT_MS = 10_000;

export class WireSocket {
  socket: Socket | TLSSocket;
  // Received bytes live in #storage[#start, #end); the storage grows by doubling, so reading a large
  // reply in many chunks stays linear.
  #storage: Buffer = Buffer.alloc(64 * 1024);
  #start = 0;
  #end = 0;
  #waiter: (() => void) | null = null;
  #closed = false;
  #error: Error | null = null;
  #markClosed: () => void = () => {};
  readonly closedPromise: Promise<void>;

  constructor(socket: Socket | TLSSocket) {
    this.socket = socket;
    this.closedPromise = new Promise((resolve) => (this.#markClosed = resolve));
    this.#attach(socket);
  }

  #attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.#append(chunk);
      this.#wake();
    });
    socket.on('error', (error) => {
      this.#error = error;
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#markClosed();
      this.#wake();
    });
  }

  static async tls(port: number, ca: Buffer, host = '127.0.0.1'): Promise<WireSocket> {
    const socket = tlsConnect({ host, port, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    return new WireSocket(socket);
  }

  static async plain(port: number, host = '127.0.0.1'): Promise<WireSocket> {
    const socket = netConnect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new WireSocket(socket);
  }

  /** Upgrades a plain connection (after STARTTLS was accepted). Buffered bytes must be empty. */
  async startTls(ca: Buffer): Promise<void> {
    if (this.#end > this.#start) throw new Error('unread bytes before TLS upgrade');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = tlsConnect({ socket: plain, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.#attach(secure);
  }

  #append(chunk: Buffer): void {
    if (this.#end + chunk.length > this.#storage.length) {
      const live = this.#end - this.#start;
      const target = live + chunk.length > this.#storage.length / 2 ? Math.max(this.#storage.length * 2, live + chunk.length) : this.#storage.length;
      const next = target === this.#storage.length ? this.#storage : Buffer.alloc(target);
      this.#storage.copy(next, 0, this.#start, this.#end);
      this.#storage = next;
      this.#start = 0;
      this.#end = live;
    }
    chunk.copy(this.#storage, this.#end);
    this.#end += chunk.length;
  }

  /** The unread bytes (a view: valid until the next read). */
  get #buffer(): Buffer {
    return this.#storage.subarray(this.#start, this.#end);
  }

  /** Removes and returns (a copy of) the first `length` unread bytes. */
  #take(length: number): Buffer {
    const data = Buffer.from(this.#storage.subarray(this.#start, this.#start + length));
    this.#start += length;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return data;
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  async #waitForData(deadline: number, what: string): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#closed) throw new Error(`connection closed while waiting for ${what}`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`timed out waiting for ${what}; ${this.#end - this.#start} bytes buffered, starting ${JSON.stringify(this.#buffer.subarray(0, 200).toString('latin1'))}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, remaining);
      this.#waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The next line without its CRLF (or bare LF). */
  async readLine(timeoutMs = READ_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const buffer = this.#buffer;
      const lf = buffer.indexOf(0x0a);
      if (lf >= 0) {
        const line = this.#take(lf + 1);
        return line.subarray(0, lf > 0 && line[lf - 1] === 0x0d ? lf - 1 : lf).toString('utf8');
      }
      await this.#waitForData(deadline, 'a line');
    }
  }

  /**
   * Reads until `find(buffer)` returns an end offset, then removes and returns buffer[0, end).
   * `find` sees everything unread so far (the same start each call, more bytes each time) and
   * returns -1 while the end is not there yet; it may keep state to resume where it stopped.
   */
  async readUntil(find: (buffer: Buffer) => number, timeoutMs = READ_TIMEOUT_MS, what = 'data'): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = find(this.#buffer);
      if (end >= 0) return this.#take(end);
      await this.#waitForData(deadline, what);
    }
  }

  /** Resolves once the server has closed the connection; rejects after `timeoutMs`. */
  async waitClosed(timeoutMs = READ_TIMEOUT_MS): Promise<void> {
    if (this.#closed) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closedPromise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Everything received and not yet read. */
  takeBuffered(): Buffer {
    return this.#take(this.#end - this.#start);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One IMAP LOGIN on a fresh TLS connection; resolves with the tagged reply line. */
export async function imapLoginReply(port: number, ca: Buffer, user: string, pass: string): Promise<string> {
  const wire = await WireSocket.tls(port, ca);
  try {
    await wire.readLine();
    wire.write(`a1 LOGIN ${user} ${pass}\r\n`);
    for (;;) {
      const line = await wire.readLine();
      if (line.startsWith('a1 ')) return line;
    }
  } finally {
    wire.destroy();
  }
}
