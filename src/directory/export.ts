// Streams the directory as CSV or LDIF: entries are read in batches and written a chunk per entry,
// so an export of 100,000 people never holds the directory in memory.
import { csvChunks, ldifChunks } from './import-formats.ts';
import type { DirectoryEntry } from './types.ts';

export type DirectoryFormat = 'csv' | 'ldif';

export async function* exportChunks(format: DirectoryFormat, entries: AsyncIterable<DirectoryEntry>): AsyncGenerator<string> {
  const chunks = format === 'csv' ? csvChunks : ldifChunks;
  // The formatter's first chunk is the file header (CSV column names, LDIF version line).
  yield* chunks([]);
  for await (const entry of entries) {
    const [, body] = [...chunks([entry])];
    yield body!;
  }
}
