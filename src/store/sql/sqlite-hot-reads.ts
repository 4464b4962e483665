// The reads behind SELECT and FETCH 1:* on big folders, on a second, read-only SQLite connection
// with raw prepared statements: no query building, no row objects, and (WAL) never blocked by or
// seeing the uncommitted work of the writer connection.
import Database from 'better-sqlite3';
import type { MessageMeta } from '../../mail/types.ts';
import { decodeFlagsShared } from '../flag-bits.ts';
import type { HotReads } from './sql-context.ts';

type MetaRow = [uid: number, modseq: number, flags: number, keywords: string | null, internalDate: number, size: number, bodyId: number];

export function openSqliteHotReads(file: string): HotReads & { close(): void } {
  const db = new Database(file, { readonly: true, timeout: 10_000 });
  const uids = db.prepare('select uid from messages where folder_id = ? order by uid').pluck();
  const range = db
    .prepare(
      'select uid, modseq, flags, keywords, internal_date, size, body_id from messages ' +
        'where folder_id = ? and uid >= ? and uid <= ? order by uid limit ?',
    )
    .raw();
  // Without ANALYZE statistics SQLite prefers the primary key and scans the folder; the partial
  // index answers in one lookup.
  const firstUnseen = db.prepare('select uid from messages indexed by messages_unseen where folder_id = ? and (flags & 1) = 0 order by uid limit 1').pluck();
  return {
    listUids: (folderId) => uids.all(folderId) as number[],
    firstUnseenUid: (folderId) => (firstUnseen.get(folderId) as number | undefined) ?? null,
    listRange(folderId, startUid, endUid, limit) {
      const rows = range.all(folderId, startUid, Math.min(endUid, Number.MAX_SAFE_INTEGER), limit) as MetaRow[];
      return rows.map(
        ([uid, modseq, flags, keywords, internalDate, size, bodyId]): MessageMeta => ({
          uid,
          modseq,
          flags: decodeFlagsShared(flags, keywords),
          internalDate: new Date(internalDate),
          size,
          bodyId,
        }),
      );
    },
    close: () => db.close(),
  };
}
