// Passage ID accounts, invitations, recovery codes and portal sessions (SPEC R1). Tokens and codes
// arrive here already hashed; the password hash and the sealed TOTP secret are opaque text.
import type { Selectable } from 'kysely';
import type { PassageRole } from '../../identity/passage-types.ts';
import type {
  PassageAccountRecord,
  PassageInvitationRecord,
  PassageRepository,
  PassageSessionRecord,
} from '../store.ts';
import { UserError } from '../../errors.ts';
import type { Database } from './schema.ts';
import { isUniqueViolation, type SqlContext, type Tx } from './sql-context.ts';
import { appendAuditRecord } from './audit.ts';

const date = (value: number | null) => (value === null ? null : new Date(Number(value)));

function toRole(value: string): PassageRole {
  if (value === 'operator' || value === 'admin' || value === 'user') return value;
  throw new Error(`unknown Passage ID role "${value}" in the database`);
}

const toAccount = (row: Selectable<Database['passage_accounts']>): PassageAccountRecord => ({
  id: row.id,
  email: row.email,
  role: toRole(row.role),
  orgId: row.org_id,
  createdAt: new Date(Number(row.created_at)),
  passwordHash: row.password_hash,
  sealedTotpSecret: row.totp_secret,
  totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
  disabledAt: date(row.disabled_at),
});

const toInvitation = (row: Selectable<Database['passage_invitations']>): PassageInvitationRecord => ({
  id: row.id,
  tokenHash: row.token_hash,
  email: row.email,
  role: toRole(row.role),
  orgId: row.org_id,
  invitedBy: row.invited_by,
  createdAt: new Date(Number(row.created_at)),
  expiresAt: new Date(Number(row.expires_at)),
  usedAt: date(row.used_at),
  sealedPendingTotp: row.pending_totp,
});

const toSession = (row: Selectable<Database['passage_sessions']>): PassageSessionRecord => ({
  id: row.id,
  tokenHash: row.token_hash,
  accountId: row.account_id,
  createdAt: new Date(Number(row.created_at)),
  lastSeenAt: new Date(Number(row.last_seen_at)),
  expiresAt: new Date(Number(row.expires_at)),
  remoteAddress: row.remote_address,
  userAgent: row.user_agent,
});

