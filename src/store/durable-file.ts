// Files that must survive a crash once a caller has been told they exist (a queued notification,
// an SMS in the development outbox): written under a temporary name, synced, renamed into place,
// and the directory synced, since a rename is durable only once its directory entry is (POSIX).
import { open, rename, rm } from 'node:fs/promises';

/** Writes `bytes` to `tmpPath`, syncs it and renames it to `path`; the directory is not synced. */
export async function writeAndRename(tmpPath: string, path: string, bytes: Buffer | string): Promise<void> {
  await writeSynced(tmpPath, bytes);
  await rename(tmpPath, path);
}

/** Writes a new file and syncs it; a failed write leaves no file behind. */
export async function writeSynced(path: string, bytes: Buffer | string): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
    await file.close();
  } catch (error) {
    await file.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
