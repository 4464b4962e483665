// `npm run bench:webmail [-- OPTIONS]`: opening a big folder in the webmail (issue 5's number: the
// first page of a 50,000-message folder in under 300 ms server time).
//
// A folder is filled through the mail service (the deterministic GP-practice mail of corpus.ts, as
// `npm run bench` fills its IMAP folder); then, with the services opened afresh (cold structure
// cache), the webmail API answers through fastify's inject — routing, the authorise hook, the
// service, JSON — so the time measured is the server's whole work for a request, without a network:
//
//   first page, first request   GET …/folders/:id/messages?limit=50 right after the services opened
//   first page, warm            the same request again, --runs times (median, p95)
//   next pages                  following `nextAfter` page by page: every page new messages, so no
//                               cached structure helps (median, p95 over --runs pages)
//   jump to the middle          ?offset=<half the folder> (virtual scrolling's worst case)
//   last page                   ?offset=<folder size - 50>
//   search (subject)            ?q=…&in=subject: a header search reads every message, as IMAP
//                               SEARCH does (informational; --runs 3 at most)
//
// Then the same-run reference: what an IMAP webmail (Roundcube-style) asks its IMAP server to show
// that first page, on an already logged-in IMAPS connection (TLS 1.3, loopback):
//
//   SELECT INBOX, then UID FETCH <the newest 50 UIDs> (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)
//
// timed at the client from writing SELECT to reading FETCH's tagged completion, against Dovecot
// (Debian's dovecot-imapd, set up as `npm run bench` does: bench/dovecot.ts, the same corpus in a
// Maildir, Zorgpost's certificate) and against Zorgpost's own IMAP server (`zorgpost serve` on this
// data directory). The first pair after each server's start is reported apart ("cold": Dovecot
// builds its index from the Maildir then) and not judged; then one untimed pair and --runs timed
// pairs on a second connection, alternating between the servers (median, p95). The ratio of the
// webmail's server time to Dovecot's wall time is an orientation only: they measure different
// things.
//
//   --messages N   messages in the folder (default 50000)
//   --runs N       timed runs per figure (default 20)
//   --no-dovecot   no Dovecot reference (Zorgpost's IMAP pair is still measured)
//   --no-imap      no IMAP comparison at all (the webmail figures only)
//   --keep         keep the work directory (the filled folder, the Maildir) and print its path
//   --reuse DIR    use a kept work directory: skips filling (Dovecot then keeps its index, so its
//                  "first after start" is only a first-after-restart)
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { pino } from 'pino';
import { configSchema } from '../src/config/schema.ts';
import { openServices } from '../src/main.ts';
import { ensureLocalCertificates } from '../src/tls/local-ca.ts';
import { webmailRoutes } from '../src/web/webmail/webmail-routes.ts';
import type { MessagePageJson } from '../src/web/webmail/wire.ts';
import { folderMessage } from './corpus.ts';
import {
  DOVECOT_PASSWORD,
  DOVECOT_USER,
  ensureDovecot,
  prepareDovecot,
  startDovecot,
  type DovecotSetup,
} from './dovecot.ts';
import { ImapClient, type TlsTarget } from './imap-client.ts';
import { loadAverage } from './machine.ts';
import { percentile } from './stats.ts';
import { startZorgpost, type Account } from './zorgpost.ts';

const GOAL_MS = 300;
const BUNDLE_GOAL_KB = 250;
const ADDRESS = 'archief@bench.zorgpost.nl';
/** Appends in flight while filling (as bench/zorgpost.ts). */
const FILL_CONCURRENCY = 128;
const PAGE = 50;
/** What a webmail asks for to draw a message list row (and to know which rows have attachments). */
const FETCH_ITEMS = '(UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    messages: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '20' },
    'no-dovecot': { type: 'boolean', default: false },
    'no-imap': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
  strict: true,
});
const MESSAGES = Number(values.messages);
const RUNS = Number(values.runs);
if (!Number.isInteger(MESSAGES) || MESSAGES < PAGE || !Number.isInteger(RUNS) || RUNS < 1) {
  process.stderr.write(`--messages takes a whole number of at least ${PAGE}, --runs a positive whole number\n`);
  process.exit(2);
}
const log = (line: string) => process.stdout.write(`${line}\n`);
/** Stops the IMAP servers when the run ends, fails or is interrupted. */
const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse())
    await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