async function insertSessionRow(trx: Tx, session: Omit<PassageSessionRecord, 'id'>): Promise<PassageSessionRecord> {
  const row = await trx
    .insertInto('passage_sessions')
    .values({
      token_hash: session.tokenHash,
      account_id: session.accountId,
      created_at: session.createdAt.getTime(),
      last_seen_at: session.lastSeenAt.getTime(),
      expires_at: session.expiresAt.getTime(),
      remote_address: session.remoteAddress,
      user_agent: session.userAgent,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSession(row);
}

async function insertRecoveryCodes(trx: Tx, accountId: number, hashes: readonly string[]): Promise<void> {
  if (hashes.length) {
    await trx
      .insertInto('passage_recovery_codes')
      .values(hashes.map((code_hash) => ({ account_id: accountId, code_hash, used_at: null })))
      .execute();
  }
}

export function createPassageRepository(ctx: SqlContext): PassageRepository {
  const { db } = ctx;
  return {
    async insertInvitation(invitation, audit) {
      return ctx.write(async (trx) => {
        const now = invitation.createdAt.getTime();
        await trx
          .updateTable('passage_invitations')
          .set({ expires_at: now })
          .where('email', '=', invitation.email)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .execute();
        const row = await trx
          .insertInto('passage_invitations')
          .values({
            token_hash: invitation.tokenHash,
            email: invitation.email,
            role: invitation.role,
            org_id: invitation.orgId,
            invited_by: invitation.invitedBy,
            created_at: now,
            expires_at: invitation.expiresAt.getTime(),
            used_at: null,
            pending_totp: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const created = toInvitation(row);
        await appendAuditRecord(trx, audit(created));
        return created;
      });
    },

    async findInvitation(tokenHash) {
      const row = await db
        .selectFrom('passage_invitations')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? toInvitation(row) : null;
    },

    async setPendingTotp(invitationId, sealed) {
      return ctx.write(async (trx) => {
        await trx
          .updateTable('passage_invitations')
          .set({ pending_totp: sealed })
          .where('id', '=', invitationId)
          .where('pending_totp', 'is', null)
          .execute();
        const row = await trx
          .selectFrom('passage_invitations')
          .select('pending_totp')
          .where('id', '=', invitationId)
          .executeTakeFirstOrThrow();
        return row.pending_totp ?? sealed;
      });
    },

    async createAccount(input, audit) {
      try {
        return await ctx.write(async (trx) => {
          const at = input.createdAt.getTime();
          const used = await trx
            .updateTable('passage_invitations')
            .set({ used_at: at })
            .where('id', '=', input.invitationId)
            .where('used_at', 'is', null)
            .where('expires_at', '>', at)
            .executeTakeFirst();
          if (Number(used.numUpdatedRows) === 0) return null;
          const row = await trx
            .insertInto('passage_accounts')
            .values({
              email: input.email,
              password_hash: input.passwordHash,
              totp_secret: input.sealedTotpSecret,
              totp_last_step: input.totpLastStep,
              role: input.role,
              org_id: input.orgId,
              created_at: at,
              disabled_at: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          const account = toAccount(row);
          await insertRecoveryCodes(trx, account.id, input.recoveryCodeHashes);
          const session = await insertSessionRow(trx, { ...input.session, accountId: account.id });
          for (const entry of audit(account, session)) await appendAuditRecord(trx, entry);
          return { account, session };
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new UserError('ALREADYEXISTS', `A Passage ID for ${input.email} already exists`);
        throw error;
      }
    },

    async findAccount(by) {
      let query = db.selectFrom('passage_accounts').selectAll();
      query = 'id' in by ? query.where('id', '=', by.id) : query.where('email', '=', by.email);
      const row = await query.executeTakeFirst();
      return row ? toAccount(row) : null;
    },

    async listAccounts() {
      const rows = await db
        .selectFrom('passage_accounts')
        .selectAll()
        .select((eb) =>
          eb
            .selectFrom('passage_mailbox_links')
            .select((count) => count.fn.countAll<number>().as('n'))
            .whereRef('passage_mailbox_links.account_id', '=', 'passage_accounts.id')
            .as('linked_mailboxes'),
        )
        .orderBy('email')
        .execute();
      return rows.map((row) => ({ ...toAccount(row), linkedMailboxes: Number(row.linked_mailboxes ?? 0) }));
    },

    async acceptTotpStep(accountId, step) {
      const result = await ctx.write((trx) =>
        trx
          .updateTable('passage_accounts')
          .set({ totp_last_step: step })
          .where('id', '=', accountId)
          .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },

    async setPassword(accountId, passwordHash, keepSessionId, audit) {
      return ctx.write(async (trx) => {
        await trx
          .updateTable('passage_accounts')
          .set({ password_hash: passwordHash })
          .where('id', '=', accountId)
          .execute();
        let query = trx.deleteFrom('passage_sessions').where('account_id', '=', accountId);
        if (keepSessionId !== null) query = query.where('id', '!=', keepSessionId);
        const deleted = await query.executeTakeFirst();
        for (const entry of audit) await appendAuditRecord(trx, entry);
        return Number(deleted.numDeletedRows);
      });
    },

    async replaceRecoveryCodes(accountId, codeHashes, audit) {
      await ctx.write(async (trx) => {
        await trx.deleteFrom('passage_recovery_codes').where('account_id', '=', accountId).execute();
        await insertRecoveryCodes(trx, accountId, codeHashes);
        for (const entry of audit) await appendAuditRecord(trx, entry);
      });
    },

    async useRecoveryCode(accountId, codeHash, at) {
      const result = await ctx.write((trx) =>
        trx
          .updateTable('passage_recovery_codes')
          .set({ used_at: at.getTime() })
          .where('account_id', '=', accountId)
          .where('code_hash', '=', codeHash)
          .where('used_at', 'is', null)
          .executeTakeFirst(),
      );
      // Codes are random and hashed with a key, so two equal hashes of one account do not occur.
      return Number(result.numUpdatedRows) > 0;
    },

    async countRecoveryCodes(accountId) {
      const row = await db
        .selectFrom('passage_recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async insertSession(session, audit, staleBefore) {
      return ctx.write(async (trx) => {
        const now = session.createdAt.getTime();
        await trx
          .deleteFrom('passage_sessions')
          .where('account_id', '=', session.accountId)
          .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', staleBefore.getTime())]))
          .execute();
        const created = await insertSessionRow(trx, session);
        for (const entry of audit(created)) await appendAuditRecord(trx, entry);
        return created;
      });
    },

    async findSession(tokenHash) {
      const row = await db
        .selectFrom('passage_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },

    async touchSession(id, at) {
      await ctx.write((trx) =>
        trx
          .updateTable('passage_sessions')
          .set({ last_seen_at: at.getTime() })
          .where('id', '=', id)
          .where('last_seen_at', '<', at.getTime())
          .execute(),
      );
    },

    async listSessions(accountId) {
      const rows = await db
        .selectFrom('passage_sessions')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('last_seen_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toSession);
    },

    async setDisabled(accountId, disabledAt, audit) {
      return ctx.write(async (trx) => {
        await trx
          .updateTable('passage_accounts')
          .set({ disabled_at: disabledAt ? disabledAt.getTime() : null })
          .where('id', '=', accountId)
          .execute();
        const ended = disabledAt
          ? Number((await trx.deleteFrom('passage_sessions').where('account_id', '=', accountId).executeTakeFirst()).numDeletedRows)
          : 0;
        for (const entry of audit) await appendAuditRecord(trx, entry);
        return ended;
      });
    },

    async deleteSessions(accountId, which, audit) {
      if ('ids' in which && which.ids.length === 0) return 0;
      return ctx.write(async (trx) => {
        let query = trx.deleteFrom('passage_sessions').where('account_id', '=', accountId);
        if ('ids' in which) query = query.where('id', 'in', [...which.ids]);
        else if (which.allExcept !== null) query = query.where('id', '!=', which.allExcept);
        const count = Number((await query.executeTakeFirst()).numDeletedRows);
        for (const entry of audit?.(count) ?? []) await appendAuditRecord(trx, entry);
        return count;
      });
    },
  };
}
