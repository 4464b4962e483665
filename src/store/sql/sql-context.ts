// What the SQL repositories share: the Kysely handle and the write-transaction helper that records
// change events with the data they describe, so a committed change is never left unannounced.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ChangeEvent, Folder, MessageMeta } from '../../mail/types.ts';
import type { Database } from './schema.ts';
import { UserError } from '../../errors.ts';

export type Tx = Transaction<Database>;

/** Hot-path reads a backend may serve faster than through the query builder. */
export interface HotReads {
  listUids(folderId: number): number[];
  listRange(folderId: number, startUid: number, endUid: number, limit: number): MessageMeta[];
  firstUnseenUid(folderId: number): number | null;
}

export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly hot?: HotReads;
  write<T>(work: (trx: Tx, events: ChangeEvent[]) => Promise<T>): Promise<T>;
}

export function toFolder(row: Selectable<Database['folders']>): Folder {
  return {
    id: row.id,
    mailboxId: row.mailbox_id,
    name: row.name,
    specialUse: row.special_use,
    uidValidity: Number(row.uid_validity),
    uidNext: Number(row.uid_next),
    highestModseq: Number(row.highest_modseq),
    messages: Number(row.message_count),
    unseen: Number(row.unseen_count),
    size: Number(row.total_size),
    keywords: JSON.parse(row.keywords) as string[],
  };
}

export async function lockFolder(trx: Tx, folderId: number): Promise<Folder> {
  // Inside BEGIN IMMEDIATE the whole SQLite database is already write-locked; PostgreSQL will add
  // FOR UPDATE here.
  const row = await trx.selectFrom('folders').selectAll().where('id', '=', folderId).executeTakeFirst();
  if (!row) throw new UserError('NONEXISTENT', 'No such folder');
  return toFolder(row);
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
