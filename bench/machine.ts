// How busy the machine is while the figures are taken. The SMTPS figure is bound by fsync (every
// accepted message is synced to disk), and other work on this shared 2-core machine and its disk
// moves it by a factor of two between back-to-back runs; these two numbers, printed beside it,
// say whether a run was quiet.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { percentile } from './stats.ts';

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** Median time of a 4 KB write + fsync in `dir`, over `count` tries. */
export async function fsyncLatencyMs(dir: string, count = 50): Promise<number> {
  const path = join(dir, 'fsync-probe');
  const file = await open(path, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await file.write(block, 0, block.length, i * block.length);
      await file.sync();
      times.push(performance.now() - started);
    }
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

let clockTicks: number | null = null;

/** User + system CPU time of a process so far (Linux /proc), or null when it cannot be read. */
export function processCpuMs(pid: number): number | null {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) in parentheses; utime and stime are
    // fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1000;
  } catch {
    return null;
  }
}
