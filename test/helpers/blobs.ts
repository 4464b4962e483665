// What the blob store holds on disk: every file under <dataDir>/blobs, temporary ones included.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

export async function listBlobFiles(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'blobs');
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else found.push(relative(root, path));
    }
  }
  await walk(root);
  return found.sort();
}
