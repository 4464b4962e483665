// A raw POP3 client written for the tests (RFC 1939): commands and replies as they are on the wire,
// multi-line responses un-stuffed after ANY LF (the server stuffs after any LF, bare LF included), so
// RETR gives back the exact stored bytes. Commands can be pipelined (RFC 2449 PIPELINING).
import { WireSocket, READ_TIMEOUT_MS } from './wire-socket.ts';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/**
 * A finder for WireSocket.readUntil: the offset just past "." CRLF at a line start (offset 0 or after
 * LF), or -1 while it has not arrived. It resumes at the last line start it saw, so a large reply
 * read in many chunks is scanned once.
 */
export function multilineEndFinder(): (buffer: Buffer) => number {
  let lineStart = 0;
  return (buffer) => {
    for (;;) {
      if (buffer.length < lineStart + 3) return -1;
      if (buffer[lineStart] === DOT && buffer[lineStart + 1] === CR && buffer[lineStart + 2] === LF) return lineStart + 3;
      const lf = buffer.indexOf(LF, lineStart);
      if (lf < 0) return -1;
      lineStart = lf + 1;
    }
  };
}

/** Removes the terminating "." CRLF and one "." from every line that starts with one (any LF). */
export function unstuff(wire: Buffer): Buffer {
  const body = wire.subarray(0, wire.length - 3);
  const out: Buffer[] = [];
  let from = 0;
  let lineStart = 0;
  while (lineStart < body.length) {
    if (body[lineStart] === DOT) {
      if (body[lineStart + 1] !== DOT) {
        throw new Error(`unstuffed "." at a line start (offset ${lineStart}): the server must double it`);
      }
      out.push(body.subarray(from, lineStart));
      from = lineStart + 1;
    }
    const lf = body.indexOf(LF, lineStart);
    if (lf < 0) break;
    lineStart = lf + 1;
  }
  out.push(body.subarray(from));
  return Buffer.concat(out);
}

export class Pop3Wire {
  readonly wire: WireSocket;
  greeting = '';

  private constructor(wire: WireSocket) {
    this.wire = wire;
  }

  static async connect(port: number, ca: Buffer): Promise<Pop3Wire> {
    const client = new Pop3Wire(await WireSocket.tls(port, ca));
    client.greeting = await client.wire.readLine();
    return client;
  }

  /** A connected client already in the TRANSACTION state. */
  static async login(port: number, ca: Buffer, user: string, pass: string): Promise<Pop3Wire> {
    const client = await Pop3Wire.connect(port, ca);
    const userReply = await client.command(`USER ${user}`);
    if (!userReply.startsWith('+OK')) throw new Error(`USER: ${userReply}`);
    const passReply = await client.command(`PASS ${pass}`);
    if (!passReply.startsWith('+OK')) throw new Error(`PASS: ${passReply}`);
    return client;
  }

  send(line: string): void {
    this.wire.write(`${line}\r\n`);
  }

  readLine(timeoutMs = READ_TIMEOUT_MS): Promise<string> {
    return this.wire.readLine(timeoutMs);
  }

  /** Sends one command and returns its one-line reply. */
  async command(line: string, timeoutMs = READ_TIMEOUT_MS): Promise<string> {
    this.send(line);
    return this.readLine(timeoutMs);
  }

  /** The un-stuffed body of a multi-line response whose status line was already read. */
  async readMultilineBody(timeoutMs = READ_TIMEOUT_MS): Promise<Buffer> {
    return unstuff(await this.wire.readUntil(multilineEndFinder(), timeoutMs, 'the end of a multi-line response'));
  }

  /** Status line and, after +OK, the multi-line body split into lines (for CAPA, LIST, UIDL). */
  async multiline(line: string, timeoutMs = READ_TIMEOUT_MS): Promise<{ status: string; lines: string[] }> {
    const status = await this.command(line, timeoutMs);
    if (!status.startsWith('+OK')) return { status, lines: [] };
    const body = await this.readMultilineBody(timeoutMs);
    const text = body.toString('utf8');
    return { status, lines: text === '' ? [] : text.replace(/\r\n$/, '').split('\r\n') };
  }

  /**
   * Reads one RETR reply and returns the stored bytes. The octet count of "+OK <n> octets" tells
   * whether the CRLF before the terminator belongs to the message or was added because the message
   * does not end with CRLF (RFC 1939 §3), the one thing the wire form leaves open.
   */
  async readRetr(timeoutMs = READ_TIMEOUT_MS): Promise<{ status: string; bytes: Buffer }> {
    const status = await this.readLine(timeoutMs);
    if (!status.startsWith('+OK')) return { status, bytes: Buffer.alloc(0) };
    const body = await this.readMultilineBody(timeoutMs);
    const octets = /^\+OK (\d+) octets/.exec(status);
    if (!octets) throw new Error(`RETR status without an octet count: ${status}`);
    const size = Number(octets[1]);
    if (body.length === size) return { status, bytes: body };
    if (body.length === size + 2 && body[size] === CR && body[size + 1] === LF) return { status, bytes: body.subarray(0, size) };
    throw new Error(`RETR announced ${size} octets but sent ${body.length}`);
  }

  async retr(number: number, timeoutMs = READ_TIMEOUT_MS): Promise<Buffer> {
    this.send(`RETR ${number}`);
    const { status, bytes } = await this.readRetr(timeoutMs);
    if (!status.startsWith('+OK')) throw new Error(`RETR ${number}: ${status}`);
    return bytes;
  }

  async quit(): Promise<string> {
    const reply = await this.command('QUIT');
    await this.wire.waitClosed().catch(() => {});
    this.wire.destroy();
    return reply;
  }

  destroy(): void {
    this.wire.destroy();
  }
}

/**
 * Logs in, lists the maildrop with UIDL and retrieves every message with pipelined RETR commands
 * (RFC 2449 PIPELINING). Returns the stored bytes by IMAP UID (our UIDL is "<uid>.<uidvalidity>").
 */
export async function retrieveAll(port: number, ca: Buffer, user: string, pass: string, timeoutMs = 60_000): Promise<Map<number, Buffer>> {
  const client = await Pop3Wire.login(port, ca, user, pass);
  try {
    const { status, lines } = await client.multiline('UIDL');
    if (!status.startsWith('+OK')) throw new Error(`UIDL: ${status}`);
    const listing = lines.map((line) => {
      const [number, uniqueId] = line.split(' ');
      return { number: Number(number), uid: Number(uniqueId!.split('.')[0]) };
    });
    client.wire.write(listing.map((m) => `RETR ${m.number}\r\n`).join(''));
    const result = new Map<number, Buffer>();
    for (const { number, uid } of listing) {
      const { status: retrStatus, bytes } = await client.readRetr(timeoutMs);
      if (!retrStatus.startsWith('+OK')) throw new Error(`RETR ${number}: ${retrStatus}`);
      result.set(uid, bytes);
    }
    await client.quit();
    return result;
  } finally {
    client.destroy();
  }
}
