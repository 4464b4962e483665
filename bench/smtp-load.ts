// A lean SMTPS load generator for benchmarks, in the spirit of Postfix's smtp-source: the client
// shares this machine's two cores with the server, so it should cost as little as possible. It
// logs in once per connection, pipelines MAIL/RCPT/DATA (RFC 2920) and sends message bytes that
// were dot-stuffed (RFC 5321 §4.5.2) once, up front. Every reply is checked; anything but the
// expected code fails the run.
import { connect, type TLSSocket } from 'node:tls';

export interface SmtpLoadOptions {
  port: number;
  ca: Buffer;
  servername: string;
  user: string;
  pass: string;
}

export class LeanSmtpConnection {
  readonly #socket: TLSSocket;
  #buffer = '';
  #lines: string[] = [];
  #waiting: (() => void) | null = null;
  #failure: Error | null = null;

  private constructor(socket: TLSSocket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      this.#buffer += text;
      let end: number;
      while ((end = this.#buffer.indexOf('\r\n')) >= 0) {
        this.#lines.push(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 2);
      }
      this.#wake();
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      this.#wake();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static async open(options: SmtpLoadOptions): Promise<LeanSmtpConnection> {
    const socket = connect({ host: '127.0.0.1', port: options.port, ca: options.ca, servername: options.servername });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const connection = new LeanSmtpConnection(socket);
    await connection.#expect(220);
    socket.write('EHLO bench.localhost\r\n');
    await connection.#expect(250);
    socket.write(`AUTH PLAIN ${Buffer.from(`\0${options.user}\0${options.pass}`).toString('base64')}\r\n`);
    await connection.#expect(235);
    return connection;
  }

  /** Sends one message; its parts together must already be dot-stuffed and end in CRLF. */
  async send(from: string, to: string, parts: readonly Buffer[]): Promise<void> {
    this.#socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
    await this.#expect(250);
    await this.#expect(250);
    await this.#expect(354);
    for (const part of parts) this.#socket.write(part);
    this.#socket.write('.\r\n');
    await this.#expect(250);
  }

  close(): void {
    this.#socket.end('QUIT\r\n');
  }

  /** Waits for one whole (possibly multi-line) reply with the given code. */
  async #expect(code: number): Promise<void> {
    const reply: string[] = [];
    for (;;) {
      while (!this.#lines.length) {
        if (this.#failure) throw this.#failure;
        await new Promise<void>((resolve) => (this.#waiting = resolve));
      }
      const line = this.#lines.shift()!;
      reply.push(line);
      if (line[3] !== '-') break;
    }
    if (!reply.at(-1)!.startsWith(String(code))) throw new Error(`expected ${code}, the server said: ${reply.join(' | ')}`);
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }
}

/** RFC 5321 §4.5.2: a line that starts with "." gets one more; the result ends in CRLF. */
export function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/\r?\n/g, '\r\n');
  const stuffed = (text.startsWith('.') ? '.' : '') + text.replace(/\r\n\./g, '\r\n..');
  return Buffer.from(stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`, 'latin1');
}
