// Viewer messages, their access codes, sessions and replies (SPEC R15). Content stays in the blob
// store (encrypted); these rows carry state, and the wrapped content key that `end` destroys.
import type { Selectable } from 'kysely';
import type { ViewerCodeRecord, ViewerMessageRecord, ViewerMilestone, ViewerRepository } from '../store.ts';
import type { Database } from './schema.ts';
import type { SqlContext } from './sql-context.ts';
import { appendAuditRecord } from './audit.ts';
import { queueMail } from './outbound-queue.ts';

const date = (value: number | null) => (value === null ? null : new Date(Number(value)));

const toMessage = (row: Selectable<Database['viewer_messages']>): ViewerMessageRecord => ({
  id: row.id,
  linkHash: row.link_hash,
  senderMailboxId: row.sender_mailbox_id,
  orgId: row.org_id,
  submissionId: row.submission_id,
  recipient: row.recipient,
  mobile: row.mobile,
  channel: row.channel === 'sms' ? 'sms' : 'email',
  language: row.language,
  messageId: row.message_id,
  sealedSubject: row.subject,
  blobId: row.blob_id,
  wrappedKey: row.wrapped_key,
  size: Number(row.size),
  createdAt: new Date(Number(row.created_at)),
  expiresAt: new Date(Number(row.expires_at)),
  notifiedAt: date(row.notified_at),
  codeSentAt: date(row.code_sent_at),
  codeDeliveredAt: date(row.code_delivered_at),
  codeFailedAt: date(row.code_failed_at),
  openedAt: date(row.opened_at),
  repliedAt: date(row.replied_at),
  revokedAt: date(row.revoked_at),
  expiredAt: date(row.expired_at),
  failedAttempts: Number(row.failed_attempts),
  lockedUntil: date(row.locked_until),
});

const toCode = (row: Selectable<Database['viewer_codes']>): ViewerCodeRecord => ({
  id: row.id,
  viewerMessageId: row.viewer_message_id,
  codeHash: row.code_hash,
  channel: row.channel === 'sms' ? 'sms' : 'email',
  reference: row.reference,
  createdAt: new Date(Number(row.created_at)),
  expiresAt: new Date(Number(row.expires_at)),
  usedAt: date(row.used_at),
});

const MILESTONE_COLUMNS = {
  notifiedAt: 'notified_at',
  codeSentAt: 'code_sent_at',
  codeDeliveredAt: 'code_delivered_at',
  codeFailedAt: 'code_failed_at',
  openedAt: 'opened_at',
  repliedAt: 'replied_at',
} as const satisfies Record<ViewerMilestone, keyof Database['viewer_messages']>;

const FIRST_VALUE_ONLY: ReadonlySet<ViewerMilestone> = new Set(['notifiedAt', 'openedAt']);

