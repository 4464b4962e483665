// The security keys and passkeys of a Passage ID (WebAuthn, SPEC R1): public keys only, each with
// the signature counter that lets the service notice a cloned authenticator.
import type { Selectable } from 'kysely';
import type { PassageWebauthnCredentialRecord, PassageWebauthnRepository } from '../store.ts';
import { UserError } from '../../errors.ts';
import type { Database } from './schema.ts';
import { isUniqueViolation, type SqlContext } from './sql-context.ts';
import { appendAuditRecord } from './audit.ts';

const toCredential = (row: Selectable<Database['passage_webauthn_credentials']>): PassageWebauthnCredentialRecord => ({
  id: row.id,
  accountId: row.account_id,
  credentialId: row.credential_id,
  publicKey: row.public_key,
  counter: Number(row.counter),
  transports: row.transports ? row.transports.split(',') : [],
  name: row.name,
  createdAt: new Date(Number(row.created_at)),
  lastUsedAt: row.last_used_at === null ? null : new Date(Number(row.last_used_at)),
});

export function createPassageWebauthnRepository(ctx: SqlContext): PassageWebauthnRepository {
  const { db } = ctx;
  return {
    async insert(credential, audit) {
      try {
        return await ctx.write(async (trx) => {
          const row = await trx
            .insertInto('passage_webauthn_credentials')
            .values({
              account_id: credential.accountId,
              credential_id: credential.credentialId,
              public_key: credential.publicKey,
              counter: credential.counter,
              transports: credential.transports.join(','),
              name: credential.name,
              created_at: credential.createdAt.getTime(),
              last_used_at: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          const created = toCredential(row);
          for (const entry of audit(created)) await appendAuditRecord(trx, entry);
          return created;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new UserError('ALREADYEXISTS', 'This security key is registered already');
        throw error;
      }
    },

    async findByCredentialId(credentialId) {
      const row = await db
        .selectFrom('passage_webauthn_credentials')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return row ? toCredential(row) : null;
    },

    async list(accountId) {
      const rows = await db
        .selectFrom('passage_webauthn_credentials')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toCredential);
    },

    async recordUse(id, counter, at) {
      // The counter check is repeated here, in the UPDATE itself: two sign-ins racing with the same
      // assertion cannot both pass (WebAuthn §7.2 step 22).
      const result = await ctx.write((trx) =>
        trx
          .updateTable('passage_webauthn_credentials')
          .set({ counter, last_used_at: at.getTime() })
          .where('id', '=', id)
          .where('counter', counter === 0 ? '=' : '<', counter)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },

    async delete(accountId, id, audit) {
      return ctx.write(async (trx) => {
        const row = await trx
          .selectFrom('passage_webauthn_credentials')
          .selectAll()
          .where('id', '=', id)
          .where('account_id', '=', accountId)
          .executeTakeFirst();
        if (!row) return false;
        await trx.deleteFrom('passage_webauthn_credentials').where('id', '=', row.id).execute();
        for (const entry of audit(toCredential(row))) await appendAuditRecord(trx, entry);
        return true;
      });
    },
  };
}
