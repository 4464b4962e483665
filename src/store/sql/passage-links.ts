// Which mailboxes a Passage ID may use, and the one-time activation codes that create a link
// (SPEC R2). A mailbox may have several accounts (shared) and an account several mailboxes.
import type { Selectable } from 'kysely';
import type { MailboxActivationRecord, MailboxLinkRepository } from '../store.ts';
import { UserError } from '../../errors.ts';
import type { Database } from './schema.ts';
import { isUniqueViolation, type SqlContext } from './sql-context.ts';
import { appendAuditRecord } from './audit.ts';
import { toMailbox } from './accounts.ts';

const toActivation = (row: Selectable<Database['mailbox_activations']>): MailboxActivationRecord => ({
  id: row.id,
  mailboxId: row.mailbox_id,
  codeHash: row.code_hash,
  createdAt: new Date(Number(row.created_at)),
  expiresAt: new Date(Number(row.expires_at)),
  usedAt: row.used_at === null ? null : new Date(Number(row.used_at)),
});

export function createMailboxLinkRepository(ctx: SqlContext): MailboxLinkRepository {
  const { db } = ctx;
  const linked = () =>
    db
      .selectFrom('passage_mailbox_links')
      .innerJoin('mailboxes', 'mailboxes.id', 'passage_mailbox_links.mailbox_id')
      .selectAll('mailboxes')
      .select('passage_mailbox_links.linked_at');
  return {
    async insertActivation(activation, audit) {
      return ctx.write(async (trx) => {
        // Only the newest activation data of a mailbox works: issuing new data withdraws the old.
        await trx
          .deleteFrom('mailbox_activations')
          .where('mailbox_id', '=', activation.mailboxId)
          .where('used_at', 'is', null)
          .execute();
        const row = await trx
          .insertInto('mailbox_activations')
          .values({
            mailbox_id: activation.mailboxId,
            code_hash: activation.codeHash,
            created_at: activation.createdAt.getTime(),
            expires_at: activation.expiresAt.getTime(),
            used_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAuditRecord(trx, audit);
        return toActivation(row);
      });
    },

    async findActivation(mailboxId, codeHash) {
      const row = await db
        .selectFrom('mailbox_activations')
        .selectAll()
        .where('mailbox_id', '=', mailboxId)
        .where('code_hash', '=', codeHash)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toActivation(row) : null;
    },

    async link(input, audit) {
      const at = input.at.getTime();
      try {
        return await ctx.write(async (trx) => {
          if (input.activationId !== null) {
            const used = await trx
              .updateTable('mailbox_activations')
              .set({ used_at: at })
              .where('id', '=', input.activationId)
              .where('mailbox_id', '=', input.mailboxId)
              .where('used_at', 'is', null)
              .where('expires_at', '>', at)
              .executeTakeFirst();
            if (Number(used.numUpdatedRows) === 0) return null;
          }
          await trx
            .insertInto('passage_mailbox_links')
            .values({ account_id: input.accountId, mailbox_id: input.mailboxId, linked_at: at })
            .execute();
          for (const entry of audit) await appendAuditRecord(trx, entry);
          return { linkedAt: input.at };
        });
      } catch (error) {
        // The transaction rolled back, so the activation code stays unused.
        if (isUniqueViolation(error))
          throw new UserError('ALREADYEXISTS', 'This mailbox is already linked to your Passage ID');
        throw error;
      }
    },

    async unlink(accountId, mailboxId, audit) {
      return ctx.write(async (trx) => {
        const deleted = await trx
          .deleteFrom('passage_mailbox_links')
          .where('account_id', '=', accountId)
          .where('mailbox_id', '=', mailboxId)
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) return false;
        for (const entry of audit) await appendAuditRecord(trx, entry);
        return true;
      });
    },

    async findLinked(accountId, mailboxId) {
      const row = await linked()
        .where('passage_mailbox_links.account_id', '=', accountId)
        .where('passage_mailbox_links.mailbox_id', '=', mailboxId)
        .executeTakeFirst();
      return row ? { ...toMailbox(row), linkedAt: new Date(Number(row.linked_at)) } : null;
    },

    async listLinked(accountId) {
      const rows = await linked()
        .where('passage_mailbox_links.account_id', '=', accountId)
        .orderBy('mailboxes.address')
        .execute();
      return rows.map((row) => ({ ...toMailbox(row), linkedAt: new Date(Number(row.linked_at)) }));
    },

    async listAccountIds(mailboxId) {
      const rows = await db
        .selectFrom('passage_mailbox_links')
        .select('account_id')
        .where('mailbox_id', '=', mailboxId)
        .orderBy('account_id')
        .execute();
      return rows.map((row) => row.account_id);
    },
  };
}
