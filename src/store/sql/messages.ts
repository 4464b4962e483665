// Messages in folders: delivery, flags, copy/move, expunge and the change feed (mod-sequences).
import { sql, type Selectable } from 'kysely';
import type { MessageRepository } from '../store.ts';
import type { MessageMeta, UidRange } from '../../mail/types.ts';
import type { MessageStructure } from '../../mail/mime/types.ts';
import { UserError } from '../../errors.ts';
import { applyFlagUpdate, decodeFlags, DELETED, encodeFlags, keywordsColumn, SEEN } from '../flag-bits.ts';
import { normaliseRanges, rangesContain } from '../uid-ranges.ts';
import { lockFolder, type SqlContext, type Tx } from './sql-context.ts';
import { addBodyReferences, releaseBodies } from './bodies.ts';
import { appendAuditRecord } from './audit.ts';
import type { Database } from './schema.ts';

type MessageRow = Selectable<Database['messages']>;

const CHUNK = 500;

const toMeta = (row: MessageRow): MessageMeta => ({
  uid: Number(row.uid),
  modseq: Number(row.modseq),
  flags: decodeFlags(row.flags, row.keywords),
  internalDate: new Date(Number(row.internal_date)),
  size: Number(row.size),
  bodyId: row.body_id,
});

/** Rows of a folder within the UID ranges, read in UID order a chunk at a time. */
async function* selectRows(trx: Tx, folderId: number, ranges: UidRange[], onlyDeleted = false): AsyncGenerator<MessageRow[]> {
  const sorted = normaliseRanges(ranges);
  if (sorted.length === 0) return;
  let next = sorted[0]!.start;
  const last = sorted[sorted.length - 1]!.end;
  while (next <= last) {
    let query = trx
      .selectFrom('messages')
      .selectAll()
      .where('folder_id', '=', folderId)
      .where('uid', '>=', next)
      .orderBy('uid')
      .limit(CHUNK);
    if (Number.isFinite(last)) query = query.where('uid', '<=', last);
    if (onlyDeleted) query = query.where(sql<boolean>`(flags & ${DELETED}) != 0`);
    const rows = await query.execute();
    const matching = rows.filter((row) => rangesContain(sorted, Number(row.uid)));
    if (matching.length) yield matching;
    if (rows.length < CHUNK) return;
    next = Number(rows[rows.length - 1]!.uid) + 1;
  }
}

function mergeKeywords(known: string[], added: readonly string[]): string[] | null {
  const fresh = added.filter((k) => !known.some((c) => c.toLowerCase() === k.toLowerCase()));
  return fresh.length ? [...known, ...fresh] : null;
}

