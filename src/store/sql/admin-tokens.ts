// Admin API tokens: only a SHA-256 of each token is kept (tokens are 256-bit random, so a fast hash
// is enough; see src/web/admin-auth.ts).
import type { Selectable } from 'kysely';
import type { AdminToken, AdminTokenRepository } from '../store.ts';
import type { Database } from './schema.ts';
import type { SqlContext } from './sql-context.ts';

const toToken = (row: Selectable<Database['admin_tokens']>): AdminToken => ({
  id: row.id,
  name: row.name,
  createdAt: new Date(Number(row.created_at)),
  revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
});

export function createAdminTokenRepository(ctx: SqlContext): AdminTokenRepository {
  const { db } = ctx;
  return {
    async insert(name, hash) {
      const row = await ctx.write((trx) =>
        trx.insertInto('admin_tokens').values({ name, hash, created_at: Date.now(), revoked_at: null }).returningAll().executeTakeFirstOrThrow(),
      );
      return toToken(row);
    },
    async findActive(hash) {
      const row = await db.selectFrom('admin_tokens').selectAll().where('hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async list() {
      return (await db.selectFrom('admin_tokens').selectAll().orderBy('id').execute()).map(toToken);
    },
    async revoke(id) {
      const result = await ctx.write((trx) =>
        trx.updateTable('admin_tokens').set({ revoked_at: Date.now() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
