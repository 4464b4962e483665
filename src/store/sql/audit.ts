// The audit log (SPEC R22): append-only, each record chained to the previous one by a SHA-256 hash,
// so removing or editing a row breaks the chain.
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditEntry, AuditRepository, AuditRecord } from '../store.ts';
import type { SqlContext, Tx } from './sql-context.ts';
import type { Database } from './schema.ts';

const GENESIS = '0'.repeat(64);

export function auditHash(prevHash: string, record: Omit<AuditRecord, 'id' | 'prevHash' | 'hash'>): string {
  const canonical = JSON.stringify([
    record.at.getTime(),
    record.actor,
    record.action,
    record.mailboxId ?? null,
    record.remoteAddress ?? null,
    record.detail ?? null,
  ]);
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

const toRecord = (row: Selectable<Database['audit_log']>): AuditRecord => ({
  id: row.id,
  at: new Date(Number(row.at)),
  actor: row.actor,
  action: row.action,
  mailboxId: row.mailbox_id,
  remoteAddress: row.remote_address,
  detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
  prevHash: row.prev_hash,
  hash: row.hash,
});

/** Appends one record inside the caller's transaction, so an event and its audit record commit
 * together (a delivery and its "receipt" entries, for example). */
export async function appendAuditRecord(trx: Tx, entry: AuditEntry): Promise<AuditRecord> {
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS;
  const record = {
    at: new Date(),
    actor: entry.actor,
    action: entry.action,
    mailboxId: entry.mailboxId ?? null,
    remoteAddress: entry.remoteAddress ?? null,
    detail: entry.detail ?? null,
  };
  const hash = auditHash(prevHash, record);
  const row = await trx
    .insertInto('audit_log')
    .values({
      at: record.at.getTime(),
      actor: record.actor,
      action: record.action,
      mailbox_id: record.mailboxId,
      remote_address: record.remoteAddress,
      detail: record.detail ? JSON.stringify(record.detail) : null,
      prev_hash: prevHash,
      hash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

export function createAuditRepository(ctx: SqlContext): AuditRepository {
  return {
    append: (entry) => ctx.write((trx) => appendAuditRecord(trx, entry)),

    async list(filter) {
      let query = ctx.db.selectFrom('audit_log').selectAll().orderBy('id').limit(filter.limit ?? 1000);
      if (filter.mailboxId !== undefined) query = query.where('mailbox_id', '=', filter.mailboxId);
      if (filter.action !== undefined) query = query.where('action', '=', filter.action);
      if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
      return (await query.execute()).map(toRecord);
    },
  };
}
