// One `zorgpost serve` per data directory: POP3 maildrop locks, login throttles and the local CA
// are per process, so a second server on the same files would break their guarantees. The CLI's
// short commands may run beside the server and need no lock.
import { readFileSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

const LOCK_FILE = 'serve.pid';

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid > 0 && isZorgpostProcess(pid)) {
        throw new UserError('INUSE', `another zorgpost serve (pid ${pid}) is already using ${dataDir}`);
      }
      // Left behind by a server that was killed: take it over.
      await rm(path, { force: true });
    }
  }
  throw new UserError('INUSE', `cannot lock ${dataDir}`);
}

function isZorgpostProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A recycled pid after a reboot belongs to some other program: check what runs there (Linux).
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('zorgpost');
  } catch {
    return true;
  }
}
