// Candidates for fragments too short for the trigram index ("oz", "el"): a scan, but over an
// in-memory copy of the few directory_text columns such searches use, one string per entry — a few
// milliseconds for 100,000 entries where scanning rows in SQL takes ten times that. The copy belongs
// to a directory generation (a counter every directory write bumps in the same transaction), so a
// change made by any process is seen by the next search.
import { sql, type Kysely } from 'kysely';
import type { DirectoryIndexQuery } from '../store.ts';
import type { Database } from './schema.ts';
import type { Tx } from './sql-context.ts';

const GENERATION_KEY = 'directory_generation';

interface Snapshot {
  generation: string;
  /** Entry ids, ascending; column values are at the same positions. */
  ids: number[] | null;
  columns: Map<string, string[]>;
}

/** Bumps the directory generation inside a write transaction. */
export async function bumpDirectoryGeneration(trx: Tx): Promise<void> {
  await sql`insert into settings (key, value) values (${GENERATION_KEY}, '1')
    on conflict (key) do update set value = cast(cast(settings.value as integer) + 1 as text)`.execute(trx);
}

export class DirectoryScanner {
  readonly #db: Kysely<Database>;
  #snapshot: Snapshot | null = null;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Ids after `afterId` whose indexed text (phrases as sql/directory.ts stores them) may match. */
  async candidates(query: DirectoryIndexQuery, phrases: (leaf: Leaf) => string[], afterId: number, limit: number): Promise<number[]> {
    const snapshot = await this.#load(columnsOf(query));
    const ids = snapshot.ids ?? [];
    const matches = compile(query, snapshot, phrases);
    const out: number[] = [];
    for (let i = firstAfter(ids, afterId); i < ids.length && out.length < limit; i++) if (matches(i)) out.push(ids[i]!);
    return out;
  }

  async #load(columns: readonly string[]): Promise<Snapshot> {
    const generation = await this.#generation();
    if (this.#snapshot?.generation !== generation) this.#snapshot = { generation, ids: null, columns: new Map() };
    const snapshot = this.#snapshot;
    for (const column of columns) {
      if (snapshot.columns.has(column)) continue;
      const { rows } = await sql<{ id: number; text: string }>`select id, ${sql.ref(column)} as text from directory_text order by id`.execute(this.#db);
      // A write between reading the generation and the rows: answer from these rows, keep nothing.
      if ((await this.#generation()) !== generation) return { generation, ids: rows.map((r) => r.id), columns: new Map([[column, rows.map((r) => r.text)]]) };
      snapshot.ids ??= rows.map((r) => r.id);
      snapshot.columns.set(column, rows.map((r) => r.text));
    }
    return snapshot;
  }

  async #generation(): Promise<string> {
    const row = await this.#db.selectFrom('settings').select('value').where('key', '=', GENERATION_KEY).executeTakeFirst();
    return row?.value ?? '0';
  }
}

type Leaf = Extract<DirectoryIndexQuery, { attribute: string }>;

function columnsOf(query: DirectoryIndexQuery): string[] {
  return 'queries' in query ? [...new Set(query.queries.flatMap(columnsOf))] : [query.attribute];
}

function compile(query: DirectoryIndexQuery, snapshot: Snapshot, phrases: (leaf: Leaf) => string[]): (i: number) => boolean {
  if (!('queries' in query)) return contains(texts(snapshot, [query.attribute]), phrases(query));
  if (query.op === 'and') {
    const parts = query.queries.map((q) => compile(q, snapshot, phrases));
    return (i) => parts.every((p) => p(i));
  }
  // Outlook and Thunderbird look for one fragment in several attributes: one search in the joined
  // values of those attributes instead of one per attribute (the exact check follows anyway).
  const groups = new Map<string, { columns: string[]; phrases: string[] }>();
  const parts: Array<(i: number) => boolean> = [];
  for (const child of query.queries) {
    if ('queries' in child) {
      parts.push(compile(child, snapshot, phrases));
      continue;
    }
    const list = phrases(child);
    const key = JSON.stringify(list);
    const group = groups.get(key);
    if (group) group.columns.push(child.attribute);
    else groups.set(key, { columns: [child.attribute], phrases: list });
  }
  for (const group of groups.values()) parts.push(contains(texts(snapshot, group.columns), group.phrases));
  return parts.length === 1 ? parts[0]! : (i) => parts.some((p) => p(i));
}

function contains(values: readonly string[], wanted: readonly string[]): (i: number) => boolean {
  if (wanted.length === 1) {
    const phrase = wanted[0]!;
    return (i) => values[i]!.includes(phrase);
  }
  return (i) => wanted.every((phrase) => values[i]!.includes(phrase));
}

/** The values of one column, or of several joined per entry (kept with the snapshot). */
function texts(snapshot: Snapshot, columns: readonly string[]): readonly string[] {
  const key = [...new Set(columns)].sort().join(' ');
  let values = snapshot.columns.get(key);
  if (!values) {
    const parts = key.split(' ').map((column) => snapshot.columns.get(column)!);
    values = parts[0]!.map((_, i) => parts.map((part) => part[i]).join('\n'));
    snapshot.columns.set(key, values);
  }
  return values;
}

function firstAfter(ids: readonly number[], afterId: number): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle]! <= afterId) low = middle + 1;
    else high = middle;
  }
  return low;
}
