// Folders (IMAP mailboxes), subscriptions and \Recent bookkeeping.
import { sql } from 'kysely';
import type { FolderRepository } from '../store.ts';
import { UserError } from '../../errors.ts';
import { isUniqueViolation, lockFolder, toFolder, type SqlContext, type Tx } from './sql-context.ts';
import { releaseBodies } from './bodies.ts';

/** RFC 3501 §2.3.1.1: a folder re-created under an old name must get a new UIDVALIDITY, so values
 * come from one persistent counter, seeded with the clock so they also differ across reinstalls. */
async function nextUidValidity(trx: Tx): Promise<number> {
  const row = await trx.selectFrom('settings').select('value').where('key', '=', 'next_uid_validity').executeTakeFirst();
  const seconds = Math.floor(Date.now() / 1000);
  const value = Math.max(seconds, row ? Number(row.value) : 0);
  await trx
    .insertInto('settings')
    .values({ key: 'next_uid_validity', value: String(value + 1) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(value + 1) }))
    .execute();
  return value;
}

export async function insertFolderRow(trx: Tx, mailboxId: number, name: string, specialUse: string | null) {
  return trx
    .insertInto('folders')
    .values({
      mailbox_id: mailboxId,
      name,
      special_use: specialUse,
      uid_validity: await nextUidValidity(trx),
      uid_next: 1,
      highest_modseq: 1,
      recent_floor: 0,
      message_count: 0,
      unseen_count: 0,
      total_size: 0,
      keywords: '[]',
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function createFolderRepository(ctx: SqlContext): FolderRepository {
  const { db } = ctx;
  return {
    async list(mailboxId) {
      const rows = await db.selectFrom('folders').selectAll().where('mailbox_id', '=', mailboxId).orderBy('name').execute();
      return rows.map(toFolder);
    },

    async find(mailboxId, name) {
      const row = await db
        .selectFrom('folders')
        .selectAll()
        .where('mailbox_id', '=', mailboxId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row ? toFolder(row) : null;
    },

    async findById(folderId) {
      const row = await db.selectFrom('folders').selectAll().where('id', '=', folderId).executeTakeFirst();
      return row ? toFolder(row) : null;
    },

    async insert(mailboxId, name, specialUse) {
      try {
        return await ctx.write(async (trx, events) => {
          const row = await insertFolderRow(trx, mailboxId, name, specialUse);
          events.push({ type: 'folders', mailboxId });
          return toFolder(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new UserError('ALREADYEXISTS', 'Folder already exists');
        throw error;
      }
    },

    async delete(folderId) {
      return ctx.write(async (trx, events) => {
        const folder = await lockFolder(trx, folderId);
        const counts = await trx
          .selectFrom('messages')
          .select(['body_id', sql<number>`count(*)`.as('n')])
          .where('folder_id', '=', folderId)
          .groupBy('body_id')
          .execute();
        await trx.deleteFrom('messages').where('folder_id', '=', folderId).execute();
        await trx.deleteFrom('expunged').where('folder_id', '=', folderId).execute();
        await trx.deleteFrom('folders').where('id', '=', folderId).execute();
        const releasedBlobs = await releaseBodies(trx, counts.map((c) => [c.body_id, Number(c.n)]));
        events.push({ type: 'folders', mailboxId: folder.mailboxId });
        events.push({ type: 'folder', mailboxId: folder.mailboxId, folderId, modseq: folder.highestModseq + 1 });
        return { releasedBlobs };
      });
    },

    async rename(mailboxId, renames) {
      try {
        await ctx.write(async (trx, events) => {
          // Two passes through temporary names so a rename like a→b, b→c never collides midway.
          for (const [index, [from]] of renames.entries()) {
            await trx
              .updateTable('folders')
              .set({ name: `\u0000rename-${index}` })
              .where('mailbox_id', '=', mailboxId)
              .where('name', '=', from)
              .execute();
          }
          for (const [index, [, to]] of renames.entries()) {
            await trx
              .updateTable('folders')
              .set({ name: to })
              .where('mailbox_id', '=', mailboxId)
              .where('name', '=', `\u0000rename-${index}`)
              .execute();
          }
          events.push({ type: 'folders', mailboxId });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new UserError('ALREADYEXISTS', 'A folder with the new name already exists');
        throw error;
      }
    },

    async listSubscriptions(mailboxId) {
      const rows = await db.selectFrom('subscriptions').select('name').where('mailbox_id', '=', mailboxId).orderBy('name').execute();
      return rows.map((r) => r.name);
    },

    async setSubscribed(mailboxId, name, subscribed) {
      await ctx.write(async (trx) => {
        if (subscribed) {
          await trx
            .insertInto('subscriptions')
            .values({ mailbox_id: mailboxId, name })
            .onConflict((oc) => oc.doNothing())
            .execute();
        } else {
          await trx.deleteFrom('subscriptions').where('mailbox_id', '=', mailboxId).where('name', '=', name).execute();
        }
      });
    },

    async countRecent(folderId) {
      const row = await db
        .selectFrom('messages')
        .innerJoin('folders', 'folders.id', 'messages.folder_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('messages.folder_id', '=', folderId)
        .whereRef('messages.uid', '>', 'folders.recent_floor')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async claimRecent(folderId) {
      return ctx.write(async (trx) => {
        const row = await trx
          .selectFrom('folders')
          .select(['recent_floor', 'uid_next'])
          .where('id', '=', folderId)
          .executeTakeFirst();
        if (!row) throw new UserError('NONEXISTENT', 'No such folder');
        const floor = Number(row.recent_floor);
        const newFloor = Number(row.uid_next) - 1;
        if (newFloor !== floor) await trx.updateTable('folders').set({ recent_floor: newFloor }).where('id', '=', folderId).execute();
        return floor;
      });
    },
  };
}
