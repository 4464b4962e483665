// A minimal IMAP test client: sends raw bytes and reads logical responses (a response line with any
// literals it announces inlined), so transcript tests can compare exactly what the server sent.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class TestClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private ended = false;
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    const end = (): void => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  static async open(port: number, options: { tls?: boolean; ca?: Buffer } = {}): Promise<TestClient> {
    const socket = options.tls
      ? tlsConnect({ port, host: '127.0.0.1', ca: options.ca, servername: 'localhost' })
      : connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  get closed(): boolean {
    return this.ended && this.buffer.length === 0;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async more(timeoutMs: number): Promise<void> {
    if (this.ended) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.toString('latin1'))}`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout waiting for server; have ${JSON.stringify(this.buffer.toString('latin1').slice(0, 300))}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** One logical response: a line (without CRLF) with literal data inlined as "{n}\r\n<data>". */
  async readResponse(timeoutMs = 5000): Promise<string> {
    let text = '';
    for (;;) {
      let lf = this.buffer.indexOf(0x0a);
      while (lf < 0) {
        await this.more(timeoutMs);
        lf = this.buffer.indexOf(0x0a);
      }
      const line = this.buffer.toString('latin1', 0, lf > 0 && this.buffer[lf - 1] === 0x0d ? lf - 1 : lf);
      this.buffer = this.buffer.subarray(lf + 1);
      text += line;
      const literal = /\{(\d+)\}$/.exec(line);
      if (!literal) return text;
      const size = Number(literal[1]);
      while (this.buffer.length < size) await this.more(timeoutMs);
      text += `\r\n${this.buffer.toString('latin1', 0, size)}`;
      this.buffer = this.buffer.subarray(size);
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends "tag command" and collects responses up to and including the tagged one. */
  async command(tag: string, command: string, timeoutMs = 5000): Promise<{ untagged: string[]; tagged: string; all: string[] }> {
    this.write(`${tag} ${command}\r\n`);
    return this.until(tag, timeoutMs);
  }

  async until(tag: string, timeoutMs = 5000): Promise<{ untagged: string[]; tagged: string; all: string[] }> {
    const all: string[] = [];
    for (;;) {
      const response = await this.readResponse(timeoutMs);
      all.push(response);
      if (response.startsWith(`${tag} `)) return { untagged: all.slice(0, -1), tagged: response, all };
    }
  }

  /** Resolves once the server has closed the connection, with everything it sent until then. */
  async waitClosed(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('server did not close the connection');
      await this.more(deadline - Date.now()).catch(() => undefined);
    }
    return this.buffer.toString('latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}
