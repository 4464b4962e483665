// The community directory's entries and their search index. Entry attributes are stored as JSON; the
// searchable ones are also written, normalised, into a trigram full-text index (SQLite FTS5), which
// answers equality, prefix and substring candidates without scanning the directory. The service
// checks every candidate against the exact filter, so the index may over-approximate but must never
// miss an entry.
import { sql, type Selectable } from 'kysely';
import type { DirectoryEntryInput, DirectoryEntryRecord, DirectoryIndexQuery, DirectoryRepository } from '../store.ts';
import { INDEX_MIN_FRAGMENT } from '../store.ts';
import { DIRECTORY_INDEX_COLUMNS } from './migrations.ts';
import type { Database } from './schema.ts';
import type { SqlContext, Tx } from './sql-context.ts';

type EntryRow = Selectable<Database['directory_entries']>;

// Every indexed value is stored as START value END, so an anchored fragment ("jan" at the start of a
// value, or a whole value) is an ordinary substring of the indexed text.
const START = '\u0002';
const END = '\u0003';
const BATCH = 400;

const toRecord = (row: EntryRow): DirectoryEntryRecord => ({
  id: row.id,
  kind: row.kind as DirectoryEntryRecord['kind'],
  uid: row.uid,
  mailboxId: row.mailbox_id,
  orgId: row.org_id,
  hidden: row.hidden === 1,
  attributes: JSON.parse(row.attributes) as Record<string, string[]>,
  updatedAt: new Date(Number(row.updated_at)),
});

export function createDirectoryRepository(ctx: SqlContext): DirectoryRepository {
  const { db } = ctx;
  const columns = new Set<string>(DIRECTORY_INDEX_COLUMNS);

  async function writeIndex(trx: Tx, rows: ReadonlyArray<{ id: number; input: DirectoryEntryInput }>): Promise<void> {
    if (!rows.length) return;
    await sql`delete from directory_index where rowid in (${sql.join(rows.map((r) => r.id))})`.execute(trx);
    const visible = rows.filter((r) => !r.input.hidden);
    if (!visible.length) return;
    const values = visible.map(
      (r) => sql`(${sql.join([r.id, ...DIRECTORY_INDEX_COLUMNS.map((column) => indexText(r.input.index[column]))])})`,
    );
    await sql`insert into directory_index (rowid, ${sql.raw(DIRECTORY_INDEX_COLUMNS.join(', '))}) values ${sql.join(values)}`.execute(trx);
  }

  return {
    indexedAttributes: columns,

    async upsert(entries) {
      return ctx.write(async (trx) => {
        const saved: DirectoryEntryRecord[] = [];
        const now = Date.now();
        for (let start = 0; start < entries.length; start += BATCH) {
          const batch = entries.slice(start, start + BATCH);
          const existing = new Map(
            (await trx.selectFrom('directory_entries').select(['id', 'uid']).where('uid', 'in', batch.map((e) => e.uid)).execute()).map((r) => [
              r.uid,
              r.id,
            ]),
          );
          const fresh = batch.filter((e) => !existing.has(e.uid));
          const indexed: Array<{ id: number; input: DirectoryEntryInput }> = [];
          if (fresh.length) {
            const inserted = await trx
              .insertInto('directory_entries')
              .values(fresh.map((e) => rowValues(e, now)))
              .returningAll()
              .execute();
            inserted.forEach((row, i) => {
              saved.push(toRecord(row));
              indexed.push({ id: row.id, input: fresh[i]! });
            });
          }
          for (const entry of batch) {
            const id = existing.get(entry.uid);
            if (id === undefined) continue;
            const row = await trx
              .updateTable('directory_entries')
              .set(rowValues(entry, now))
              .where('id', '=', id)
              .returningAll()
              .executeTakeFirstOrThrow();
            saved.push(toRecord(row));
            indexed.push({ id, input: entry });
          }
          await writeIndex(trx, indexed);
        }
        return saved;
      });
    },

    async find(by) {
      let query = db.selectFrom('directory_entries').selectAll();
      if ('id' in by) query = query.where('id', '=', by.id);
      else if ('uid' in by) query = query.where('uid', '=', by.uid);
      else query = query.where('mailbox_id', '=', by.mailboxId);
      const row = await query.executeTakeFirst();
      return row ? toRecord(row) : null;
    },

    async get(ids) {
      if (!ids.length) return [];
      const rows = await db.selectFrom('directory_entries').selectAll().where('id', 'in', ids).orderBy('id').execute();
      return rows.map(toRecord);
    },

    async remove(id) {
      await ctx.write(async (trx) => {
        await sql`delete from directory_index where rowid = ${id}`.execute(trx);
        await trx.deleteFrom('directory_entries').where('id', '=', id).execute();
      });
    },

    async list({ afterId, limit, includeHidden }) {
      let query = db.selectFrom('directory_entries').selectAll().where('id', '>', afterId).orderBy('id').limit(limit);
      if (!includeHidden) query = query.where('hidden', '=', 0);
      return (await query.execute()).map(toRecord);
    },

    async candidates(query, afterId, limit) {
      if (!query) {
        const rows = await db
          .selectFrom('directory_entries')
          .select('id')
          .where('hidden', '=', 0)
          .where('id', '>', afterId)
          .orderBy('id')
          .limit(limit)
          .execute();
        return rows.map((r) => r.id);
      }
      const expression = matchExpression(query, columns);
      const { rows } = await sql<{ id: number }>`select rowid as id from directory_index where directory_index match ${expression} and rowid > ${afterId} order by rowid limit ${limit}`.execute(db);
      return rows.map((r) => Number(r.id));
    },

    async count({ includeHidden }) {
      let query = db.selectFrom('directory_entries').select((eb) => eb.fn.countAll<number>().as('n'));
      if (!includeHidden) query = query.where('hidden', '=', 0);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },
  };
}

function rowValues(entry: DirectoryEntryInput, now: number) {
  return {
    kind: entry.kind,
    uid: entry.uid,
    mailbox_id: entry.mailboxId,
    org_id: entry.orgId,
    hidden: entry.hidden ? 1 : 0,
    attributes: JSON.stringify(entry.attributes),
    updated_at: now,
  };
}

function indexText(values: readonly string[] | undefined): string {
  return values?.length ? values.map((v) => START + v + END).join(' ') : '';
}

/** An FTS5 MATCH expression for the query. Fragments shorter than the trigram length cannot be
 * looked up; the service never sends a query that relies on one alone. */
function matchExpression(query: DirectoryIndexQuery, columns: ReadonlySet<string>): string {
  if ('queries' in query) {
    return `(${query.queries.map((q) => matchExpression(q, columns)).join(query.op === 'and' ? ' AND ' : ' OR ')})`;
  }
  if (!columns.has(query.attribute)) throw new Error(`attribute ${query.attribute} is not indexed`);
  const phrases =
    query.op === 'equals'
      ? [START + query.value + END]
      : [query.initial === null ? null : START + query.initial, ...query.any, query.final === null ? null : query.final + END];
  const usable = phrases.filter((p): p is string => p !== null && [...p].length >= INDEX_MIN_FRAGMENT);
  if (!usable.length) throw new Error('index query without a usable fragment');
  return `(${query.attribute} : (${usable.map((p) => `"${p.replaceAll('"', '""')}"`).join(' AND ')}))`;
}