export function createViewerRepository(ctx: SqlContext): ViewerRepository {
  const { db } = ctx;
  return {
    async insert(messages, audit) {
      return ctx.write(async (trx) => {
        const created: Array<{ record: ViewerMessageRecord; notificationId: number }> = [];
        for (const m of messages) {
          const notification = await queueMail(trx, m.notification, m.createdAt);
          const row = await trx
            .insertInto('viewer_messages')
            .values({
              link_hash: m.linkHash,
              sender_mailbox_id: m.senderMailboxId,
              org_id: m.orgId,
              submission_id: m.submissionId,
              recipient: m.recipient,
              mobile: m.mobile,
              channel: m.channel,
              language: m.language,
              message_id: m.messageId,
              subject: m.sealedSubject,
              blob_id: m.blobId,
              wrapped_key: m.wrappedKey,
              size: m.size,
              created_at: m.createdAt.getTime(),
              expires_at: m.expiresAt.getTime(),
              notified_at: m.createdAt.getTime(),
              code_sent_at: null,
              code_delivered_at: null,
              code_failed_at: null,
              opened_at: null,
              replied_at: null,
              revoked_at: null,
              expired_at: null,
              locked_until: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          created.push({ record: toMessage(row), notificationId: notification.id });
        }
        for (const entry of audit(created)) await appendAuditRecord(trx, entry);
        return created.map((c) => c.record);
      });
    },

    async find(by) {
      let query = db.selectFrom('viewer_messages').selectAll();
      query = 'id' in by ? query.where('id', '=', by.id) : query.where('link_hash', '=', by.linkHash);
      const row = await query.executeTakeFirst();
      return row ? toMessage(row) : null;
    },

    async listBySender(senderMailboxId, { beforeId, limit }) {
      let query = db.selectFrom('viewer_messages').selectAll().where('sender_mailbox_id', '=', senderMailboxId);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      return (await query.orderBy('id', 'desc').limit(limit).execute()).map(toMessage);
    },

    async mark(id, milestone, at, audit = []) {
      const column = MILESTONE_COLUMNS[milestone];
      await ctx.write(async (trx) => {
        let query = trx.updateTable('viewer_messages').set({ [column]: at.getTime() }).where('id', '=', id);
        if (FIRST_VALUE_ONLY.has(milestone)) query = query.where(column, 'is', null);
        await query.execute();
        for (const entry of audit) await appendAuditRecord(trx, entry);
      });
    },

    async recordFailedAttempt(id, lockUntil) {
      return ctx.write(async (trx) => {
        const row = await trx
          .updateTable('viewer_messages')
          .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), locked_until: lockUntil ? lockUntil.getTime() : null }))
          .where('id', '=', id)
          .returning('failed_attempts')
          .executeTakeFirst();
        return Number(row?.failed_attempts ?? 0);
      });
    },

    async resetFailedAttempts(id) {
      await ctx.write((trx) => trx.updateTable('viewer_messages').set({ failed_attempts: 0, locked_until: null }).where('id', '=', id).execute());
    },

    async insertCode(code) {
      const row = await ctx.write((trx) =>
        trx
          .insertInto('viewer_codes')
          .values({
            viewer_message_id: code.viewerMessageId,
            code_hash: code.codeHash,
            channel: code.channel,
            reference: code.reference,
            created_at: code.createdAt.getTime(),
            expires_at: code.expiresAt.getTime(),
            used_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toCode(row);
    },

    async countCodesSince(viewerMessageId, since) {
      const row = await db
        .selectFrom('viewer_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('viewer_message_id', '=', viewerMessageId)
        .where('created_at', '>=', since.getTime())
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async latestCode(viewerMessageId) {
      const row = await db
        .selectFrom('viewer_codes')
        .selectAll()
        .where('viewer_message_id', '=', viewerMessageId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toCode(row) : null;
    },

    async useCode(codeId, at) {
      const result = await ctx.write((trx) =>
        trx.updateTable('viewer_codes').set({ used_at: at.getTime() }).where('id', '=', codeId).where('used_at', 'is', null).executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },

    async findCodeByReference(reference) {
      const row = await db.selectFrom('viewer_codes').selectAll().where('reference', '=', reference).executeTakeFirst();
      return row ? toCode(row) : null;
    },

    async insertSession(session) {
      await ctx.write((trx) =>
        trx
          .insertInto('viewer_sessions')
          .values({
            token_hash: session.tokenHash,
            viewer_message_id: session.viewerMessageId,
            created_at: session.createdAt.getTime(),
            expires_at: session.expiresAt.getTime(),
          })
          .execute(),
      );
    },

    async findSession(tokenHash) {
      const row = await db.selectFrom('viewer_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? { viewerMessageId: row.viewer_message_id, expiresAt: new Date(Number(row.expires_at)) } : null;
    },

    async deleteSession(tokenHash) {
      await ctx.write((trx) => trx.deleteFrom('viewer_sessions').where('token_hash', '=', tokenHash).execute());
    },

    async insertReply(reply) {
      await ctx.write((trx) =>
        trx
          .insertInto('viewer_replies')
          .values({ viewer_message_id: reply.viewerMessageId, at: reply.at.getTime(), attachment_count: reply.attachmentCount, size: reply.size })
          .execute(),
      );
    },

    async listReplies(viewerMessageId) {
      const rows = await db.selectFrom('viewer_replies').selectAll().where('viewer_message_id', '=', viewerMessageId).orderBy('id').execute();
      return rows.map((r) => ({ at: new Date(Number(r.at)), attachmentCount: r.attachment_count, size: Number(r.size) }));
    },

    async end(id, how, at, audit) {
      return ctx.write(async (trx) => {
        const row = await trx
          .selectFrom('viewer_messages')
          .select(['blob_id', 'revoked_at', 'expired_at'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row || row.revoked_at !== null || row.expired_at !== null) return null;
        await trx
          .updateTable('viewer_messages')
          .set({ [how === 'revoked' ? 'revoked_at' : 'expired_at']: at.getTime(), blob_id: null, wrapped_key: null })
          .where('id', '=', id)
          .execute();
        await trx.deleteFrom('viewer_codes').where('viewer_message_id', '=', id).execute();
        await trx.deleteFrom('viewer_sessions').where('viewer_message_id', '=', id).execute();
        await appendAuditRecord(trx, audit);
        return { blobId: row.blob_id };
      });
    },

    async listExpired(now, limit) {
      const rows = await db
        .selectFrom('viewer_messages')
        .selectAll()
        .where('expired_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '<=', now.getTime())
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map(toMessage);
    },
  };
}