const work = values.reuse ?? (await mkdtemp(join(tmpdir(), 'zorgpost-webmail-bench-')));
const config = configSchema.parse({ hostname: 'localhost', dataDir: join(work, 'data'), log: { level: 'silent' } });
/** The IMAP login of the folder's mailbox, kept beside the data for --reuse. */
const ACCOUNT_FILE = join(work, 'imap-account.json');
/** Written once Dovecot's Maildir is complete, for --reuse. */
const DOVECOT_SETUP_FILE = join(work, 'dovecot-setup.json');
log(`Zorgpost webmail benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
log(`machine: load average ${loadAverage()}`);

try {
  if (!values.reuse) await fill();
  const webmail = await measure();
  if (!values['no-imap']) reportImap(webmail, await measureImap());
  log('');
  log(`machine: load average ${loadAverage()}`);
} catch (error) {
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
  if (values.keep || values.reuse) log(`work directory kept: ${work}`);
  else await rm(work, { recursive: true, force: true });
}

async function fill(): Promise<void> {
  const services = await openServices(config, pino({ level: 'silent' }));
  try {
    const by = { actor: 'bench' };
    await services.identity.addOrganisation({ name: 'Huisartsenpraktijk Bench', domain: 'bench.zorgpost.nl' }, by);
    const mailbox = await services.identity.addMailbox({ address: ADDRESS, displayName: 'Archief' }, by);
    const inbox = (await services.mail.getFolder(mailbox.id, 'INBOX'))!;
    log(`filling INBOX with ${MESSAGES} messages through the mail service (${work})`);
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < MESSAGES) {
        const message = folderMessage(next++, MESSAGES, ADDRESS);
        await services.mail.append(inbox.id, message.bytes, { flags: message.flags, internalDate: message.internalDate });
      }
    };
    await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    log(`  filled in ${seconds.toFixed(1)} s (${(MESSAGES / seconds).toFixed(0)} messages/s)`);
  } finally {
    await services.close();
  }
}

interface WebmailFigures {
  messages: number;
  /** First page, first request after the services opened. */
  firstMs: number;
  /** First page, warm (ascending). */
  warm: number[];
}

async function measure(): Promise<WebmailFigures> {
  // Opened afresh: nothing of the folder is in the mail service's structure cache.
  const services = await openServices(config, pino({ level: 'silent' }));
  const app = Fastify({ loggerInstance: pino({ level: 'silent' }) });
  try {
    const mailbox = (await services.store.accounts.findMailbox({ address: ADDRESS }))!;
    const inbox = (await services.mail.getFolder(mailbox.id, 'INBOX'))!;
    log(`folder: ${inbox.messages} messages, UIDs 1…${inbox.uidNext - 1}`);
    await app.register(webmailRoutes, {
      prefix: '/api/webmail',
      service: services.webmail,
      authorise: async () => ({ mailbox, actor: 'bench', remoteAddress: '127.0.0.1' }),
    });
    await app.ready();
    const url = (query: string) => `/api/webmail/mailboxes/${mailbox.id}/folders/${inbox.id}/${query}`;
    const timed = async (query: string): Promise<{ ms: number; page: MessagePageJson }> => {
      const started = performance.now();
      const response = await app.inject({ method: 'GET', url: url(query) });
      const ms = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`${query}: ${response.statusCode} ${response.body}`);
      return { ms, page: JSON.parse(response.body) as MessagePageJson };
    };

    const rows: Array<[string, number[]]> = [];
    const first = await timed(`messages?limit=${PAGE}`);
    check(first.page, inbox.messages);
    rows.push(['first page, first request (cold)', [first.ms]]);

    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) warm.push((await timed(`messages?limit=${PAGE}`)).ms);
    rows.push(['first page, warm', warm]);

    const nextPages: number[] = [];
    let after = first.page.nextAfter;
    for (let i = 0; i < RUNS && after !== null; i++) {
      const { ms, page } = await timed(`messages?limit=${PAGE}&after=${after}`);
      nextPages.push(ms);
      after = page.nextAfter;
    }
    rows.push(['next pages (uncached)', nextPages]);

    const middle: number[] = [];
    for (let i = 0; i < RUNS; i++) middle.push((await timed(`messages?limit=${PAGE}&offset=${Math.floor(inbox.messages / 2) + i * PAGE}`)).ms);
    rows.push([`jump to offset ${Math.floor(inbox.messages / 2)}`, middle]);

    const last: number[] = [];
    for (let i = 0; i < RUNS; i++) last.push((await timed(`messages?limit=${PAGE}&offset=${inbox.messages - PAGE}`)).ms);
    rows.push(['last page', last]);

    const search: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      // A new term each run: the service keeps a search's matches for paging.
      search.push((await timed(`search?in=subject&limit=${PAGE}&q=${encodeURIComponent(`cardiologie ${1000 + i}`)}`)).ms);
    }
    rows.push(['search (subject, whole folder)', search]);

    log('');
    log(`webmail API server time (fastify inject: routing, authorise, service, JSON), ${PAGE} rows per page`);
    log(`${'request'.padEnd(36)} ${'runs'.padStart(4)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
    for (const [name, samples] of rows) {
      const sorted = [...samples].sort((a, b) => a - b);
      log(
        `${name.padEnd(36)} ${String(sorted.length).padStart(4)} ${percentile(sorted, 50).toFixed(1).padStart(10)} ${percentile(sorted, 95).toFixed(1).padStart(8)} ${sorted.at(-1)!.toFixed(1).padStart(8)}`,
      );
    }
    const warmSorted = [...warm].sort((a, b) => a - b);
    const worstFirst = Math.max(first.ms, percentile(warmSorted, 95));
    log('');
    log(`goal: first page of a ${inbox.messages}-message folder < ${GOAL_MS} ms server time — ${worstFirst < GOAL_MS ? 'met' : 'NOT met'} (worst of cold and warm p95: ${worstFirst.toFixed(1)} ms)`);
    const bundle = await portalBundleGzip();
    log(`goal: the page's JavaScript < ${BUNDLE_GOAL_KB} KB gzipped — ${bundle.kb < BUNDLE_GOAL_KB ? 'met' : 'NOT met'} (${bundle.kb.toFixed(1)} KB gzipped, ${bundle.files.join(', ')}; npm run build:web first)`);
    return { messages: inbox.messages, firstMs: first.ms, warm: warmSorted };
  } finally {
    await app.close();
    await services.close();
  }
}

