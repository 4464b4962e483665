// The measuring client, the same for both servers: ldapts (a client nobody here wrote) over LDAPS
// with TLS 1.3 forced, bound as the benchmark user. Latency is one client, one search at a time;
// throughput is N bound clients searching as fast as the server answers.
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Client } from 'ldapts';
import { BASE_DN, escapeFilterValue, QUERY_SHAPES, SEARCH_TERMS, type QueryShape } from './ldap-directory.ts';
import { percentile } from './stats.ts';
import { processCpuMs } from './machine.ts';

/** What Outlook asks an LDAP address book for in a type-ahead search (with its default size limit). */
export const ATTRIBUTES = ['cn', 'displayName', 'givenName', 'sn', 'mail', 'o', 'title', 'l', 'telephoneNumber'];
export const SIZE_LIMIT = 100;
export const PAGED_FILTER = '(cn=*jan*)';
const PAGE_SIZE = 500;

export interface LdapTarget {
  name: 'zorgpost' | 'openldap';
  port: number;
  ca: Buffer;
  bindDn: string;
  password: string;
  /** The server process, for its CPU time. */
  pid: number;
}

/** A search that failed in a way a client would notice: kept with the request that caused it. */
export interface SearchFailure {
  server: string;
  filter: string;
  options: string;
  error: string;
}

export interface SearchOutcome {
  ms: number;
  /** Entries returned; null when the search failed. */
  entries: number | null;
  /** The server said sizeLimitExceeded (a normal end for a type-ahead search). */
  limited: boolean;
}

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ShapeLatency {
  shape: string;
  all: Percentiles;
  /** Median per term, slowest first. */
  byTerm: Array<{ term: string; median: number; entries: number | null }>;
}

export interface LatencyFigures {
  tls: string;
  shapes: ShapeLatency[];
  /** Entries found per shape and term (warm-up run), for the correctness guard. */
  counts: Record<string, Record<string, number | null>>;
  paged: { runs: number[]; median: number; entries: number | null; pages: number };
  /** CPU time per timed search of the server process and of the measuring client (ldapts decoding
   * the entries): what of the latency is the server's own work. */
  cpuMsPerSearch: { server: number | null; client: number };
  failures: SearchFailure[];
}

export interface ThroughputFigures {
  clients: number;
  seconds: number;
  searches: number;
  perSecond: number;
  latencyMs: Percentiles;
  failures: number;
  /** The first few failed searches, request and response, for the report. */
  failureExamples: SearchFailure[];
  /** CPU time of the server process per 1,000 searches (both cores count). */
  serverCpuMsPer1000: number | null;
  /** Share of one core the measuring process used: near 100 % means the client, not the server, set
   * the pace. */
  clientCpuPercent: number;
}

export function summarisePercentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

interface BoundClient {
  client: Client;
  socket: () => TLSSocket | undefined;
}

async function bindClient(target: LdapTarget): Promise<BoundClient> {
  let socket: TLSSocket | undefined;
  const client = new Client({
    url: `ldaps://127.0.0.1:${target.port}`,
    tlsOptions: { ca: target.ca, minVersion: 'TLSv1.3' },
    timeout: 120_000,
    connectTimeout: 10_000,
    // Kept to report the negotiated protocol and cipher.
    createSecureConnection: ((...args: Parameters<typeof tlsConnect>) => {
      socket = tlsConnect(...args);
      return socket;
    }) as typeof tlsConnect,
  });
  await client.bind(target.bindDn, target.password);
  return { client, socket: () => socket };
}

