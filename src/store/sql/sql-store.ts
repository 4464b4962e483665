// The SQL store: repositories over one Kysely handle, plus the change feed. A change is written to
// change_events in the same transaction as the data, emitted in-process right after commit, and
// picked up by other processes (the CLI, later other instances) through `pollForeignChanges`.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { ChangeEvent } from '../../mail/types.ts';
import type { Store } from '../store.ts';
import type { Database } from './schema.ts';
import type { HotReads, SqlContext, Tx } from './sql-context.ts';
import { createAccountRepository } from './accounts.ts';
import { createFolderRepository } from './folders.ts';
import { createMessageRepository } from './messages.ts';
import { createAuditRepository } from './audit.ts';
import { createDomainBookRepository } from './domain-books.ts';
import { createDirectoryRepository } from './directory.ts';
import { createAdminTokenRepository } from './admin-tokens.ts';
import { createPolicyRepository } from './policies.ts';
import { createViewerRepository } from './viewer.ts';
import { createPatientChannelRepository } from './patient-channel.ts';
import { createOutboundQueueRepository } from './outbound-queue.ts';
import { createPassageRepository } from './passage.ts';
import { createMailboxLinkRepository } from './passage-links.ts';
import { createPassageWebauthnRepository } from './passage-webauthn.ts';

const EVENT_RETENTION_MS = 10 * 60 * 1000;

export class SqlStore implements Store {
  readonly accounts;
  readonly folders;
  readonly messages;
  readonly audit;
  readonly domainBooks;
  readonly directory;
  readonly adminTokens;
  readonly policies;
  readonly viewer;
  readonly patientChannel;
  readonly outbound;
  readonly passage;
  readonly mailboxLinks;
  readonly passageWebauthn;
  readonly #db: Kysely<Database>;
  readonly #origin = randomUUID();
  readonly #emitter = new EventEmitter();
  readonly #durable: () => Promise<void>;
  #lastEventId = 0;

  /** `durable` resolves once what has been committed is on disk, when COMMIT itself does not wait
   * for that (SQLite, wal-sync.ts); nothing is returned or announced before it. */
  constructor(db: Kysely<Database>, hot?: HotReads, durable: () => Promise<void> = async () => undefined) {
    this.#durable = durable;
    this.#db = db;
    this.#emitter.setMaxListeners(0);
    const ctx: SqlContext = { db, hot, write: (work) => this.#write(work) };
    this.accounts = createAccountRepository(ctx);
    this.folders = createFolderRepository(ctx);
    this.messages = createMessageRepository(ctx);
    this.audit = createAuditRepository(ctx);
    this.domainBooks = createDomainBookRepository(ctx);
    this.directory = createDirectoryRepository(ctx);
    this.adminTokens = createAdminTokenRepository(ctx);
    this.policies = createPolicyRepository(ctx);
    this.viewer = createViewerRepository(ctx);
    this.patientChannel = createPatientChannelRepository(ctx);
    this.outbound = createOutboundQueueRepository(ctx);
    this.passage = createPassageRepository(ctx);
    this.mailboxLinks = createMailboxLinkRepository(ctx);
    this.passageWebauthn = createPassageWebauthnRepository(ctx);
  }

  async init(): Promise<void> {
    const row = await this.#db
      .selectFrom('change_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    this.#lastEventId = Number(row?.id ?? 0);
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    this.#emitter.on('change', listener);
    return () => this.#emitter.off('change', listener);
  }

  async #write<T>(work: (trx: Tx, events: ChangeEvent[]) => Promise<T>): Promise<T> {
    const events: ChangeEvent[] = [];
    const result = await this.#db.transaction().execute(async (trx) => {
      const value = await work(trx, events);
      if (events.length) {
        const now = Date.now();
        await trx
          .insertInto('change_events')
          .values(events.map((event) => ({ origin: this.#origin, payload: JSON.stringify(event), created_at: now })))
          .execute();
      }
      return value;
    });
    await this.#durable();
    for (const event of events) this.#emit(event);
    return result;
  }

  #emit(event: ChangeEvent): void {
    try {
      this.#emitter.emit('change', event);
    } catch {
      // A listener's failure must not undo or hide a committed change from the others.
    }
  }

  /** Emits events committed by other processes since the last call. */
  async pollForeignChanges(): Promise<void> {
    const rows = await this.#db
      .selectFrom('change_events')
      .select(['id', 'origin', 'payload'])
      .where('id', '>', this.#lastEventId)
      .orderBy('id')
      .execute();
    for (const row of rows) {
      this.#lastEventId = row.id;
      if (row.origin !== this.#origin) this.#emit(JSON.parse(row.payload) as ChangeEvent);
    }
  }

  async pruneChangeEvents(): Promise<void> {
    await this.#db.deleteFrom('change_events').where('created_at', '<', Date.now() - EVENT_RETENTION_MS).execute();
  }

  async close(): Promise<void> {
    this.#emitter.removeAllListeners();
    await this.#db.destroy();
  }
}
