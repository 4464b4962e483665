#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test through tsx. On Node 20 `node --test` neither expands
// globs nor finds .ts files by itself, so the file list is built here and passed explicitly.
// Usage: npm test [-- substring ...]   (only files whose path contains one of the substrings)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

/** Newest modification time of the files under `path`. */
function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

// The browser apps (web/, `npm run build:web`) are built on `npm install`; a fresh checkout or an
// edit since the last build would otherwise test stale files, so build here when an app's page is
// missing or anything under web/ (or the API types the apps compile against) is newer than it.
/** The apps of web/vite.config.ts APPS. */
const WEB_APPS = ['viewer', 'patient', 'portal'];
const WIRE_FILES = ['viewer', 'patient', 'portal', 'webmail', 'shared'].map((dir) => `src/web/${dir}/wire.ts`);

function ensureWebBuild() {
  const built = WEB_APPS.map((app) => join(root, `dist/web/${app}/index.html`));
  const sources = Math.max(
    newestChange(join(root, 'web')),
    ...WIRE_FILES.map((file) => newestChange(join(root, file))),
  );
  if (built.every((page) => existsSync(page) && statSync(page).mtimeMs >= sources)) return;
  console.log('building the web apps (npm run build:web)');
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const files = findTests(join(root, 'test'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
ensureWebBuild();
console.log(`running ${files.length} test files`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...passThrough, ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
