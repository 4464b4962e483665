// Message bytes live apart from the database, in a blob store. Encryption at rest (a later layer)
// wraps this interface; the file implementation below is the embedded default. A blob is written
// straight to its final name (no temporary name and rename: that would cost a second journal
// commit per message); nothing refers to it until the caller commits its id, and a failed write
// removes it.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../errors.ts';
import { syncDirectory } from './durable-file.ts';
import type { DurableWriter } from './durable-writer.ts';

export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** Stores the bytes durably (synced to disk) before resolving. A failing source leaves nothing. */
  write(source: AsyncIterable<Buffer>, options?: { maxBytes?: number }): Promise<{ id: string; size: number }>;
  read(id: string, range?: ByteRange): Promise<Buffer>;
  /** Resolves once the blob is open: a reply can be committed to before streaming it, even if the
   * blob is deleted meanwhile. Rejects when the blob does not exist. */
  open(id: string, range?: ByteRange): Promise<Readable>;
  delete(id: string): Promise<void>;
}

export class FileBlobStore implements BlobStore {
  readonly #root: string;
  readonly #knownDirs = new Set<string>();
  readonly #writer: DurableWriter;

  constructor(root: string, writer: DurableWriter) {
    this.#root = root;
    this.#writer = writer;
  }

  #path(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`invalid blob id ${id}`);
    return join(this.#root, id.slice(0, 2), id.slice(2, 4), id);
  }

  async #ensureDir(dir: string): Promise<void> {
    if (this.#knownDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#knownDirs.add(dir);
  }

  async write(source: AsyncIterable<Buffer>, options: { maxBytes?: number } = {}) {
    const id = randomBytes(16).toString('hex');
    const path = this.#path(id);
    const dir = dirname(path);
    const chunks = source[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let size = 0;
    const count = async (chunk: Buffer) => {
      size += chunk.length;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        await chunks.return?.();
        throw new UserError('TOOBIG', `Message exceeds the size limit of ${options.maxBytes} bytes`);
      }
    };
    // Most messages fit in memory: gathered, they are written in one round trip to a writer thread.
    while (size < WHOLE_WRITE_BYTES) {
      const next = await chunks.next();
      if (next.done) {
        await this.#writer.write(path, head, { makeDirectory: !this.#knownDirs.has(dir) });
        this.#knownDirs.add(dir);
        return { id, size };
      }
      await count(next.value);
      head.push(next.value);
    }
    // A large one streams to the file, written in batches as the chunks arrive.
    await this.#ensureDir(dir);
    const file = await open(path, 'wx', 0o600);
    let pending = head;
    let pendingBytes = size;
    const flush = async () => {
      let buffers = pending;
      let remaining = pendingBytes;
      pending = [];
      pendingBytes = 0;
      // A regular file takes the whole write at once, but a short write is not lost either.
      while (remaining > 0) {
        const { bytesWritten } = await file.writev(buffers);
        remaining -= bytesWritten;
        if (remaining > 0) {
          const all = Buffer.concat(buffers);
          buffers = [all.subarray(all.length - remaining)];
        }
      }
    };
    try {
      await flush();
      for await (const chunk of { [Symbol.asyncIterator]: () => chunks }) {
        await count(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= WHOLE_WRITE_BYTES) await flush();
      }
      await flush();
      await file.sync();
    } catch (error) {
      await file.close().catch(() => {});
      await rm(path, { force: true });
      throw error;
    }
    await file.close();
    await syncDirectory(dir);
    return { id, size };
  }

  async read(id: string, range?: ByteRange): Promise<Buffer> {
    const file = await open(this.#path(id), 'r');
    try {
      if (!range) return await file.readFile();
      const length = Math.max(0, range.end - range.start);
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(buffer, filled, length - filled, range.start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await file.close();
    }
  }

  async open(id: string, range?: ByteRange): Promise<Readable> {
    const file = await open(this.#path(id), 'r');
    if (range && range.end <= range.start) {
      await file.close();
      return Readable.from([]);
    }
    const window = range ? { start: range.start, end: range.end - 1 } : {};
    return file.createReadStream({ ...window, highWaterMark: 256 * 1024, autoClose: true });
  }

  async delete(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
  }
}

/** Messages up to this size are written whole; larger ones stream, in writes of this size. */
const WHOLE_WRITE_BYTES = 1024 * 1024;
