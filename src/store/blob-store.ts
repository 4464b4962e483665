// Message bytes live apart from the database, in a blob store. Encryption at rest (a later layer)
// wraps this interface; the file implementation below is the embedded default.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../errors.ts';
import { syncDirectory } from './durable-file.ts';

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

  constructor(root: string) {
    this.#root = root;
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
    const tmpDir = join(this.#root, 'tmp');
    await this.#ensureDir(tmpDir);
    const tmp = join(tmpDir, `${id}.part`);
    const file = await open(tmp, 'wx', 0o600);
    let size = 0;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (options.maxBytes !== undefined && size > options.maxBytes) {
          throw new UserError('TOOBIG', `Message exceeds the size limit of ${options.maxBytes} bytes`);
        }
        await file.write(chunk);
      }
      await file.sync();
    } catch (error) {
      await file.close().catch(() => {});
      await rm(tmp, { force: true });
      throw error;
    }
    await file.close();
    const path = this.#path(id);
    await this.#ensureDir(dirname(path));
    await rename(tmp, path);
    await syncDirectory(dirname(path));
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

  /** Removes what writes cut short by a crash left behind. Only files older than a few minutes go:
   * another process (the CLI) may be writing right now. */
  async removeUnfinished(): Promise<number> {
    const tmpDir = join(this.#root, 'tmp');
    const cutoff = Date.now() - UNFINISHED_AGE_MS;
    let removed = 0;
    for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
      const path = join(tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

const UNFINISHED_AGE_MS = 10 * 60 * 1000;
