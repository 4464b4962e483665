// Pulls lines and literals off a byte stream with bounded memory: the socket is paused while more
// than `highWaterMark` bytes wait unread, so a client can never make us buffer unbounded input.
import type { Readable } from 'node:stream';
import { ConnectionClosedError } from './errors.ts';

export class LineTooLongError extends Error {
  constructor() {
    super('Line too long');
    this.name = 'LineTooLongError';
  }
}

const LF = 0x0a;
const CR = 0x0d;

export class InputReader {
  private pending: Buffer = Buffer.alloc(0);
  /** How far `pending` is known to hold no LF, so a slowly dripped line is not rescanned. */
  private scanned = 0;
  private ended = false;
  private wake: (() => void) | null = null;
  private readonly stream: Readable;
  private readonly highWaterMark: number;

  constructor(stream: Readable, highWaterMark = 256 * 1024) {
    this.stream = stream;
    this.highWaterMark = highWaterMark;
    stream.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      if (this.pending.length >= this.highWaterMark) stream.pause();
      this.notify();
    });
    const finish = (): void => {
      this.ended = true;
      this.notify();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Bytes already received and not yet consumed (for tests and pipelining decisions). */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Reads one line without its line ending. CRLF is the IMAP line end (RFC 3501 §2.2); a bare LF
   * is accepted too since some clients and test tools send it. */
  async readLine(maxBytes: number): Promise<Buffer> {
    for (;;) {
      const lf = this.pending.indexOf(LF, this.scanned);
      if (lf >= 0) {
        const end = lf > 0 && this.pending[lf - 1] === CR ? lf - 1 : lf;
        if (end > maxBytes) throw new LineTooLongError();
        const line = this.pending.subarray(0, end);
        this.consume(lf + 1);
        return Buffer.from(line);
      }
      this.scanned = this.pending.length;
      if (this.pending.length > maxBytes + 1) throw new LineTooLongError();
      await this.waitForData();
    }
  }

  /** Reads exactly `length` bytes (a literal's data). */
  async readBytes(length: number): Promise<Buffer> {
    const pieces: Buffer[] = [];
    let missing = length;
    while (missing > 0) {
      if (this.pending.length === 0) await this.waitForData();
      const take = Math.min(missing, this.pending.length);
      pieces.push(Buffer.from(this.pending.subarray(0, take)));
      this.consume(take);
      missing -= take;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
  }

  /** Reads between 1 and `max` bytes: whatever has arrived, so a big literal can be passed on in
   * pieces instead of being collected. */
  async readSome(max: number): Promise<Buffer> {
    if (this.pending.length === 0) await this.waitForData();
    const take = Math.min(max, this.pending.length);
    const piece = Buffer.from(this.pending.subarray(0, take));
    this.consume(take);
    return piece;
  }

  /** Skips `length` bytes without keeping them. */
  async discard(length: number): Promise<void> {
    let missing = length;
    while (missing > 0) {
      if (this.pending.length === 0) await this.waitForData();
      const take = Math.min(missing, this.pending.length);
      this.consume(take);
      missing -= take;
    }
  }

  private consume(count: number): void {
    this.pending = this.pending.subarray(count);
    this.scanned = 0;
    if (this.pending.length === 0) this.pending = Buffer.alloc(0);
    if (this.pending.length < this.highWaterMark && this.stream.isPaused() && !this.ended) this.stream.resume();
  }

  private async waitForData(): Promise<void> {
    if (this.ended) throw new ConnectionClosedError();
    if (this.stream.isPaused()) this.stream.resume();
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    if (this.pending.length === 0 && this.ended) throw new ConnectionClosedError();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
