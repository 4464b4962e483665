// `npm run bench [-- OPTIONS]`: Zorgpost's absolute figures and, measured in the same run, the same
// IMAP work against Dovecot (Debian's dovecot-imapd on loopback) as the reference.
//
//   --messages N       size of the big folder (default 50000)
//   --runs N           timed repetitions of each IMAP command, after one warm-up (default 7)
//   --smtp-messages N  SMTPS submissions in the load test (default 2000)
//   --smtp-clients N   concurrent SMTPS clients (default 20)
//   --smtp-kb N        size of each submitted message in KB (default 20)
//   --only imap|smtp   run one part only
//   --no-dovecot       skip the reference (Zorgpost's absolute figures only)
//   --profile          run Zorgpost under `node --cpu-prof` and print where its CPU time went
//                      (profiles in .bench/profiles/; best with --only imap or --only smtp)
//   --keep             keep the work directory (filled folders) and print its path
//   --reuse DIR        use a kept work directory: skips filling (both servers keep their state,
//                      so the "cold" figures are then only a first-after-restart)
//   --json FILE        where to write the results (default .bench/latest.json)
//
// Quick run: `npm run bench:quick` (5,000 messages, 3 runs, 200 submissions).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DOVECOT_PASSWORD,
  DOVECOT_USER,
  ensureDovecot,
  prepareDovecot,
  startDovecot,
  type DovecotSetup,
} from './dovecot.ts';
import { FETCH_ITEMS, measureImap, type ImapServer } from './imap-bench.ts';
import { fsyncLatencyMs, loadAverage } from './machine.ts';
import { parseOptions, ROOT, usage } from './options.ts';
import { mainThreadProfile } from './profile-summary.ts';
import { buildRows, formatTable, type RunResults } from './report.ts';
import { measureSmtp } from './smtp-bench.ts';
import { prepareZorgpost, startZorgpost, type ZorgpostSetup } from './zorgpost.ts';

const options = parseOptions(process.argv.slice(2));
const log = (line: string) => process.stdout.write(`${line}\n`);
/** Stops whatever is running when the run ends, fails or is interrupted. */
const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse())
    await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

interface SavedSetup {
  messages: number;
  zorgpost: ZorgpostSetup;
  dovecot: DovecotSetup | null;
}

const runStarted = performance.now();
try {
  log(`Zorgpost benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  const work = options.reuse ?? (await mkdtemp(join(tmpdir(), 'zorgpost-bench-')));
  // Dovecot's mail processes run as nobody and have to get through this directory.
  await chmod(work, 0o755);
  if (!options.reuse && !options.keep) cleanups.push(() => rm(work, { recursive: true, force: true }));
  const fsyncBefore = await fsyncLatencyMs(work);
  log(`machine: load average ${loadAverage()}, fsync ${fsyncBefore.toFixed(2)} ms (median, work directory)`);
  const setupFile = join(work, 'setup.json');
  const setup = await loadOrPrepare(setupFile, work);
  if (options.smtp && setup.zorgpost.senders.length < options.smtpClients) {
    usage(`${work} has ${setup.zorgpost.senders.length} sender mailboxes; pass --smtp-clients ≤ that`);
  }

  const results: RunResults = {
    messages: options.messages,
    zorgpost: { imap: null, smtp: null },
    dovecot: { version: null, unavailable: null, coldBuildsIndex: false, imap: null },
  };
  let dovecotPort: number | null = null;
  if (options.imap && options.dovecot) dovecotPort = await startReference(setup, setupFile, work, results);
  else results.dovecot.unavailable = options.imap ? 'skipped (--no-dovecot)' : 'not run';

  const profileDir = join(ROOT, '.bench', 'profiles');
  if (options.profile) await mkdir(profileDir, { recursive: true });
  const profilesBefore = options.profile ? new Set(await readdir(profileDir)) : new Set<string>();
  const zorgpost = await startZorgpost(setup.zorgpost, {
    logFile: join(work, 'zorgpost.log'),
    ...(options.profile ? { profileDir } : {}),
  });
  cleanups.push(() => zorgpost.stop());
  log(`Zorgpost serving (pid ${zorgpost.pid}): IMAPS ${zorgpost.ports.imaps}, SMTPS ${zorgpost.ports.smtps}`);

  if (options.imap) {
    log(`IMAP: SELECT INBOX and FETCH 1:* ${FETCH_ITEMS}, ${options.runs} timed runs each after one warm-up`);
    const servers: ImapServer[] = [
      {
        name: 'zorgpost',
        tls: { port: zorgpost.ports.imaps, ca: zorgpost.ca, servername: 'localhost' },
        user: setup.zorgpost.reader.klantnummer,
        password: setup.zorgpost.reader.key,
      },
    ];
    if (dovecotPort !== null) {
      servers.push({
        name: 'dovecot',
        tls: { port: dovecotPort, ca: zorgpost.ca, servername: 'localhost' },
        user: DOVECOT_USER,
        password: DOVECOT_PASSWORD,
      });
    }
    const figures = await measureImap(servers, { messages: options.messages, runs: options.runs, log });
    results.zorgpost.imap = figures.get('zorgpost') ?? null;
    results.dovecot.imap = figures.get('dovecot') ?? null;
    for (const [name, f] of figures) log(`  ${name}: ${f.cipher}`);
  }

  if (options.smtp) {
    const accounts = setup.zorgpost.senders.slice(0, options.smtpClients);
    log(
      `SMTPS: ${options.smtpMessages} messages of ${options.smtpBytes / 1024} KB from ${accounts.length} concurrent clients`,
    );
    results.zorgpost.smtp = await measureSmtp({
      port: zorgpost.ports.smtps,
      ca: zorgpost.ca,
      accounts,
      messages: options.smtpMessages,
      messageBytes: options.smtpBytes,
    });
  }

  const fsyncAfter = await fsyncLatencyMs(work);
  await cleanUp();
  if (options.profile) log(await mainThreadProfile(profileDir, profilesBefore));

  const { rows, verdicts } = buildRows(results);
  log('');
  log(formatTable(rows));
  log('');
  for (const v of verdicts)
    log(`target ${v.name}: ${v.pass === null ? 'not judged' : v.pass ? 'PASS' : 'FAIL'} — ${v.detail}`);
  if (results.dovecot.unavailable) log(`Dovecot reference: ${results.dovecot.unavailable}`);
  // Other work on the machine shows up in every figure; these say how much there was.
  log(`total run time ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  log(
    `machine: load average ${loadAverage()}, fsync ${fsyncAfter.toFixed(2)} ms (at the start ${fsyncBefore.toFixed(2)} ms)`,
  );
  if (options.keep || options.reuse) log(`work directory kept: ${work} (rerun with --reuse ${work})`);

  await mkdir(dirname(options.json), { recursive: true });
  const record = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? null,
      node: process.version,
      loadAverageAtEnd: loadavg(),
      fsyncMs: { start: fsyncBefore, end: fsyncAfter },
    },
    // The figures belong to this code; uncommitted changes make them a snapshot of a work tree.
    code: codeVersion(),
    options,
    setup: { zorgpostFillSeconds: setup.zorgpost.fillSeconds, dovecotFillSeconds: setup.dovecot?.fillSeconds ?? null },
    results,
    table: rows,
    verdicts,
  };
  await writeFile(options.json, `${JSON.stringify(record, null, 2)}\n`);
  log(`results written to ${options.json}`);
} catch (error) {
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
  await cleanUp();
  process.exit(1);
}

