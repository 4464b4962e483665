// Durable writes of whole files on dedicated worker threads. Writing a new file durably takes
// several system calls (create, write, fsync, close, fsync of the directory); through fs/promises
// each is a separate trip to libuv's small thread pool, where under load it queues behind every
// other file operation and fsync, so one message's write took ~20 ms of waiting for ~2 ms of work.
// Here the whole sequence runs synchronously on a writer thread: one round trip per file.
import { Worker } from 'node:worker_threads';

/** The writer thread. Plain JavaScript (run with `eval`): a worker does not inherit the TypeScript
 * loader of the main thread. */
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');

function writeAll(fd, buffers) {
  let pending = buffers.filter((b) => b.length > 0);
  while (pending.length) {
    let written = fs.writevSync(fd, pending);
    while (pending.length && written >= pending[0].length) written -= pending.shift().length;
    if (pending.length && written > 0) pending[0] = pending[0].subarray(written);
  }
}

parentPort.on('message', ({ id, file, buffers, makeDirectory, syncDirectory }) => {
  const directory = path.dirname(file);
  let fd = -1;
  let created = false;
  try {
    if (makeDirectory) fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    fd = fs.openSync(file, 'wx', 0o600);
    created = true;
    writeAll(fd, buffers);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    // POSIX: the new directory entry is durable only once the directory is synced.
    if (syncDirectory) {
      const dir = fs.openSync(directory, 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
    parentPort.postMessage({ id, ok: true });
  } catch (error) {
    if (fd >= 0) try { fs.closeSync(fd); } catch {}
    if (created) try { fs.rmSync(file, { force: true }); } catch {}
    parentPort.postMessage({ id, ok: false, code: error.code, message: error.message });
  }
});
`;

export interface WriteOptions {
  /** Create the file's directory first. */
  makeDirectory: boolean;
  /** Sync the directory after the file, making its new entry durable. A caller that renames the
   * file afterwards syncs the directory itself, once for many files. */
  syncDirectory: boolean;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

class WriterThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failed: Error | null = null;

  constructor() {
    this.#worker = new Worker(WRITER_SOURCE, { eval: true, name: 'zorgpost-durable-writer' });
    this.#worker.unref();
    this.#worker.on('message', (reply: { id: number; ok: boolean; code?: string; message?: string }) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (reply.ok) pending?.resolve();
      else pending?.reject(Object.assign(new Error(reply.message ?? 'write failed'), { code: reply.code }));
    });
    const fail = (error: Error) => {
      this.#failed ??= error;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the durable-writer thread stopped (exit code ${code})`)));
  }

  get load(): number {
    return this.#pending.size;
  }

  get usable(): boolean {
    return this.#failed === null;
  }

  write(file: string, buffers: readonly Buffer[], options: WriteOptions): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      // Referenced only while writes are under way: an idle writer does not keep a process alive,
      // a busy one does (a CLI import must not exit before its last write).
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, file, buffers, makeDirectory: options.makeDirectory, syncDirectory: options.syncDirectory });
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}

export class DurableWriter {
  readonly #threads: WriterThread[] = [];
  readonly #size: number;
  #closed = false;

  constructor(threads = 4) {
    this.#size = threads;
  }

  /** Creates `file` (it must not exist) with the bytes of `buffers`, synced, and by default its
   * directory synced too; a failed write leaves no file. */
  write(file: string, buffers: readonly Buffer[], options: Partial<WriteOptions> = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the durable writer is closed'));
    return this.#thread().write(file, buffers, { makeDirectory: options.makeDirectory ?? false, syncDirectory: options.syncDirectory ?? true });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((t) => t.close()));
  }

  /** The least busy thread; threads start on first use, and one that died is replaced. */
  #thread(): WriterThread {
    for (let i = this.#threads.length - 1; i >= 0; i--) {
      if (!this.#threads[i]!.usable) this.#threads.splice(i, 1);
    }
    const idle = this.#threads.find((t) => t.load === 0);
    if (idle) return idle;
    if (this.#threads.length < this.#size) {
      const thread = new WriterThread();
      this.#threads.push(thread);
      return thread;
    }
    return this.#threads.reduce((best, t) => (t.load < best.load ? t : best));
  }
}
