// Organisations, mailboxes and Hosted Mail Keys.
import type { Mailbox, Organisation } from '../../identity/types.ts';
import type { AccountRepository } from '../store.ts';
import { UserError } from '../../errors.ts';
import { isUniqueViolation, type SqlContext } from './sql-context.ts';
import { insertFolderRow } from './folders.ts';
import type { Selectable } from 'kysely';
import type { Database } from './schema.ts';

type OrgRow = Selectable<Database['organisations']>;
type MailboxRow = Selectable<Database['mailboxes']>;

const toOrganisation = (row: OrgRow): Organisation => ({
  id: row.id,
  name: row.name,
  domain: row.domain,
  createdAt: new Date(Number(row.created_at)),
});

export const toMailbox = (row: MailboxRow): Mailbox => ({
  id: row.id,
  orgId: row.org_id,
  address: row.address,
  displayName: row.display_name,
  klantnummer: row.klantnummer,
  quotaBytes: row.quota_bytes === null ? null : Number(row.quota_bytes),
  createdAt: new Date(Number(row.created_at)),
});

export function createAccountRepository(ctx: SqlContext): AccountRepository {
  const { db } = ctx;
  return {
    async insertOrganisation(input) {
      try {
        const row = await ctx.write((trx) =>
          trx
            .insertInto('organisations')
            .values({ name: input.name, domain: input.domain, created_at: Date.now() })
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
        return toOrganisation(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new UserError('ALREADYEXISTS', `Organisation ${input.domain} already exists`);
        throw error;
      }
    },

    async findOrganisation(by) {
      let query = db.selectFrom('organisations').selectAll();
      query = 'id' in by ? query.where('id', '=', by.id) : query.where('domain', '=', by.domain);
      const row = await query.executeTakeFirst();
      return row ? toOrganisation(row) : null;
    },

    async listOrganisations() {
      return (await db.selectFrom('organisations').selectAll().orderBy('domain').execute()).map(toOrganisation);
    },

    async insertMailbox(input, folders) {
      try {
        return await ctx.write(async (trx, events) => {
          const row = await trx
            .insertInto('mailboxes')
            .values({
              org_id: input.orgId,
              address: input.address,
              display_name: input.displayName,
              klantnummer: input.klantnummer,
              quota_bytes: input.quotaBytes,
              created_at: Date.now(),
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          for (const folder of folders) {
            await insertFolderRow(trx, row.id, folder.name, folder.specialUse);
            await trx.insertInto('subscriptions').values({ mailbox_id: row.id, name: folder.name }).execute();
          }
          events.push({ type: 'folders', mailboxId: row.id });
          return toMailbox(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new UserError('ALREADYEXISTS', 'Address or klantnummer already in use');
        throw error;
      }
    },

    async findMailbox(by) {
      let query = db.selectFrom('mailboxes').selectAll();
      if ('id' in by) query = query.where('id', '=', by.id);
      else if ('address' in by) query = query.where('address', '=', by.address.toLowerCase());
      else query = query.where('klantnummer', '=', by.klantnummer);
      const row = await query.executeTakeFirst();
      return row ? toMailbox(row) : null;
    },

    async listMailboxes(orgId) {
      let query = db.selectFrom('mailboxes').selectAll().orderBy('address');
      if (orgId !== undefined) query = query.where('org_id', '=', orgId);
      return (await query.execute()).map(toMailbox);
    },

    async replaceHostedMailKey(mailboxId, hash) {
      return ctx.write(async (trx, events) => {
        const now = Date.now();
        await trx
          .updateTable('hosted_mail_keys')
          .set({ revoked_at: now })
          .where('mailbox_id', '=', mailboxId)
          .where('revoked_at', 'is', null)
          .execute();
        const { id } = await trx
          .insertInto('hosted_mail_keys')
          .values({ mailbox_id: mailboxId, hash, created_at: now, revoked_at: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        events.push({ type: 'credentials', mailboxId, keyId: id });
        return id;
      });
    },

    async activeHostedMailKey(mailboxId) {
      const row = await db
        .selectFrom('hosted_mail_keys')
        .select(['id', 'hash', 'created_at'])
        .where('mailbox_id', '=', mailboxId)
        .where('revoked_at', 'is', null)
        .orderBy('id', 'desc')
        .executeTakeFirst();
      return row ? { id: row.id, hash: row.hash, createdAt: new Date(Number(row.created_at)) } : null;
    },
  };
}