/** Every script of the built portal app (the webmail's page), gzipped as a server would send it. */
async function portalBundleGzip(): Promise<{ kb: number; files: string[] }> {
  const dir = new URL('../dist/web/portal/assets/', import.meta.url);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.js'));
  let bytes = 0;
  for (const name of files) bytes += gzipSync(await readFile(new URL(name, dir)), { level: 9 }).length;
  return { kb: bytes / 1024, files };
}

/** The first page must be the newest messages, newest first, with their subjects decoded. */
function check(page: MessagePageJson, total: number): void {
  const uids = page.rows.map((r) => r.uid);
  if (page.total !== total || page.rows.length !== PAGE || uids.some((uid, i) => i > 0 && uid >= uids[i - 1]!) || !page.rows.every((r) => r.subject && r.from)) {
    throw new Error(`unexpected first page: total ${page.total}, ${page.rows.length} rows, UIDs ${uids.slice(0, 5).join(',')}…`);
  }
}

// ---- The IMAP reference: SELECT + UID FETCH of the newest 50 on Dovecot and on Zorgpost's IMAP.

interface ImapTarget {
  label: string;
  tls: TlsTarget;
  user: string;
  password: string;
}

interface PairTime {
  /** SELECT written → FETCH's tagged completion read. */
  ms: number;
  selectMs: number;
  fetchMs: number;
  /** Bytes of the FETCH response. */
  fetchBytes: number;
}

