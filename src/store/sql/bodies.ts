// Message bodies are shared: one delivery to several recipients and every COPY reference the same
// blob. A reference count decides when the blob may go.
import { sql } from 'kysely';
import type { Tx } from './sql-context.ts';

/** Drops `count` references from each body; returns the blob ids whose last reference went. */
export async function releaseBodies(trx: Tx, releases: ReadonlyArray<[bodyId: number, count: number]>): Promise<string[]> {
  const released: string[] = [];
  for (const [bodyId, count] of releases) {
    const row = await trx
      .updateTable('bodies')
      .set({ refcount: sql<number>`refcount - ${count}` })
      .where('id', '=', bodyId)
      .returning(['refcount', 'blob_id'])
      .executeTakeFirst();
    if (row && row.refcount <= 0) {
      await trx.deleteFrom('bodies').where('id', '=', bodyId).execute();
      released.push(row.blob_id);
    }
  }
  return released;
}

export async function addBodyReferences(trx: Tx, bodyIds: readonly number[]): Promise<void> {
  const counts = new Map<number, number>();
  for (const id of bodyIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const [id, count] of counts) {
    await trx
      .updateTable('bodies')
      .set({ refcount: sql<number>`refcount + ${count}` })
      .where('id', '=', id)
      .execute();
  }
}
