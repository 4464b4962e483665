// Durable commits without blocking the event loop. With `synchronous = FULL` SQLite fsyncs the WAL
// inside COMMIT, on the main thread, once per transaction: under load most of the server's time went
// there. Instead the connection runs with `synchronous = NORMAL` (COMMIT writes the WAL but does not
// sync it) and every write waits for an fsync of the WAL file on libuv's thread pool before it
// resolves. That is the same guarantee — the commit's frames are on disk before anyone is told — and
// commits that finish while one sync runs share the next: a group commit.
// SQLite: "In WAL mode when synchronous is NORMAL, the WAL file is synchronized before each
// checkpoint and the database file is synchronized after each completed checkpoint", so frames a
// checkpoint moves into the database stay durable too.
import { open } from 'node:fs/promises';

export class WalSync {
  readonly #walPath: string;
  readonly #fsyncFile: (path: string) => Promise<void>;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;

  constructor(databaseFile: string, fsyncFile = fsyncExisting) {
    this.#walPath = `${databaseFile}-wal`;
    this.#fsyncFile = fsyncFile;
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

async function fsyncExisting(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // No WAL: the last connection checkpointed it into the (synced) database and removed it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
