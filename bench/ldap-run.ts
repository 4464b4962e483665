// `npm run bench:ldap [-- OPTIONS]`: the LDAPS address book (issue 3, "Numbers") on a directory of
// generated healthcare people, and, measured in the same run, the same searches against OpenLDAP
// (Debian's slapd on loopback, same entries, with its indexes) as the reference.
//
//   --people N      people in the directory (default 100000)
//   --reps N        timed rounds over every filter shape × search term, after one warm-up (default 10)
//   --seconds N     throughput run per server, in two alternating halves (default 10)
//   --clients N     concurrent bound clients in the throughput run (default 20)
//   --no-slapd      skip the reference (Zorgpost's absolute figures only)
//   --keep          keep the work directory (loaded directories) and print its path
//   --reuse DIR     use a kept work directory: skips loading
//   --json FILE     where to write the results (default .bench/ldap-latest.json)
//
// Quick run: `npm run bench:ldap:quick` (10,000 people, 3 rounds, 5 s).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePeople, SEARCH_TERMS, QUERY_SHAPES, type Person } from './ldap-directory.ts';
import { measureLatency, measureThroughput, SIZE_LIMIT, type LdapTarget, type SearchFailure } from './ldap-load.ts';
import {
  buildRows,
  checkCounts,
  formatTable,
  slowestTerms,
  type LdapRunResults,
  type ServerResults,
} from './ldap-report.ts';
import { ensureSlapd, prepareSlapd, slapdExtraEntries, startSlapd, type SlapdSetup } from './ldap-slapd.ts';
import {
  prepareZorgpostDirectory,
  readCa,
  startZorgpostLdap,
  zorgpostExtraEntries,
  type ZorgpostLdapSetup,
} from './ldap-zorgpost.ts';
import { loadAverage } from './machine.ts';
import { ROOT } from './options.ts';

const PAGED_RUNS = 3;

interface LdapBenchOptions {
  people: number;
  reps: number;
  seconds: number;
  clients: number;
  slapd: boolean;
  keep: boolean;
  reuse: string | null;
  json: string;
}

function parseOptions(argv: string[]): LdapBenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        people: { type: 'string', default: '100000' },
        reps: { type: 'string', default: '10' },
        seconds: { type: 'string', default: '10' },
        clients: { type: 'string', default: '20' },
        'no-slapd': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        reuse: { type: 'string' },
        json: { type: 'string', default: join(ROOT, '.bench', 'ldap-latest.json') },
      },
      strict: true,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  const count = (name: 'people' | 'reps' | 'seconds' | 'clients', min: number): number => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) usage(`--${name} must be a whole number ≥ ${min}`);
    return value;
  };
  return {
    people: count('people', 1),
    reps: count('reps', 1),
    seconds: count('seconds', 1),
    clients: count('clients', 1),
    slapd: !values['no-slapd'],
    keep: values.keep,
    reuse: values.reuse ? resolve(values.reuse) : null,
    json: resolve(values.json),
  };
}

function usage(message: string): never {
  process.stderr.write(`bench:ldap: ${message} (options are described at the top of bench/ldap-run.ts)\n`);
  process.exit(2);
}

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
  people: number;
  zorgpost: ZorgpostLdapSetup;
  slapd: SlapdSetup | null;
}

