// Organisation policy documents (SPEC R14/R18): stored as JSON text, validated by the policy service.
import type { PolicyRepository } from '../store.ts';
import type { SqlContext } from './sql-context.ts';
import { appendAuditRecord } from './audit.ts';

export function createPolicyRepository(ctx: SqlContext): PolicyRepository {
  const { db } = ctx;
  return {
    async get(orgId) {
      const row = await db.selectFrom('org_policies').select('settings').where('org_id', '=', orgId).executeTakeFirst();
      return row?.settings ?? null;
    },
    async put(orgId, settings, audit) {
      await ctx.write(async (trx) => {
        await trx
          .insertInto('org_policies')
          .values({ org_id: orgId, settings, updated_at: Date.now() })
          .onConflict((oc) => oc.column('org_id').doUpdateSet({ settings, updated_at: Date.now() }))
          .execute();
        await appendAuditRecord(trx, audit);
      });
    },
  };
}
