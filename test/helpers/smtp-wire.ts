// A raw SMTP client written for the tests: exact reply codes and texts, STARTTLS, AUTH PLAIN, and
// the ability to stop half-way (mid-DATA disconnects). Real-client coverage comes from nodemailer,
// python's smtplib and curl; this one is for the error paths those hide.
import { WireSocket, READ_TIMEOUT_MS } from './wire-socket.ts';

export interface SmtpReply {
  code: number;
  lines: string[];
  /** All lines joined, without the codes. */
  text: string;
}

export class SmtpWire {
  readonly wire: WireSocket;
  greeting: SmtpReply | null = null;

  private constructor(wire: WireSocket) {
    this.wire = wire;
  }

  /** Implicit TLS (the smtps port). */
  static async tls(port: number, ca: Buffer): Promise<SmtpWire> {
    const client = new SmtpWire(await WireSocket.tls(port, ca));
    client.greeting = await client.reply();
    return client;
  }

  /** Plain TCP (the submission port, before STARTTLS). */
  static async plain(port: number): Promise<SmtpWire> {
    const client = new SmtpWire(await WireSocket.plain(port));
    client.greeting = await client.reply();
    return client;
  }

  /** Implicit TLS, EHLO and AUTH PLAIN; throws unless the login succeeds. */
  static async login(port: number, ca: Buffer, user: string, pass: string): Promise<SmtpWire> {
    const client = await SmtpWire.tls(port, ca);
    await client.expect(`EHLO client.test`, 250);
    await client.expect(`AUTH PLAIN ${authPlain(user, pass)}`, 235);
    return client;
  }

  /** One reply, multi-line replies (RFC 5321 §4.2.1 "250-…") included. */
  async reply(timeoutMs = READ_TIMEOUT_MS): Promise<SmtpReply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.wire.readLine(timeoutMs);
      lines.push(line);
      if (!/^\d{3}-/.test(line)) break;
    }
    const code = Number(lines[lines.length - 1]!.slice(0, 3));
    return { code, lines, text: lines.map((l) => l.slice(4)).join('\n') };
  }

  async command(line: string, timeoutMs = READ_TIMEOUT_MS): Promise<SmtpReply> {
    this.wire.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** Sends a command and throws unless the reply has the expected code. */
  async expect(line: string, code: number, timeoutMs = READ_TIMEOUT_MS): Promise<SmtpReply> {
    const reply = await this.command(line, timeoutMs);
    if (reply.code !== code) throw new Error(`${line.split(' ')[0]}: expected ${code}, got ${reply.lines.join(' | ')}`);
    return reply;
  }

  async startTls(ca: Buffer): Promise<void> {
    await this.expect('STARTTLS', 220);
    await this.wire.startTls(ca);
  }

  /** DATA, then the message dot-stuffed and terminated; returns the final reply. */
  async data(message: Buffer, timeoutMs = READ_TIMEOUT_MS): Promise<SmtpReply> {
    const go = await this.command('DATA', timeoutMs);
    if (go.code !== 354) return go;
    this.wire.write(dotStuff(message));
    return this.reply(timeoutMs);
  }

  write(data: string | Buffer): void {
    this.wire.write(data);
  }

  destroy(): void {
    this.wire.destroy();
  }
}

export function authPlain(user: string, pass: string): string {
  return Buffer.from(`\u0000${user}\u0000${pass}`, 'utf8').toString('base64');
}

/** RFC 5321 §4.5.2 transparency plus the end-of-data marker; `message` must use CRLF. */
export function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  const ending = text.endsWith('\r\n') || text.length === 0 ? '.\r\n' : '\r\n.\r\n';
  return Buffer.from(stuffed + ending, 'latin1');
}