const runStarted = performance.now();
try {
  log(`Zorgpost LDAP benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  log(`machine: load average ${loadAverage()}`);
  const work = options.reuse ?? (await mkdtemp(join(tmpdir(), 'zorgpost-ldap-bench-')));
  if (!options.reuse && !options.keep) cleanups.push(() => rm(work, { recursive: true, force: true }));
  const people = generatePeople(options.people);
  const setupFile = join(work, 'setup.json');
  const setup = await loadOrPrepare(setupFile, work, people);

  const results: LdapRunResults = {
    people: options.people,
    zorgpost: {
      version: null,
      unavailable: null,
      loadSeconds: setup.zorgpost.loadSeconds,
      latency: null,
      throughput: null,
    },
    openldap: { version: null, unavailable: null, loadSeconds: null, latency: null, throughput: null },
  };
  const ca = await readCa(setup.zorgpost);
  const targets: LdapTarget[] = [];
  const zorgpost = await startZorgpostLdap(setup.zorgpost, join(work, 'zorgpost.log'));
  cleanups.push(() => zorgpost.stop());
  log(`Zorgpost serving (pid ${zorgpost.pid}): LDAPS ${zorgpost.port}`);
  targets.push({
    name: 'zorgpost',
    port: zorgpost.port,
    ca,
    bindDn: setup.zorgpost.bindDn,
    password: setup.zorgpost.key,
    pid: zorgpost.pid,
  });
  if (options.slapd) {
    const reference = await startReference(setup, setupFile, work, people, results.openldap);
    if (reference) targets.push({ ...reference, ca });
  } else results.openldap.unavailable = 'skipped (--no-slapd)';

  const searches = QUERY_SHAPES.length * SEARCH_TERMS.length;
  log(
    `latency: ${QUERY_SHAPES.length} filter shapes × ${SEARCH_TERMS.length} terms, sizeLimit ${SIZE_LIMIT}, ` +
      `one bound client per server, ${options.reps} timed rounds (${searches * options.reps} searches per server) after one warm-up`,
  );
  const latency = await measureLatency(targets, { reps: options.reps, pagedRuns: PAGED_RUNS, log });
  results.zorgpost.latency = latency.get('zorgpost') ?? null;
  results.openldap.latency = latency.get('openldap') ?? null;
  for (const [name, f] of latency) log(`  ${name}: ${f.tls}`);

  log(`throughput: ${options.clients} bound clients per server, the same query mix, ${options.seconds} s per server`);
  const throughput = await measureThroughput(targets, { clients: options.clients, seconds: options.seconds, log });
  results.zorgpost.throughput = throughput.get('zorgpost') ?? null;
  results.openldap.throughput = throughput.get('openldap') ?? null;
  await cleanUp();

  const { rows, verdicts } = buildRows(results);
  log('');
  log(`${options.people.toLocaleString('en-US')} people: Zorgpost and ${results.openldap.version ?? 'OpenLDAP'}`);
  log(formatTable(rows));
  log('');
  for (const v of verdicts)
    log(`goal ${v.name}: ${v.pass === null ? 'not judged' : v.pass ? 'PASS' : 'FAIL'} — ${v.detail}`);
  if (results.openldap.unavailable) log(`OpenLDAP reference: ${results.openldap.unavailable}`);
  log('');
  log('slowest search terms on Zorgpost (median):');
  for (const line of slowestTerms(results)) log(`  ${line}`);

  const guard = checkCounts(results, {
    zorgpost: [...people, ...zorgpostExtraEntries()],
    openldap: [...people, ...slapdExtraEntries()],
  });
  log('');
  log(
    `correctness: ${guard.checked} entry counts checked against each server's own matching rule; ` +
      `${guard.wrong.length} wrong`,
  );
  for (const w of guard.wrong.slice(0, 20))
    log(`  WRONG ${w.server}: ${w.filter} returned ${w.got ?? 'an error'}, expected ${w.expected}`);
  if (guard.differByRule.length) {
    log(
      `  the servers differ on ${guard.differByRule.length} searches, as their rules say (Zorgpost ignores diacritics):`,
    );
    for (const d of guard.differByRule.slice(0, 8))
      log(`    ${d.filter}: Zorgpost ${d.zorgpost}, OpenLDAP ${d.openldap}`);
  }
  reportFailures('zorgpost', results.zorgpost);
  reportFailures('openldap', results.openldap);

  log('');
  log(`total run time ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  // Other work on this shared 2-core machine shows up in every figure.
  log(`machine: load average ${loadAverage()}`);
  if (options.keep || options.reuse) log(`work directory kept: ${work} (rerun with --reuse ${work})`);

  await mkdir(dirname(options.json), { recursive: true });
  const record = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? null,
      node: process.version,
      loadAverageAtEnd: loadavg(),
    },
    // The figures belong to this code; uncommitted changes make them a snapshot of a work tree.
    code: codeVersion(),
    options,
    queries: { shapes: QUERY_SHAPES.map((s) => s.name), terms: SEARCH_TERMS, sizeLimit: SIZE_LIMIT },
    results,
    correctness: guard,
    table: rows,
    verdicts,
  };
  await writeFile(options.json, `${JSON.stringify(record, null, 2)}\n`);
  log(`results written to ${options.json}`);
} catch (error) {
  log(`bench:ldap failed: ${(error as Error).stack ?? String(error)}`);
  await cleanUp();
  process.exit(1);
}

async function loadOrPrepare(setupFile: string, work: string, people: readonly Person[]): Promise<SavedSetup> {
  if (existsSync(setupFile)) {
    const saved = JSON.parse(await readFile(setupFile, 'utf8')) as SavedSetup;
    if (saved.people !== options.people)
      usage(`${work} holds a directory of ${saved.people} people; pass --people ${saved.people}`);
    log(`reusing ${work} (${saved.people} people)`);
    return saved;
  }
  log(`loading Zorgpost: ${people.length} people through the directory service (${work})`);
  const started = performance.now();
  const zorgpost = await prepareZorgpostDirectory({
    dataDir: join(work, 'zorgpost'),
    people,
    onProgress: (done) => {
      if (done % 20_000 === 0 || done === people.length)
        log(`  ${done} people, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    },
  });
  log(
    `  imported in ${zorgpost.loadSeconds.toFixed(1)} s (${(people.length / zorgpost.loadSeconds).toFixed(0)} people/s)`,
  );
  const saved: SavedSetup = { people: people.length, zorgpost, slapd: null };
  await writeFile(setupFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return saved;
}