async function search(
  target: LdapTarget,
  client: Client,
  filter: string,
  options: { sizeLimit?: number; paged?: boolean },
  failures: SearchFailure[],
): Promise<SearchOutcome> {
  const started = performance.now();
  try {
    const result = await client.search(BASE_DN, {
      scope: 'sub',
      filter,
      attributes: ATTRIBUTES,
      ...(options.sizeLimit ? { sizeLimit: options.sizeLimit } : {}),
      ...(options.paged ? { paged: { pageSize: PAGE_SIZE } } : {}),
    });
    const entries = result.searchEntries.length;
    const ms = performance.now() - started;
    // ldapts hands back the entries of a search that ends in sizeLimitExceeded when the client set
    // the limit; reaching the limit is how it shows.
    return { ms, entries, limited: options.sizeLimit !== undefined && entries >= options.sizeLimit };
  } catch (error) {
    const ms = performance.now() - started;
    const e = error as Error & { code?: number };
    // Only when a limit the client did not set stopped it: a normal end, without the entries.
    if (e.name === 'SizeLimitExceededError') return { ms, entries: null, limited: true };
    failures.push({
      server: target.name,
      filter,
      options: JSON.stringify({ base: BASE_DN, scope: 'sub', attributes: ATTRIBUTES, ...options }),
      error: `${e.name}${e.code === undefined ? '' : ` (resultCode ${e.code})`}: ${e.message}`,
    });
    return { ms, entries: null, limited: false };
  }
}

interface Job {
  shape: QueryShape;
  term: string;
  filter: string;
}

const jobs = (): Job[] =>
  QUERY_SHAPES.flatMap((shape) =>
    SEARCH_TERMS.map((term) => ({ shape, term, filter: shape.filter(escapeFilterValue(term)) })),
  );

/** Sequential searches on one bound client per server, alternating between the servers search by
 * search so a noisy moment on the machine hits both; one untimed pass first. */
export async function measureLatency(
  targets: readonly LdapTarget[],
  options: { reps: number; pagedRuns: number; log: (line: string) => void },
): Promise<Map<string, LatencyFigures>> {
  const bound = new Map<string, BoundClient>();
  try {
    for (const target of targets) bound.set(target.name, await bindClient(target));
    const all = jobs();
    const figures = new Map<string, LatencyFigures>();
    const samples = new Map<string, Map<string, Map<string, number[]>>>();
    for (const target of targets) {
      const socket = bound.get(target.name)!.socket();
      const cipher = socket?.getCipher();
      figures.set(target.name, {
        tls: `${socket?.getProtocol() ?? '?'} ${cipher?.standardName ?? cipher?.name ?? ''}`.trim(),
        shapes: [],
        counts: {},
        paged: { runs: [], median: Number.NaN, entries: null, pages: 0 },
        cpuMsPerSearch: { server: null, client: 0 },
        failures: [],
      });
      samples.set(target.name, new Map(QUERY_SHAPES.map((s) => [s.name, new Map(SEARCH_TERMS.map((t) => [t, []]))])));
    }
    const typeAhead = (target: LdapTarget, job: Job) =>
      search(
        target,
        bound.get(target.name)!.client,
        job.filter,
        { sizeLimit: SIZE_LIMIT },
        figures.get(target.name)!.failures,
      );
    // Warm-up: fills caches on both servers, and its results are the ones the guard checks.
    for (const job of all) {
      for (const target of targets) {
        const outcome = await typeAhead(target, job);
        (figures.get(target.name)!.counts[job.shape.name] ??= {})[job.term] = outcome.entries;
      }
    }
    const serverCpuBefore = new Map(targets.map((t) => [t.name, processCpuMs(t.pid)]));
    const clientCpuMs = new Map(targets.map((t) => [t.name, 0]));
    for (let rep = 0; rep < options.reps; rep++) {
      const order = rep % 2 === 0 ? targets : [...targets].reverse();
      for (const job of all) {
        for (const target of order) {
          const cpu = process.cpuUsage();
          const outcome = await typeAhead(target, job);
          const used = process.cpuUsage(cpu);
          clientCpuMs.set(target.name, clientCpuMs.get(target.name)! + (used.user + used.system) / 1000);
          samples.get(target.name)!.get(job.shape.name)!.get(job.term)!.push(outcome.ms);
        }
      }
      options.log(`  round ${rep + 1}/${options.reps} done`);
    }
    const timed = all.length * options.reps;
    for (const target of targets) {
      const before = serverCpuBefore.get(target.name) ?? null;
      const after = processCpuMs(target.pid);
      figures.get(target.name)!.cpuMsPerSearch = {
        server: before === null || after === null ? null : (after - before) / timed,
        client: clientCpuMs.get(target.name)! / timed,
      };
    }
    for (const target of targets) {
      const f = figures.get(target.name)!;
      for (const shape of QUERY_SHAPES) {
        const byTerm = samples.get(target.name)!.get(shape.name)!;
        f.shapes.push({
          shape: shape.name,
          all: summarisePercentiles([...byTerm.values()].flat()),
          byTerm: [...byTerm]
            .map(([term, ms]) => ({
              term,
              median: percentile(
                [...ms].sort((a, b) => a - b),
                50,
              ),
              entries: f.counts[shape.name]?.[term] ?? null,
            }))
            .sort((a, b) => b.median - a.median),
        });
      }
    }
    // The large result: every (cn=*jan*) entry through the paged results control, no size limit.
    for (let run = 0; run <= options.pagedRuns; run++) {
      for (const target of run % 2 === 0 ? targets : [...targets].reverse()) {
        const f = figures.get(target.name)!;
        const outcome = await search(target, bound.get(target.name)!.client, PAGED_FILTER, { paged: true }, f.failures);
        if (run === 0) {
          f.paged.entries = outcome.entries;
          f.paged.pages = outcome.entries === null ? 0 : Math.ceil(outcome.entries / PAGE_SIZE);
        } else f.paged.runs.push(outcome.ms);
      }
    }
    for (const f of figures.values())
      f.paged.median = percentile(
        [...f.paged.runs].sort((a, b) => a - b),
        50,
      );
    return figures;
  } finally {
    for (const { client } of bound.values()) await client.unbind().catch(() => {});
  }
}

