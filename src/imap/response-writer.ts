// Buffers small responses and writes them to the socket with backpressure: when the socket's buffer
// is full, writers wait for 'drain', so a FETCH over 50,000 messages never sits in memory at once.
import type { Duplex, Readable } from 'node:stream';
import { ConnectionClosedError, LiteralAbortedError } from './errors.ts';

const FLUSH_AT = 64 * 1024;

export class ResponseWriter {
  private readonly socket: Duplex;
  private pieces: Buffer[] = [];
  private size = 0;
  private closed = false;

  constructor(socket: Duplex) {
    this.socket = socket;
    socket.once('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed || this.socket.destroyed || this.socket.writableEnded;
  }

  /** Queues bytes; resolves at once unless the queue had to be flushed into a full socket. */
  write(data: string | Buffer): Promise<void> | void {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.pieces.push(buffer);
    this.size += buffer.length;
    if (this.size >= FLUSH_AT) return this.flush();
  }

  /** Writes one response line (CRLF appended). */
  line(text: string): Promise<void> | void {
    return this.write(`${text}\r\n`);
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.size);
    this.pieces = [];
    this.size = 0;
    await this.writeToSocket(data);
  }

  /** Copies a stream (a message body literal) to the socket, honouring backpressure. Exactly
   * `length` bytes are written: a literal's announced size is a promise to the client. */
  async pipe(stream: Readable, length: number): Promise<void> {
    await this.flush();
    let written = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const piece = written + chunk.length > length ? chunk.subarray(0, length - written) : chunk;
        written += piece.length;
        await this.writeToSocket(piece);
        if (written >= length) break;
      }
    } catch (error) {
      if (error instanceof ConnectionClosedError) throw error;
      this.socket.destroy();
      throw new LiteralAbortedError(`Body stream failed after ${written} of ${length} bytes`, { cause: error });
    } finally {
      stream.destroy();
    }
    if (written < length) {
      // Nothing can complete a literal whose size was announced: the stream to the client is
      // broken and the connection has to go.
      this.socket.destroy();
      throw new LiteralAbortedError(`Body stream ended after ${written} of ${length} bytes`);
    }
  }

  private async writeToSocket(data: Buffer): Promise<void> {
    if (this.isClosed) throw new ConnectionClosedError();
    if (this.socket.write(data)) return;
    // Listeners are removed again on either outcome: a long FETCH waits for 'drain' thousands of
    // times and must not pile up 'close' listeners.
    const socket = this.socket;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onClose = (): void => {
        cleanup();
        reject(new ConnectionClosedError());
      };
      const cleanup = (): void => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
      };
      socket.on('drain', onDrain);
      socket.on('close', onClose);
    });
  }
}
