// The printed table and the JSON record of one run. Targets (from the issue) are judged on the
// median: the typical run, not the luckiest one.
import type { ImapFigures } from './imap-bench.ts';
import type { Summary } from './stats.ts';
import type { SmtpFigures } from './smtp-bench.ts';

export const SELECT_TARGET_MS = 100;
export const FETCH_TARGET_RATIO = 2;

export interface RunResults {
  messages: number;
  zorgpost: { imap: ImapFigures | null; smtp: SmtpFigures | null };
  dovecot: {
    version: string | null;
    unavailable: string | null;
    /** The Maildir was new, so the first SELECT built Dovecot's index. */
    coldBuildsIndex: boolean;
    imap: ImapFigures | null;
  };
}

export interface Row {
  operation: string;
  zorgpost: string;
  dovecot: string;
  ratio: string;
  target: string;
  result: string;
}

export interface Verdict {
  name: string;
  pass: boolean | null;
  detail: string;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const medianMin = (s: { median: number; min: number }) => `${ms(s.median)} (min ${s.min.toFixed(1)})`;
const ratio = (a: number, b: number | undefined) => (b === undefined ? '—' : `${(a / b).toFixed(2)}×`);

export function buildRows(results: RunResults): { rows: Row[]; verdicts: Verdict[] } {
  const rows: Row[] = [];
  const verdicts: Verdict[] = [];
  const z = results.zorgpost.imap;
  const d = results.dovecot.imap;
  const reason = results.dovecot.unavailable;
  const noReference = reason === null ? '—' : reason.startsWith('skipped') ? 'skipped' : 'unavailable';
  const n = results.messages.toLocaleString('en-US');
  const row = (operation: string, zorgpost: string, dovecot: string, ratio = '', target = '', result = '') =>
    rows.push({ operation, zorgpost, dovecot, ratio, target, result });
  const verdict = (name: string, pass: boolean | null, detail: string) => {
    verdicts.push({ name, pass, detail });
    return pass === null ? '' : pass ? 'PASS' : 'FAIL';
  };
  if (z) {
    const selects: Array<[string, string, Summary | null, Summary | null]> = [
      ['select', `SELECT (${n} msgs), warm`, z.select, d?.select ?? null],
      ['select-all-read', 'SELECT, all read but newest 100', z.selectAllRead, d?.selectAllRead ?? null],
    ];
    for (const [name, operation, zs, ds] of selects) {
      if (!zs) continue;
      const pass = zs.median < SELECT_TARGET_MS;
      const result = verdict(name, pass, `${operation}: median ${ms(zs.median)} < ${SELECT_TARGET_MS} ms`);
      const dovecot = ds ? medianMin(ds) : noReference;
      row(operation, medianMin(zs), dovecot, ratio(zs.median, ds?.median), `< ${SELECT_TARGET_MS} ms`, result);
    }
    const label = results.dovecot.coldBuildsIndex ? ' (builds index)' : '';
    row(
      'SELECT, first after start',
      ms(z.selectColdMs),
      d ? `${ms(d.selectColdMs)}${label}` : noReference,
      ratio(z.selectColdMs, d?.selectColdMs),
    );
    const fetchPass = d ? z.fetch.median <= FETCH_TARGET_RATIO * d.fetch.median : null;
    const detail = d
      ? `FETCH: median ${ms(z.fetch.median)} ≤ ${FETCH_TARGET_RATIO} × ${ms(d.fetch.median)}`
      : 'FETCH: no Dovecot reference';
    const result = verdict('fetch', fetchPass, detail);
    const target = `≤ ${FETCH_TARGET_RATIO}× Dovecot`;
    row(
      'FETCH 1:* (UID FLAGS RFC822.SIZE)',
      medianMin(z.fetch),
      d ? medianMin(d.fetch) : noReference,
      ratio(z.fetch.median, d?.fetch.median),
      target,
      result,
    );
    row(
      'FETCH, first after start',
      ms(z.fetchFirstMs),
      d ? ms(d.fetchFirstMs) : noReference,
      ratio(z.fetchFirstMs, d?.fetchFirstMs),
    );
    row('FETCH response size', kib(z.fetchBytes), d ? kib(d.fetchBytes) : noReference);
  }
  const s = results.zorgpost.smtp;
  if (s) {
    row(
      `SMTPS submit ${Math.round(s.messageBytes / 1024)} KB, ${s.clients} clients`,
      `${s.perSecond.toFixed(1)} msg/s`,
      'no reference',
    );
    row('SMTPS submit latency p50 / p99', `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p99)}`, 'no reference');
  }
  return { rows, verdicts };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export function formatTable(rows: Row[]): string {
  const header: Row = {
    operation: 'operation',
    zorgpost: 'Zorgpost median (min)',
    dovecot: 'Dovecot median (min)',
    ratio: 'Z/D',
    target: 'target',
    result: 'result',
  };
  const all = [header, ...rows];
  const keys = ['operation', 'zorgpost', 'dovecot', 'ratio', 'target', 'result'] as const;
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: Row) => `| ${keys.map((key, i) => row[key].padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
