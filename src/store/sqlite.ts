// Opens the embedded SQLite store: one file in the data directory, WAL journal, every write synced
// to disk before it returns (a message is acknowledged only once it is durable; see wal-sync.ts for
// how the sync is kept off the event loop).
import Database from 'better-sqlite3';
import { Kysely, Migrator, type MigrationProvider } from 'kysely';
import { BetterSqliteDialect } from './sql/sqlite-dialect.ts';
import { createMigrations } from './sql/migrations.ts';
import { SqlStore } from './sql/sql-store.ts';
import { openSqliteHotReads } from './sql/sqlite-hot-reads.ts';
import { WalSync } from './sql/wal-sync.ts';
import type { Database as Schema } from './sql/schema.ts';

const FOREIGN_CHANGE_POLL_MS = 200;
const PRUNE_EVERY_MS = 60_000;

export class SqliteStore extends SqlStore {
  readonly #sqlite: Database.Database;
  readonly #closeHotReads: () => void;
  readonly #wal: WalSync;
  #timer: NodeJS.Timeout | null = null;

  constructor(sqlite: Database.Database, db: Kysely<Schema>, hot: ReturnType<typeof openSqliteHotReads>, wal: WalSync) {
    super(db, hot, () => wal.sync());
    this.#sqlite = sqlite;
    this.#closeHotReads = hot.close;
    this.#wal = wal;
  }

  /** Starts watching for changes other processes commit (the server does; one-shot CLI runs don't). */
  watchForeignChanges(): void {
    if (this.#timer) return;
    // PRAGMA data_version changes only when another connection commits: a cheap check that lets
    // this process skip querying change_events while nothing happens elsewhere.
    let version = this.#dataVersion();
    let lastPrune = Date.now();
    this.#timer = setInterval(() => {
      const current = this.#dataVersion();
      if (current !== version) {
        version = current;
        void this.pollForeignChanges().catch(() => {});
      }
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        void this.pruneChangeEvents().catch(() => {});
      }
    }, FOREIGN_CHANGE_POLL_MS);
    this.#timer.unref();
  }

  override async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#closeHotReads();
    await super.close();
    await this.#wal.close();
  }

  #dataVersion(): number {
    return this.#sqlite.pragma('data_version', { simple: true }) as number;
  }
}

export async function openSqliteStore(file: string): Promise<SqliteStore> {
  const sqlite = new Database(file, { timeout: 10_000 });
  sqlite.pragma('journal_mode = WAL');
  // Durability comes from WalSync after each write transaction, not from COMMIT (wal-sync.ts).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new BetterSqliteDialect(sqlite) });
  await migrate(db);
  const store = new SqliteStore(sqlite, db, openSqliteHotReads(file), new WalSync(file));
  await store.init();
  return store;
}

async function migrate(db: Kysely<Schema>): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => createMigrations('sqlite') };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
