// A minimal IMAP client for measuring: sends one tagged command and reads until its tagged
// completion, counting bytes and untagged responses. The same code talks to Zorgpost and Dovecot
// over the same TLS settings, so the client's share of every figure is the same for both; it does
// as little as possible per line (no decoding unless asked), so that share is also small.
import { connect, type TLSSocket } from 'node:tls';

export interface TlsTarget {
  port: number;
  ca: Buffer;
  /** Name the certificate is checked against. */
  servername: string;
}

export interface CommandResult {
  status: string;
  text: string;
  ms: number;
  bytes: number;
  /** Untagged ("* ") responses received. */
  untagged: number;
  /** The untagged responses themselves, only when asked for. */
  lines: string[];
}

interface Pending {
  tag: Buffer;
  started: number;
  bytes: number;
  untagged: number;
  collect: boolean;
  lines: string[];
  resolve: (result: CommandResult) => void;
  reject: (error: Error) => void;
}

const CR = 13;
const LF = 10;
const STAR = 42;

export class ImapClient {
  readonly socket: TLSSocket;
  private partial: Buffer | null = null;
  private literalLeft = 0;
  /** False while the line being read continues a response after a literal. */
  private atResponseStart = true;
  private pending: Pending | null = null;
  private greeting: ((line: string) => void) | null = null;
  private counter = 0;
  private failure: Error | null = null;

  private constructor(socket: TLSSocket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Connects with TLS 1.3 only and waits for the greeting. */
  static async connect(target: TlsTarget): Promise<ImapClient> {
    const socket = connect({
      host: '127.0.0.1',
      port: target.port,
      servername: target.servername,
      ca: target.ca,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
    });
    const client = new ImapClient(socket);
    const greeting = await new Promise<string>((resolve, reject) => {
      client.greeting = resolve;
      socket.once('error', reject);
    });
    if (!greeting.startsWith('* OK')) throw new Error(`unexpected greeting: ${greeting}`);
    return client;
  }

  /** TLS version and cipher negotiated, for the report. */
  get cipher(): string {
    return `${this.socket.getProtocol() ?? '?'} ${this.socket.getCipher().name}`;
  }

  async login(user: string, password: string): Promise<void> {
    const result = await this.command(`LOGIN ${quote(user)} ${quote(password)}`);
    if (result.status !== 'OK') throw new Error(`LOGIN failed: ${result.status} ${result.text}`);
  }

  /** Sends `text` with a fresh tag; resolves on the tagged response (any status). */
  command(text: string, options: { collect?: boolean } = {}): Promise<CommandResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('one command at a time'));
    const tag = `b${++this.counter}`;
    return new Promise((resolve, reject) => {
      this.pending = {
        tag: Buffer.from(`${tag} `),
        started: 0,
        bytes: 0,
        untagged: 0,
        collect: options.collect ?? false,
        lines: [],
        resolve,
        reject,
      };
      // The clock starts as the command is handed to TLS, so connection setup is never counted.
      this.pending.started = performance.now();
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  async close(): Promise<void> {
    if (!this.failure) await this.command('LOGOUT').catch(() => {});
    this.socket.destroy();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.pending?.reject(error);
    this.pending = null;
  }

  private onData(chunk: Buffer): void {
    if (this.pending) this.pending.bytes += chunk.length;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos);
        this.literalLeft -= take;
        pos += take;
        continue;
      }
      const end = chunk.indexOf(LF, pos);
      if (end < 0) {
        const rest = chunk.subarray(pos);
        this.partial = this.partial ? Buffer.concat([this.partial, rest]) : Buffer.from(rest);
        return;
      }
      let line = chunk.subarray(pos, end + 1);
      if (this.partial) {
        line = Buffer.concat([this.partial, line]);
        this.partial = null;
      }
      pos = end + 1;
      this.onLine(line);
    }
  }

  private onLine(line: Buffer): void {
    const startsResponse = this.atResponseStart;
    // RFC 3501 §4.3: a line ending in {n} (or {n+}) is followed by n bytes of literal, after which
    // the same response continues.
    const literal = literalSize(line);
    this.literalLeft = literal;
    this.atResponseStart = literal === 0;
    if (!startsResponse) return;
    if (this.greeting) {
      const greet = this.greeting;
      this.greeting = null;
      greet(line.toString('utf8').trimEnd());
      return;
    }
    const pending = this.pending;
    if (!pending) return;
    if (line[0] === STAR) {
      pending.untagged++;
      if (pending.collect) pending.lines.push(line.toString('utf8').trimEnd());
      return;
    }
    if (line.length > pending.tag.length && line.subarray(0, pending.tag.length).equals(pending.tag)) {
      const ms = performance.now() - pending.started;
      const rest = line.subarray(pending.tag.length).toString('utf8').trimEnd();
      const space = rest.indexOf(' ');
      this.pending = null;
      pending.resolve({
        status: space < 0 ? rest : rest.slice(0, space),
        text: space < 0 ? '' : rest.slice(space + 1),
        ms,
        bytes: pending.bytes,
        untagged: pending.untagged,
        lines: pending.lines,
      });
    }
  }
}

function literalSize(line: Buffer): number {
  let i = line.length - 1;
  if (line[i] === LF) i--;
  if (line[i] === CR) i--;
  if (line[i] !== 0x7d /* } */) return 0;
  const open = line.lastIndexOf(0x7b /* { */, i);
  if (open < 0) return 0;
  const digits = line
    .subarray(open + 1, i)
    .toString('latin1')
    .replace(/\+$/, '');
  return /^\d+$/.test(digits) ? Number(digits) : 0;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