interface ImapFigures {
  label: string;
  cipher: string;
  cold: PairTime;
  /** Warm pairs, ascending. */
  warm: number[];
  fetchBytes: number;
}

interface ImapResults {
  figures: ImapFigures[];
  dovecotLabel: string | null;
  /** Why there is no Dovecot figure, when there is none. */
  dovecotUnavailable: string | null;
  /** Whether the first pair on Dovecot included building its index (a fresh Maildir). */
  dovecotBuildsIndex: boolean;
}

async function measureImap(): Promise<ImapResults> {
  log('');
  log(`IMAP: SELECT INBOX + UID FETCH <newest ${PAGE} UIDs> ${FETCH_ITEMS}, ${RUNS} timed pairs per server`);
  // Dovecot's mail processes run as nobody and have to get through the work directory.
  await chmod(work, 0o755);
  const tls = await ensureLocalCertificates(join(config.dataDir, 'tls'), config.hostname);
  const ca = await readFile(tls.caFile);
  const account = await imapAccount();
  const targets: ImapTarget[] = [];
  const results: ImapResults = { figures: [], dovecotLabel: null, dovecotUnavailable: null, dovecotBuildsIndex: false };

  if (values['no-dovecot']) results.dovecotUnavailable = 'skipped (--no-dovecot)';
  else {
    try {
      const found = ensureDovecot(log);
      if ('unavailable' in found) throw new Error(found.unavailable);
      let setup: DovecotSetup;
      if (existsSync(DOVECOT_SETUP_FILE)) {
        setup = JSON.parse(await readFile(DOVECOT_SETUP_FILE, 'utf8')) as DovecotSetup;
        log(`reusing Dovecot's Maildir (${setup.maildir}); its index is kept, so its first pair is a first-after-restart`);
      } else {
        log(`filling ${found.version}: ${MESSAGES} Maildir files (the same corpus)`);
        setup = await prepareDovecot({
          dir: join(work, 'dovecot'),
          messages: MESSAGES,
          onProgress: (done) => log(`  ${done} files`),
        });
        log(`  written in ${setup.fillSeconds.toFixed(1)} s`);
        await writeFile(DOVECOT_SETUP_FILE, JSON.stringify(setup, null, 2));
        results.dovecotBuildsIndex = true;
      }
      const dovecot = await startDovecot(setup, tls);
      cleanups.push(() => dovecot.stop());
      log(`Dovecot serving (pid ${dovecot.pid}): IMAPS ${dovecot.port}`);
      results.dovecotLabel = `${found.version.split(' ')[0]}`;
      targets.push({
        label: `Dovecot ${results.dovecotLabel}`,
        tls: { port: dovecot.port, ca, servername: 'localhost' },
        user: DOVECOT_USER,
        password: DOVECOT_PASSWORD,
      });
    } catch (error) {
      results.dovecotUnavailable = (error as Error).message;
      log(`Dovecot reference unavailable: ${results.dovecotUnavailable}`);
    }
  }

  // No LDAPS listener: this run needs IMAPS only, and the default port may be taken.
  process.env.ZORGPOST_LDAPS_PORT = '0';
  const zorgpost = await startZorgpost(
    { dataDir: config.dataDir, tls, reader: account, senders: [], fillSeconds: 0 },
    { logFile: join(work, 'zorgpost.log') },
  );
  cleanups.push(() => zorgpost.stop());
  log(`Zorgpost serving (pid ${zorgpost.pid}): IMAPS ${zorgpost.ports.imaps}`);
  targets.push({
    label: 'Zorgpost IMAP',
    tls: { port: zorgpost.ports.imaps, ca, servername: 'localhost' },
    user: account.klantnummer,
    password: account.key,
  });

  // The first pair after each server's start, on its own connection.
  const cold = new Map<string, PairTime>();
  for (const target of targets) {
    const client = await ImapClient.connect(target.tls);
    try {
      await client.login(target.user, target.password);
      const pair = await firstPage(client, target.label);
      log(`  ${target.label}: first pair after start ${pair.ms.toFixed(1)} ms (SELECT ${pair.selectMs.toFixed(1)}, FETCH ${pair.fetchMs.toFixed(1)})`);
      cold.set(target.label, pair);
    } finally {
      await client.close();
    }
  }

  // Warm: a second connection per server (so no message is \Recent), one untimed round, then
  // RUNS timed rounds, alternating between the servers so a noisy moment hits both.
  const clients = new Map<string, ImapClient>();
  try {
    for (const target of targets) {
      const client = await ImapClient.connect(target.tls);
      clients.set(target.label, client);
      await client.login(target.user, target.password);
    }
    const warm = new Map(targets.map((t) => [t.label, [] as number[]]));
    const bytes = new Map<string, number>();
    for (let run = 0; run <= RUNS; run++) {
      for (const target of targets) {
        const pair = await firstPage(clients.get(target.label)!, target.label);
        if (run > 0) warm.get(target.label)!.push(pair.ms);
        bytes.set(target.label, pair.fetchBytes);
      }
    }
    for (const target of targets) {
      results.figures.push({
        label: target.label,
        cipher: clients.get(target.label)!.cipher,
        cold: cold.get(target.label)!,
        warm: warm.get(target.label)!.sort((a, b) => a - b),
        fetchBytes: bytes.get(target.label)!,
      });
    }
  } finally {
    for (const client of clients.values()) await client.close();
  }
  await cleanUp();
  return results;
}

