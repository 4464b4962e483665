// The community directory's entries and their search index. Entry attributes are stored as JSON; the
// searchable ones are also written, normalised, into directory_text (visible entries only), which a
// trigram full-text index (SQLite FTS5) covers: equality, prefix and substring candidates come from
// the index without reading the directory. Fragments too short for trigrams are found by scanning an
// in-memory copy of the columns they name (directory-scan.ts). The service checks every candidate against the
// exact filter, so candidates may over-approximate but must never miss an entry.
import { sql, type Selectable } from 'kysely';
import type { DirectoryEntryInput, DirectoryEntryRecord, DirectoryIndexQuery, DirectoryRepository } from '../store.ts';
import { INDEX_MIN_FRAGMENT } from '../store.ts';
import { DIRECTORY_INDEX_COLUMNS } from './migrations.ts';
import type { Database } from './schema.ts';
import type { SqlContext, Tx } from './sql-context.ts';
import { bumpDirectoryGeneration, DirectoryScanner } from './directory-scan.ts';

type EntryRow = Selectable<Database['directory_entries']>;

// Every indexed value is stored as START value END, so an anchored fragment ("jan" at the start of a
// value, or a whole value) is an ordinary substring of the indexed text.
const ALL_COLUMNS: ReadonlySet<string> = new Set(DIRECTORY_INDEX_COLUMNS);
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
  const columns = ALL_COLUMNS;
  const scanner = new DirectoryScanner(db);

  const columnList = sql.raw(DIRECTORY_INDEX_COLUMNS.join(', '));

  /** Drops the index rows of `ids`: an external-content FTS5 index is told the old values. */
  async function dropIndex(trx: Tx, ids: readonly number[]): Promise<void> {
    if (!ids.length) return;
    await sql`insert into directory_index (directory_index, rowid, ${columnList}) select 'delete', id, ${columnList} from directory_text where id in (${sql.join(ids)})`.execute(trx);
    await sql`delete from directory_text where id in (${sql.join(ids)})`.execute(trx);
  }

  async function writeIndex(trx: Tx, rows: ReadonlyArray<{ id: number; input: DirectoryEntryInput }>): Promise<void> {
    if (!rows.length) return;
    await dropIndex(trx, rows.map((r) => r.id));
    const visible = rows.filter((r) => !r.input.hidden);
    if (!visible.length) return;
    const values = sql.join(
      visible.map((r) => sql`(${sql.join([r.id, ...DIRECTORY_INDEX_COLUMNS.map((column) => indexText(r.input.index[column]))])})`),
    );
    await sql`insert into directory_text (id, ${columnList}) values ${values}`.execute(trx);
    await sql`insert into directory_index (rowid, ${columnList}) select id, ${columnList} from directory_text where id in (${sql.join(visible.map((r) => r.id))})`.execute(trx);
  }

  return {
    indexedAttributes: columns,

    async upsert(entries) {
      return ctx.write(async (trx, events) => {
        events.push({ type: 'directory' });
        await bumpDirectoryGeneration(trx);
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
      await ctx.write(async (trx, events) => {
        await dropIndex(trx, [id]);
        await trx.deleteFrom('directory_entries').where('id', '=', id).execute();
        await bumpDirectoryGeneration(trx);
        events.push({ type: 'directory' });
      });
    },

    async list({ afterId, limit, includeHidden }) {
      let query = db.selectFrom('directory_entries').selectAll().where('id', '>', afterId).orderBy('id').limit(limit);
      if (!includeHidden) query = query.where('hidden', '=', 0);
      return (await query.execute()).map(toRecord);
    },

    async candidates(query, afterId, limit) {
      if (query && indexable(query, columns)) {
        const { rows } = await sql<{ id: number }>`select rowid as id from directory_index where directory_index match ${matchExpression(query)} and rowid > ${afterId} order by rowid limit ${limit}`.execute(db);
        return rows.map((r) => Number(r.id));
      }
      if (query) {
        for (const column of columnsIn(query)) if (!columns.has(column)) throw new Error(`attribute ${column} is not indexed`);
        return scanner.candidates(query, phrases, afterId, limit);
      }
      const { rows } = await sql<{ id: number }>`select id from directory_text where id > ${afterId} order by id limit ${limit}`.execute(db);
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

function phrases(query: Extract<DirectoryIndexQuery, { attribute: string }>): string[] {
  const all =
    query.op === 'equals'
      ? [START + query.value + END]
      : [query.initial === null ? null : START + query.initial, ...query.any, query.final === null ? null : query.final + END];
  return all.filter((p): p is string => p !== null && p !== '' && p !== START && p !== END);
}

const usable = (phrase: string) => [...phrase].length >= INDEX_MIN_FRAGMENT;

/** Whether the trigram index can produce the query's candidates: every leaf of an OR needs a
 * fragment of trigram length; an AND needs one such child (the others are checked afterwards). */
function indexable(query: DirectoryIndexQuery, columns: ReadonlySet<string>): boolean {
  if ('queries' in query) {
    return query.op === 'and' ? query.queries.some((q) => indexable(q, columns)) : query.queries.every((q) => indexable(q, columns));
  }
  return columns.has(query.attribute) && phrases(query).some(usable);
}

/** An FTS5 MATCH expression for an indexable query (see `indexable`). */
function matchExpression(query: DirectoryIndexQuery): string {
  if (!('queries' in query)) return columnFilter([query.attribute], phrases(query));
  if (query.op === 'and') return `(${query.queries.filter((q) => indexable(q, ALL_COLUMNS)).map(matchExpression).join(' AND ')})`;
  // Outlook and Thunderbird look for one fragment in several attributes. FTS5 reads the posting
  // lists of a phrase's trigrams once per phrase, so the same phrases are asked once, for all those
  // columns together ({cn sn mail} : "…").
  const groups = new Map<string, { columns: string[]; phrases: string[] }>();
  const rest: string[] = [];
  for (const child of query.queries) {
    if ('queries' in child) {
      rest.push(matchExpression(child));
      continue;
    }
    const list = phrases(child);
    const key = JSON.stringify(list);
    const group = groups.get(key);
    if (group) group.columns.push(child.attribute);
    else groups.set(key, { columns: [child.attribute], phrases: list });
  }
  const parts = [...[...groups.values()].map((g) => columnFilter(g.columns, g.phrases)), ...rest];
  return `(${parts.join(' OR ')})`;
}

function columnFilter(columns: readonly string[], list: readonly string[]): string {
  const terms = list.filter(usable).map((p) => `"${p.replaceAll('"', '""')}"`);
  return `({${columns.join(' ')}} : (${terms.join(' AND ')}))`;
}

function columnsIn(query: DirectoryIndexQuery): string[] {
  return 'queries' in query ? query.queries.flatMap(columnsIn) : [query.attribute];
}