export function createMessageRepository(ctx: SqlContext): MessageRepository {
  const { db } = ctx;

  async function insertInto(
    trx: Tx,
    folderId: number,
    row: { bodyId: number; bits: number; keywords: string[]; internalDate: number; size: number },
  ) {
    const folder = await lockFolder(trx, folderId);
    const uid = folder.uidNext;
    const modseq = folder.highestModseq + 1;
    await trx
      .insertInto('messages')
      .values({
        folder_id: folderId,
        uid,
        body_id: row.bodyId,
        modseq,
        created_modseq: modseq,
        flags: row.bits,
        keywords: keywordsColumn(row.keywords),
        internal_date: row.internalDate,
        size: row.size,
      })
      .execute();
    const keywords = mergeKeywords(folder.keywords, row.keywords);
    await trx
      .updateTable('folders')
      .set({
        uid_next: uid + 1,
        highest_modseq: modseq,
        message_count: sql`message_count + 1`,
        unseen_count: sql`unseen_count + ${row.bits & SEEN ? 0 : 1}`,
        total_size: sql`total_size + ${row.size}`,
        ...(keywords ? { keywords: JSON.stringify(keywords) } : {}),
      })
      .where('id', '=', folderId)
      .execute();
    return { folder, uid, modseq };
  }

  /** Deletes rows, leaves tombstones for the change feed and fixes the folder's counters. */
  async function removeRows(trx: Tx, folderId: number, rows: MessageRow[], modseq: number) {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const uids = rows.slice(i, i + CHUNK).map((r) => r.uid);
      await trx.deleteFrom('messages').where('folder_id', '=', folderId).where('uid', 'in', uids).execute();
      await trx
        .insertInto('expunged')
        .values(uids.map((uid) => ({ folder_id: folderId, uid, modseq })))
        .onConflict((oc) => oc.columns(['folder_id', 'uid']).doUpdateSet({ modseq }))
        .execute();
    }
    const unseen = rows.filter((r) => !(r.flags & SEEN)).length;
    const size = rows.reduce((sum, r) => sum + Number(r.size), 0);
    await trx
      .updateTable('folders')
      .set({
        highest_modseq: modseq,
        message_count: sql`message_count - ${rows.length}`,
        unseen_count: sql`unseen_count - ${unseen}`,
        total_size: sql`total_size - ${size}`,
      })
      .where('id', '=', folderId)
      .execute();
  }

  return {
    async insert(body, targets, audit) {
      return ctx.write(async (trx, events) => {
        const { id: bodyId } = await trx
          .insertInto('bodies')
          .values({
            blob_id: body.blobId,
            size: body.size,
            structure: JSON.stringify(body.structure),
            refcount: targets.length,
            created_at: Date.now(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const results = [];
        for (const target of targets) {
          const { bits, keywords } = encodeFlags(target.flags);
          const internalDate = target.internalDate.getTime();
          const { folder, uid, modseq } = await insertInto(trx, target.folderId, { bodyId, bits, keywords, internalDate, size: body.size });
          events.push({ type: 'folder', mailboxId: folder.mailboxId, folderId: folder.id, modseq });
          results.push({ folderId: folder.id, uid, uidValidity: folder.uidValidity, modseq });
        }
        for (const entry of audit?.(results) ?? []) await appendAuditRecord(trx, entry);
        return results;
      });
    },

    async getBody(bodyId) {
      const row = await db.selectFrom('bodies').selectAll().where('id', '=', bodyId).executeTakeFirst();
      if (!row) return null;
      return { id: row.id, blobId: row.blob_id, size: Number(row.size), structure: JSON.parse(row.structure) as MessageStructure };
    },

    async listUids(folderId) {
      if (ctx.hot) return ctx.hot.listUids(folderId);
      const rows = await db.selectFrom('messages').select('uid').where('folder_id', '=', folderId).orderBy('uid').execute();
      return rows.map((r) => Number(r.uid));
    },

    async firstUnseenUid(folderId) {
      if (ctx.hot) return ctx.hot.firstUnseenUid(folderId);
      // The predicate matches the partial index messages_unseen exactly.
      const row = await db
        .selectFrom('messages')
        .select('uid')
        .where('folder_id', '=', folderId)
        .where(sql<boolean>`(flags & 1) = 0`)
        .orderBy('uid')
        .limit(1)
        .executeTakeFirst();
      return row ? Number(row.uid) : null;
    },

    async listRange(folderId, startUid, endUid, limit) {
      if (ctx.hot) return ctx.hot.listRange(folderId, startUid, endUid, limit);
      let query = db
        .selectFrom('messages')
        .selectAll()
        .where('folder_id', '=', folderId)
        .where('uid', '>=', startUid)
        .orderBy('uid')
        .limit(limit);
      if (Number.isFinite(endUid)) query = query.where('uid', '<=', endUid);
      return (await query.execute()).map(toMeta);
    },

    async updateFlags(folderId, uids, mode, flags, unchangedSince) {
      const change = encodeFlags(flags);
      return ctx.write(async (trx, events) => {
        const folder = await lockFolder(trx, folderId);
        const modseq = folder.highestModseq + 1;
        const changed: Array<{ uid: number; modseq: number; flags: string[] }> = [];
        const modified: number[] = [];
        let unseenDelta = 0;
        // Rows that end with the same flags are written with one UPDATE per chunk.
        const groups = new Map<string, { bits: number; keywords: string | null; uids: number[] }>();
        for await (const rows of selectRows(trx, folderId, uids)) {
          for (const row of rows) {
            // RFC 7162 §3.1.3: UNCHANGEDSINCE fails messages changed after the given mod-sequence.
            if (unchangedSince !== undefined && Number(row.modseq) > unchangedSince) {
              modified.push(Number(row.uid));
              continue;
            }
            const current = { bits: row.flags, keywords: row.keywords ? row.keywords.split(' ') : [] };
            const next = applyFlagUpdate(current, mode, change);
            const nextKeywords = keywordsColumn(next.keywords);
            if (next.bits === row.flags && nextKeywords === row.keywords) continue;
            unseenDelta += (next.bits & SEEN ? 0 : 1) - (row.flags & SEEN ? 0 : 1);
            const key = `${next.bits} ${nextKeywords ?? ''}`;
            const group = groups.get(key) ?? { bits: next.bits, keywords: nextKeywords, uids: [] };
            group.uids.push(Number(row.uid));
            groups.set(key, group);
            changed.push({ uid: Number(row.uid), modseq, flags: decodeFlags(next.bits, nextKeywords) });
          }
        }
        if (changed.length === 0) return { changed, highestModseq: folder.highestModseq, modified };
        for (const group of groups.values()) {
          for (let i = 0; i < group.uids.length; i += CHUNK) {
            await trx
              .updateTable('messages')
              .set({ flags: group.bits, keywords: group.keywords, modseq })
              .where('folder_id', '=', folderId)
              .where('uid', 'in', group.uids.slice(i, i + CHUNK))
              .execute();
          }
        }
        const keywords = mode === 'remove' ? null : mergeKeywords(folder.keywords, change.keywords);
        await trx
          .updateTable('folders')
          .set({
            highest_modseq: modseq,
            unseen_count: sql`unseen_count + ${unseenDelta}`,
            ...(keywords ? { keywords: JSON.stringify(keywords) } : {}),
          })
          .where('id', '=', folderId)
          .execute();
        changed.sort((a, b) => a.uid - b.uid);
        events.push({ type: 'folder', mailboxId: folder.mailboxId, folderId, modseq });
        return { changed, highestModseq: modseq, modified };
      });
    },

    async copy(sourceFolderId, uids, targetFolderId, move) {
      return ctx.write(async (trx, events) => {
        const source = await lockFolder(trx, sourceFolderId);
        const target = await lockFolder(trx, targetFolderId);
        const mapping: Array<[number, number]> = [];
        const moved: MessageRow[] = [];
        let nextUid = target.uidNext;
        const modseq = target.highestModseq + 1;
        let unseen = 0;
        let size = 0;
        let keywords = target.keywords;
        // Only messages that existed when the copy began: a MOVE within one folder (RFC 6851
        // allows it) must not pick up the copies it is making.
        const existing = uids.map((r) => ({ start: r.start, end: Math.min(r.end, source.uidNext - 1) })).filter((r) => r.start <= r.end);
        for await (const rows of selectRows(trx, sourceFolderId, existing)) {
          const values = rows.map((row) => ({ ...row, uid: nextUid++, modseq, created_modseq: modseq, folder_id: targetFolderId }));
          await trx.insertInto('messages').values(values).execute();
          if (!move) await addBodyReferences(trx, rows.map((r) => r.body_id));
          for (const [index, row] of rows.entries()) {
            mapping.push([Number(row.uid), values[index]!.uid]);
            if (!(row.flags & SEEN)) unseen++;
            size += Number(row.size);
            if (row.keywords) keywords = mergeKeywords(keywords, row.keywords.split(' ')) ?? keywords;
          }
          if (move) moved.push(...rows);
        }
        if (mapping.length === 0) return { uidValidity: target.uidValidity, mapping, expunged: [] };
        await trx
          .updateTable('folders')
          .set({
            uid_next: nextUid,
            highest_modseq: modseq,
            message_count: sql`message_count + ${mapping.length}`,
            unseen_count: sql`unseen_count + ${unseen}`,
            total_size: sql`total_size + ${size}`,
            keywords: JSON.stringify(keywords),
          })
          .where('id', '=', targetFolderId)
          .execute();
        events.push({ type: 'folder', mailboxId: target.mailboxId, folderId: targetFolderId, modseq });
        if (move) {
          const sourceModseq = source.highestModseq + 1;
          await removeRows(trx, sourceFolderId, moved, sourceModseq);
          events.push({ type: 'folder', mailboxId: source.mailboxId, folderId: sourceFolderId, modseq: sourceModseq });
        }
        return { uidValidity: target.uidValidity, mapping, expunged: move ? moved.map((r) => Number(r.uid)) : [] };
      });
    },

    async remove(folderId, selection) {
      return ctx.write(async (trx, events) => {
        const folder = await lockFolder(trx, folderId);
        const ranges = selection.uids ?? [{ start: 1, end: Infinity }];
        const rows: MessageRow[] = [];
        for await (const chunk of selectRows(trx, folderId, ranges, selection.onlyDeleted)) rows.push(...chunk);
        if (rows.length === 0) return { expunged: [], releasedBlobs: [] };
        const modseq = folder.highestModseq + 1;
        await removeRows(trx, folderId, rows, modseq);
        const perBody = new Map<number, number>();
        for (const row of rows) perBody.set(row.body_id, (perBody.get(row.body_id) ?? 0) + 1);
        const releasedBlobs = await releaseBodies(trx, [...perBody]);
        events.push({ type: 'folder', mailboxId: folder.mailboxId, folderId, modseq });
        return { expunged: rows.map((r) => Number(r.uid)), releasedBlobs };
      });
    },

    async changesSince(folderId, modseq) {
      const folder = await db
        .selectFrom('folders')
        .select(['highest_modseq', 'uid_next'])
        .where('id', '=', folderId)
        .executeTakeFirst();
      if (!folder) throw new UserError('NONEXISTENT', 'No such folder');
      const rows = await db
        .selectFrom('messages')
        .select(['uid', 'modseq', 'created_modseq', 'flags', 'keywords'])
        .where('folder_id', '=', folderId)
        .where('modseq', '>', modseq)
        .orderBy('uid')
        .execute();
      const gone = await db
        .selectFrom('expunged')
        .select('uid')
        .where('folder_id', '=', folderId)
        .where('modseq', '>', modseq)
        .orderBy('uid')
        .execute();
      return {
        highestModseq: Number(folder.highest_modseq),
        uidNext: Number(folder.uid_next),
        added: rows.filter((r) => Number(r.created_modseq) > modseq).map((r) => Number(r.uid)),
        updated: rows
          .filter((r) => Number(r.created_modseq) <= modseq)
          .map((r) => ({ uid: Number(r.uid), modseq: Number(r.modseq), flags: decodeFlags(r.flags, r.keywords) })),
        expunged: gone.map((r) => Number(r.uid)),
      };
    },
  };
}