/** Starts slapd on the same people (loading them first if needed); null when unavailable. */
async function startReference(
  setup: SavedSetup,
  setupFile: string,
  work: string,
  people: readonly Person[],
  results: ServerResults,
): Promise<Omit<LdapTarget, 'ca'> | null> {
  const found = ensureSlapd(log);
  if ('unavailable' in found) {
    results.unavailable = found.unavailable;
    log(`OpenLDAP reference unavailable: ${found.unavailable}`);
    return null;
  }
  results.version = found.version;
  try {
    if (!setup.slapd) {
      log(`loading ${found.version}: ${people.length} people with slapadd -q`);
      setup.slapd = await prepareSlapd({ dir: join(work, 'slapd'), people, tls: setup.zorgpost.tls });
      log(`  loaded in ${setup.slapd.loadSeconds.toFixed(1)} s`);
      await writeFile(setupFile, JSON.stringify(setup, null, 2), { mode: 0o600 });
    }
    results.loadSeconds = setup.slapd.loadSeconds;
    const slapd = await startSlapd(setup.slapd);
    cleanups.push(() => slapd.stop());
    log(`slapd serving (pid ${slapd.pid}): LDAPS ${slapd.port}`);
    return {
      name: 'openldap',
      port: slapd.port,
      bindDn: setup.slapd.bindDn,
      password: setup.slapd.password,
      pid: slapd.pid,
    };
  } catch (error) {
    results.unavailable = (error as Error).message;
    log(`OpenLDAP reference unavailable: ${results.unavailable}`);
    return null;
  }
}

/** Failed searches with the request that caused them: for a server bug report, not a workaround. */
function reportFailures(name: string, server: ServerResults): void {
  const failures: SearchFailure[] = [
    ...(server.latency?.failures ?? []),
    ...(server.throughput?.failureExamples ?? []),
  ];
  const underLoad = server.throughput?.failures ?? 0;
  if (!failures.length && !underLoad) return;
  log(`${name}: ${server.latency?.failures.length ?? 0} searches failed in the latency runs, ${underLoad} under load`);
  const seen = new Set<string>();
  for (const f of failures) {
    const key = `${f.filter} ${f.error}`;
    if (seen.has(key)) continue;
    seen.add(key);
    log(`  request: search ${f.options} filter ${f.filter}`);
    log(`  response: ${f.error}`);
    if (seen.size >= 6) break;
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