/** SELECT INBOX, then UID FETCH of the newest PAGE UIDs (from SELECT's UIDNEXT: both folders hold
 * UIDs 1…N without gaps), as one timed pair. */
async function firstPage(client: ImapClient, server: string): Promise<PairTime> {
  const started = performance.now();
  const select = await client.command('SELECT INBOX', { collect: true });
  if (select.status !== 'OK') throw new Error(`${server}: SELECT failed: ${select.status} ${select.text}`);
  const exists = select.lines.map((line) => /^\* (\d+) EXISTS/i.exec(line)).find(Boolean);
  const uidNext = select.lines.map((line) => /^\* OK \[UIDNEXT (\d+)\]/i.exec(line)).find(Boolean);
  // A wrong count would mean the servers are not doing the same work.
  if (!exists || Number(exists[1]) !== MESSAGES) {
    throw new Error(`${server}: SELECT reported ${exists?.[1] ?? 'no'} EXISTS, expected ${MESSAGES}`);
  }
  if (!uidNext) throw new Error(`${server}: SELECT gave no UIDNEXT`);
  const last = Number(uidNext[1]) - 1;
  const fetch = await client.command(`UID FETCH ${Math.max(1, last - PAGE + 1)}:${last} ${FETCH_ITEMS}`, { collect: true });
  const ms = performance.now() - started;
  if (fetch.status !== 'OK') throw new Error(`${server}: UID FETCH failed: ${fetch.status} ${fetch.text}`);
  const rows = fetch.lines.filter((line) => /^\* \d+ FETCH /i.test(line)).length;
  if (rows !== PAGE) {
    throw new Error(`${server}: UID FETCH returned ${rows} messages, expected ${PAGE} (UIDs with gaps?)`);
  }
  return { ms, selectMs: select.ms, fetchMs: fetch.ms, fetchBytes: fetch.bytes };
}

