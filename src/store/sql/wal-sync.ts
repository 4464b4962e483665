// Durable commits without blocking the event loop. With `synchronous = FULL` SQLite fsyncs the WAL
// inside COMMIT, on the main thread, once per transaction: under load most of the server's time went
// there. Instead the connection runs with `synchronous = NORMAL` (COMMIT writes the WAL but does not
// sync it) and every write waits for an fsync of the WAL file on libuv's thread pool before it
// resolves. That is the same guarantee — the commit's frames are on disk before anyone is told — and
// commits that finish while one sync runs share the next: a group commit.
// SQLite: "In WAL mode when synchronous is NORMAL, the WAL file is synchronized before each
// checkpoint and the database file is synchronized after each completed checkpoint", so frames a
// checkpoint moves into the database stay durable too.
import { open, type FileHandle } from 'node:fs/promises';

export class WalSync {
  readonly #walPath: string;
  readonly #fsyncFile: (path: string) => Promise<void>;
  readonly #close: () => Promise<void>;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;

  constructor(databaseFile: string, fsyncFile?: (path: string) => Promise<void>) {
    this.#walPath = `${databaseFile}-wal`;
    if (fsyncFile) {
      this.#fsyncFile = fsyncFile;
      this.#close = async () => undefined;
    } else {
      const wal = new WalFile();
      this.#fsyncFile = (path) => wal.sync(path);
      this.#close = () => wal.close();
    }
  }

  /** After the last write: releases the WAL file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.#running, this.#next]);
    await this.#close();
  }

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#fsyncFile(this.#walPath).finally(() => (this.#running = null));
      return this.#running;
    }
    // The sync under way may have started before this commit: wait for the one after it.
    this.#next ??= this.#running.then(
      () => this.#startNext(),
      () => this.#startNext(),
    );
    return this.#next;
  }

  #startNext(): Promise<void> {
    this.#next = null;
    return this.sync();
  }
}

/** The WAL file, opened once: SQLite removes it only when the last connection to the database
 * closes, and this process's connection stays open until the store closes, so one handle serves
 * every sync (and saves an open and a close per commit). */
class WalFile {
  #handle: FileHandle | null = null;

  async sync(path: string): Promise<void> {
    if (!this.#handle) {
      try {
        this.#handle = await open(path, 'r');
      } catch (error) {
        // No WAL yet: nothing was committed through it, or it was checkpointed into the (synced)
        // database and removed.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
    }
    try {
      await this.#handle.sync();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }
}
