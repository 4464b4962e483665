// The outbound queue: mail waits in the database until a transport has taken it. `queueMail` runs
// inside a caller's transaction, so whatever caused a message (a Viewer message, an access code)
// and the promise to send it commit together.
import type { Selectable } from 'kysely';
import type { NewOutboundMail, OutboundKind, OutboundQueueRepository, QueuedMail } from '../store.ts';
import type { Database } from './schema.ts';
import type { SqlContext, Tx } from './sql-context.ts';
import { appendAuditRecord } from './audit.ts';

const toQueued = (row: Selectable<Database['outbound_queue']>): QueuedMail => ({
  id: row.id,
  kind: row.kind as OutboundKind,
  mailFrom: row.mail_from,
  recipients: JSON.parse(row.recipients) as string[],
  raw: Buffer.from(row.raw),
  size: Number(row.size),
  queuedAt: new Date(Number(row.queued_at)),
  nextAttemptAt: new Date(Number(row.next_attempt_at)),
  attempts: Number(row.attempts),
  lastError: row.last_error,
});

export async function queueMail(trx: Tx, mail: NewOutboundMail, at: Date): Promise<QueuedMail> {
  const row = await trx
    .insertInto('outbound_queue')
    .values({
      kind: mail.kind,
      mail_from: mail.mailFrom,
      recipients: JSON.stringify(mail.recipients),
      raw: mail.raw,
      size: mail.raw.length,
      queued_at: at.getTime(),
      next_attempt_at: at.getTime(),
      last_error: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toQueued(row);
}

export function createOutboundQueueRepository(ctx: SqlContext): OutboundQueueRepository {
  const { db } = ctx;
  return {
    async enqueue(mail, audit = []) {
      return ctx.write(async (trx) => {
        const queued = await queueMail(trx, mail, new Date());
        for (const entry of audit) await appendAuditRecord(trx, entry);
        return queued;
      });
    },

    async due(now, { limit, maxBytes = Infinity }) {
      // Sizes first, so a batch of large messages is not read into memory all at once.
      const heads = await db
        .selectFrom('outbound_queue')
        .select(['id', 'size'])
        .where('next_attempt_at', '<=', now.getTime())
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      const ids: number[] = [];
      let bytes = 0;
      for (const head of heads) {
        if (ids.length && bytes + Number(head.size) > maxBytes) break;
        ids.push(head.id);
        bytes += Number(head.size);
      }
      if (!ids.length) return [];
      const rows = await db.selectFrom('outbound_queue').selectAll().where('id', 'in', ids).orderBy('next_attempt_at').orderBy('id').execute();
      return rows.map(toQueued);
    },

    async nextAttemptAt() {
      const row = await db.selectFrom('outbound_queue').select('next_attempt_at').orderBy('next_attempt_at').limit(1).executeTakeFirst();
      return row ? new Date(Number(row.next_attempt_at)) : null;
    },

    async remove(ids) {
      if (!ids.length) return;
      await ctx.write((trx) => trx.deleteFrom('outbound_queue').where('id', 'in', [...ids]).execute());
    },

    async deferred(id, nextAttemptAt, error) {
      await ctx.write((trx) =>
        trx
          .updateTable('outbound_queue')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt.getTime(), last_error: error.slice(0, 1000) }))
          .where('id', '=', id)
          .execute(),
      );
    },

    async list(limit) {
      const rows = await db.selectFrom('outbound_queue').selectAll().orderBy('id').limit(limit).execute();
      return rows.map(toQueued);
    },
  };
}