/** `clients` bound clients, each searching through the whole query mix (starting at a different
 * place) as fast as answers come, for `seconds` per server, in two alternating halves. */
export async function measureThroughput(
  targets: readonly LdapTarget[],
  options: { clients: number; seconds: number; log: (line: string) => void },
): Promise<Map<string, ThroughputFigures>> {
  const mix = jobs();
  const pools = new Map<string, BoundClient[]>();
  const totals = new Map<
    string,
    { ms: number[]; wallMs: number; failures: SearchFailure[]; cpuMs: number | null; clientCpuMs: number }
  >();
  try {
    for (const target of targets) {
      const pool: BoundClient[] = [];
      for (let i = 0; i < options.clients; i++) pool.push(await bindClient(target));
      pools.set(target.name, pool);
      totals.set(target.name, { ms: [], wallMs: 0, failures: [], cpuMs: 0, clientCpuMs: 0 });
    }
    const halves = 2;
    for (let half = 0; half < halves; half++) {
      for (const target of targets) {
        const total = totals.get(target.name)!;
        const cpuBefore = processCpuMs(target.pid);
        const clientBefore = process.cpuUsage();
        const started = performance.now();
        const end = started + (options.seconds * 1000) / halves;
        await Promise.all(
          pools.get(target.name)!.map(async ({ client }, c) => {
            for (let i = Math.floor((c * mix.length) / options.clients); performance.now() < end; i++) {
              const job = mix[i % mix.length]!;
              const outcome = await search(target, client, job.filter, { sizeLimit: SIZE_LIMIT }, total.failures);
              total.ms.push(outcome.ms);
            }
          }),
        );
        total.wallMs += performance.now() - started;
        const cpuAfter = processCpuMs(target.pid);
        total.cpuMs =
          cpuBefore === null || cpuAfter === null || total.cpuMs === null ? null : total.cpuMs + cpuAfter - cpuBefore;
        const client = process.cpuUsage(clientBefore);
        total.clientCpuMs += (client.user + client.system) / 1000;
        options.log(`  ${target.name}: ${((half + 1) * options.seconds) / halves} s measured`);
      }
    }
    const figures = new Map<string, ThroughputFigures>();
    for (const [name, total] of totals) {
      figures.set(name, {
        clients: options.clients,
        seconds: total.wallMs / 1000,
        searches: total.ms.length,
        perSecond: total.ms.length / (total.wallMs / 1000),
        latencyMs: summarisePercentiles(total.ms),
        failures: total.failures.length,
        failureExamples: total.failures.slice(0, 3),
        serverCpuMsPer1000: total.cpuMs === null ? null : (total.cpuMs / total.ms.length) * 1000,
        clientCpuPercent: (total.clientCpuMs / total.wallMs) * 100,
      });
    }
    return figures;
  } finally {
    for (const pool of pools.values()) for (const { client } of pool) await client.unbind().catch(() => {});
  }
}
