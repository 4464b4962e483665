// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: self time per function,
// and the same folded by source file, with node_modules packages and node internals kept apart
// so "our code vs. a library vs. the runtime" is visible at a glance.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  share: number;
}

export async function summariseProfile(
  file: string,
  top = 20,
): Promise<{ totalMs: number; functions: ProfileEntry[]; files: ProfileEntry[] }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next one (the V8 convention).
  for (let i = 0; i < samples.length; i++)
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    totalUs += us;
    const where = shortUrl(frame.url);
    // tsx-compiled sources report line 1 for everything; a line number is shown only where it means something.
    const fn = `${frame.functionName || '(anonymous)'} ${where}${frame.url && frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    files.set(where || frame.functionName, (files.get(where || frame.functionName) ?? 0) + us);
  }
  const rank = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: totalUs ? us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, functions: rank(functions), files: rank(files) };
}

function shortUrl(url: string): string {
  if (!url) return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

export function formatProfile(summary: { totalMs: number; functions: ProfileEntry[]; files: ProfileEntry[] }): string {
  const line = (e: ProfileEntry) =>
    `  ${e.ms.toFixed(0).padStart(7)} ms ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}`;
  return [
    `busy (non-idle) CPU time: ${summary.totalMs.toFixed(0)} ms`,
    'self time by function:',
    ...summary.functions.map(line),
    'self time by file:',
    ...summary.files.map(line),
  ].join('\n');
}

/** Summary of the profiles in `dir` not in `before`. The server's main thread is the busiest one;
 * tsx's module-loader thread writes a second, small profile that is only named. */
export async function mainThreadProfile(dir: string, before: Set<string>): Promise<string> {
  const fresh = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile') && !before.has(name));
  const profiles = await Promise.all(
    fresh.map(async (name) => ({ file: join(dir, name), summary: await summariseProfile(join(dir, name)) })),
  );
  profiles.sort((a, b) => b.summary.totalMs - a.summary.totalMs);
  const [main, ...others] = profiles;
  if (!main) return 'no CPU profile was written';
  return [
    `\nZorgpost CPU profile (main thread) ${main.file}`,
    formatProfile(main.summary),
    ...others.map((other) => `other thread: ${other.file} (${other.summary.totalMs.toFixed(0)} ms busy)`),
  ].join('\n');
}

// `node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP]`
if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [TOP]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatProfile(await summariseProfile(file, Number(top ?? 25)))}\n`);
}