async function loadOrPrepare(setupFile: string, work: string): Promise<SavedSetup> {
  if (existsSync(setupFile)) {
    const saved = JSON.parse(await readFile(setupFile, 'utf8')) as SavedSetup;
    if (saved.messages !== options.messages)
      usage(`${work} holds a folder of ${saved.messages} messages; pass --messages ${saved.messages}`);
    log(`reusing ${work} (${saved.messages} messages)`);
    return saved;
  }
  log(`filling Zorgpost: ${options.messages} messages through the mail service (${work})`);
  const started = performance.now();
  const zorgpost = await prepareZorgpost({
    dataDir: join(work, 'zorgpost'),
    messages: options.messages,
    senders: options.smtpClients,
    onProgress: (done) => log(`  ${done} messages, ${((performance.now() - started) / 1000).toFixed(0)} s`),
  });
  log(
    `  filled in ${zorgpost.fillSeconds.toFixed(1)} s (${(options.messages / zorgpost.fillSeconds).toFixed(0)} messages/s)`,
  );
  const saved: SavedSetup = { messages: options.messages, zorgpost, dovecot: null };
  await writeFile(setupFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return saved;
}

/** Starts Dovecot on the same folder (filling its Maildir first if needed); null when unavailable. */
async function startReference(
  setup: SavedSetup,
  setupFile: string,
  work: string,
  results: RunResults,
): Promise<number | null> {
  const found = ensureDovecot(log);
  if ('unavailable' in found) {
    results.dovecot.unavailable = found.unavailable;
    log(`Dovecot reference unavailable: ${found.unavailable}`);
    return null;
  }
  results.dovecot.version = found.version;
  if (!setup.dovecot) {
    results.dovecot.coldBuildsIndex = true;
    log(`filling Dovecot ${found.version}: ${options.messages} Maildir files`);
    setup.dovecot = await prepareDovecot({
      dir: join(work, 'dovecot'),
      messages: options.messages,
      onProgress: (done) => log(`  ${done} files`),
    });
    log(`  written in ${setup.dovecot.fillSeconds.toFixed(1)} s`);
    await writeFile(setupFile, JSON.stringify(setup, null, 2), { mode: 0o600 });
  }
  try {
    const dovecot = await startDovecot(setup.dovecot, setup.zorgpost.tls);
    cleanups.push(() => dovecot.stop());
    log(`Dovecot serving (pid ${dovecot.pid}): IMAPS ${dovecot.port}`);
    return dovecot.port;
  } catch (error) {
    results.dovecot.unavailable = (error as Error).message;
    log(`Dovecot reference unavailable: ${results.dovecot.unavailable}`);
    return null;
  }
}

function codeVersion(): { commit: string | null; uncommittedChanges: boolean | null } {
  try {
    const git = (...argv: string[]) => execFileSync('git', argv, { cwd: ROOT, encoding: 'utf8' }).trim();
    return {
      commit: git('rev-parse', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain', '--', 'src').length > 0,
    };
  } catch {
    return { commit: null, uncommittedChanges: null };
  }
}
