// Patient-channel verifications and the contacts they prove (SPEC R31).
import type { Selectable } from 'kysely';
import type { PatientChannelRepository, PatientVerificationRecord } from '../store.ts';
import type { Database } from './schema.ts';
import type { SqlContext } from './sql-context.ts';

const toVerification = (row: Selectable<Database['patient_verifications']>): PatientVerificationRecord => ({
  id: row.id,
  tokenHash: row.token_hash,
  orgId: row.org_id,
  email: row.email,
  mobile: row.mobile,
  channel: row.channel === 'sms' ? 'sms' : 'email',
  codeHash: row.code_hash,
  remoteAddress: row.remote_address,
  createdAt: new Date(Number(row.created_at)),
  expiresAt: new Date(Number(row.expires_at)),
  failedAttempts: Number(row.failed_attempts),
  verifiedAt: row.verified_at === null ? null : new Date(Number(row.verified_at)),
  sessionExpiresAt: row.session_expires_at === null ? null : new Date(Number(row.session_expires_at)),
});

export function createPatientChannelRepository(ctx: SqlContext): PatientChannelRepository {
  const { db } = ctx;
  return {
    async insertVerification(input) {
      const row = await ctx.write((trx) =>
        trx
          .insertInto('patient_verifications')
          .values({
            token_hash: input.tokenHash,
            org_id: input.orgId,
            email: input.email,
            mobile: input.mobile,
            channel: input.channel,
            code_hash: input.codeHash,
            remote_address: input.remoteAddress,
            created_at: input.createdAt.getTime(),
            expires_at: input.expiresAt.getTime(),
            verified_at: null,
            session_expires_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toVerification(row);
    },
    async findVerification(tokenHash) {
      const row = await db.selectFrom('patient_verifications').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? toVerification(row) : null;
    },
    async countVerificationsFrom(remoteAddress, since) {
      const row = await db
        .selectFrom('patient_verifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('remote_address', '=', remoteAddress)
        .where('created_at', '>=', since.getTime())
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async recordFailedAttempt(id) {
      return ctx.write(async (trx) => {
        const row = await trx
          .updateTable('patient_verifications')
          .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
          .where('id', '=', id)
          .returning('failed_attempts')
          .executeTakeFirst();
        return Number(row?.failed_attempts ?? 0);
      });
    },
    async verify(id, at, sessionExpiresAt) {
      const result = await ctx.write((trx) =>
        trx
          .updateTable('patient_verifications')
          .set({ verified_at: at.getTime(), session_expires_at: sessionExpiresAt.getTime() })
          .where('id', '=', id)
          .where('verified_at', 'is', null)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
    async rememberContact(orgId, address, mobile, at) {
      await ctx.write((trx) =>
        trx
          .insertInto('secure_contacts')
          .values({ org_id: orgId, address, mobile, verified_at: at.getTime() })
          .onConflict((oc) => oc.columns(['org_id', 'address']).doUpdateSet({ mobile, verified_at: at.getTime() }))
          .execute(),
      );
    },
    async findContact(orgId, address) {
      const row = await db.selectFrom('secure_contacts').selectAll().where('org_id', '=', orgId).where('address', '=', address).executeTakeFirst();
      return row ? { address: row.address, mobile: row.mobile, verifiedAt: new Date(Number(row.verified_at)) } : null;
    },
  };
}