/** The folder's IMAP login (klantnummer and a Hosted Mail Key), made once and kept in the work
 * directory so a --reuse run logs in with the same key. */
async function imapAccount(): Promise<Account> {
  if (existsSync(ACCOUNT_FILE)) return JSON.parse(await readFile(ACCOUNT_FILE, 'utf8')) as Account;
  const services = await openServices(config, pino({ level: 'silent' }));
  try {
    const mailbox = (await services.store.accounts.findMailbox({ address: ADDRESS }))!;
    const { key } = await services.identity.generateHostedMailKey(mailbox, { actor: 'bench' });
    const account: Account = { address: mailbox.address, klantnummer: mailbox.klantnummer, key };
    await writeFile(ACCOUNT_FILE, JSON.stringify(account), { mode: 0o600 });
    return account;
  } finally {
    await services.close();
  }
}

function reportImap(webmail: WebmailFigures, imap: ImapResults): void {
  const cell = (ms: number) => ms.toFixed(1).padStart(10);
  const imapName = (label: string) => `${label}: SELECT + FETCH ${PAGE} envelopes (wall time)`;
  const width = Math.max(42, ...imap.figures.map((f) => imapName(f.label).length));
  log('');
  log(`the first page of a ${webmail.messages}-message folder: webmail API vs an IMAP webmail's two commands (same data, same run)`);
  log(`${'what'.padEnd(width)} ${'first ms'.padStart(10)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(10)} ${'max ms'.padStart(10)} ${'bytes'.padStart(8)}`);
  log(
    `${'Zorgpost webmail first page (server time)'.padEnd(width)} ${cell(webmail.firstMs)} ${cell(percentile(webmail.warm, 50))} ${cell(percentile(webmail.warm, 95))} ${cell(webmail.warm.at(-1)!)} ${''.padStart(8)}`,
  );
  for (const f of imap.figures) {
    log(
      `${imapName(f.label).padEnd(width)} ${cell(f.cold.ms)} ${cell(percentile(f.warm, 50))} ${cell(percentile(f.warm, 95))} ${cell(f.warm.at(-1)!)} ${String(f.fetchBytes).padStart(8)}`,
    );
  }
  log(`first = first request after the services opened / first pair after the server started: reported, not judged${imap.dovecotBuildsIndex ? ' (Dovecot built its index from the Maildir then)' : ''}`);
  log(`IMAP: ${imap.figures.map((f) => `${f.label} ${f.cipher}`).join(', ')}, loopback, one logged-in connection; bytes = the FETCH response`);
  const dovecot = imap.figures.find((f) => f.label.startsWith('Dovecot'));
  const zorgpostImap = imap.figures.find((f) => f.label === 'Zorgpost IMAP');
  if (dovecot) {
    const ratio = (a: number[], b: number[], p: number) => (percentile(a, p) / percentile(b, p)).toFixed(2);
    log(
      `ratio Zorgpost webmail first page (server time) / Dovecot SELECT+FETCH ${PAGE} envelopes (wall time): ${ratio(webmail.warm, dovecot.warm, 50)} (median), ${ratio(webmail.warm, dovecot.warm, 95)} (p95)`,
    );
    log('  these measure different things (HTTP JSON server time in process vs IMAP wall time on loopback): an orientation, not a like-for-like');
    if (zorgpostImap) {
      log(
        `ratio Zorgpost IMAP / Dovecot, the same SELECT+FETCH (like-for-like): ${ratio(zorgpostImap.warm, dovecot.warm, 50)} (median), ${ratio(zorgpostImap.warm, dovecot.warm, 95)} (p95)`,
      );
    }
  } else {
    log(`no ratio: Dovecot reference unavailable (${imap.dovecotUnavailable ?? 'unknown'})`);
  }
}
