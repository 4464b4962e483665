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
//   --messages N   messages in the folder (default 50000)
//   --runs N       timed runs per figure (default 20)
//   --keep         keep the work directory (the filled folder) and print its path
//   --reuse DIR    use a kept work directory: skips filling
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { pino } from 'pino';
import { configSchema } from '../src/config/schema.ts';
import { openServices, type Services } from '../src/main.ts';
import { webmailRoutes } from '../src/web/webmail/webmail-routes.ts';
import { WebmailService } from '../src/mail/webmail/webmail-service.ts';
import type { MessagePageJson } from '../src/web/webmail/wire.ts';
import { folderMessage } from './corpus.ts';
import { loadAverage } from './machine.ts';
import { percentile } from './stats.ts';

const GOAL_MS = 300;
const ADDRESS = 'archief@bench.zorgpost.nl';
/** Appends in flight while filling (as bench/zorgpost.ts). */
const FILL_CONCURRENCY = 128;
const PAGE = 50;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    messages: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '20' },
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

const work = values.reuse ?? (await mkdtemp(join(tmpdir(), 'zorgpost-webmail-bench-')));
const config = configSchema.parse({ hostname: 'localhost', dataDir: join(work, 'data'), log: { level: 'silent' } });
log(`Zorgpost webmail benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
log(`machine: load average ${loadAverage()}`);

try {
  if (!values.reuse) await fill();
  await measure();
} finally {
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

async function measure(): Promise<void> {
  // Opened afresh: nothing of the folder is in the mail service's structure cache.
  const services = await openServices(config, pino({ level: 'silent' }));
  const app = Fastify({ loggerInstance: pino({ level: 'silent' }) });
  try {
    const mailbox = (await services.store.accounts.findMailbox({ address: ADDRESS }))!;
    const inbox = (await services.mail.getFolder(mailbox.id, 'INBOX'))!;
    log(`folder: ${inbox.messages} messages, UIDs 1…${inbox.uidNext - 1}`);
    await app.register(webmailRoutes, {
      prefix: '/api/webmail',
      service: webmailService(services),
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
    const worstFirst = Math.max(first.ms, percentile([...warm].sort((a, b) => a - b), 95));
    log('');
    log(`goal: first page of a ${inbox.messages}-message folder < ${GOAL_MS} ms server time — ${worstFirst < GOAL_MS ? 'met' : 'NOT met'} (worst of cold and warm p95: ${worstFirst.toFixed(1)} ms)`);
    log(`machine: load average ${loadAverage()}`);
  } finally {
    await app.close();
    await services.close();
  }
}

function webmailService(services: Services): WebmailService {
  return new WebmailService({
    mail: services.mail,
    secureSend: services.secureSend,
    classifier: services.classifier,
    policies: services.policies,
    directory: services.directory,
    viewerMessages: services.viewerMessages,
    audit: services.audit,
    logger: services.logger,
    hostname: config.hostname,
    maxMessageBytes: config.limits.maxMessageBytes,
  });
}

/** The first page must be the newest messages, newest first, with their subjects decoded. */
function check(page: MessagePageJson, total: number): void {
  const uids = page.rows.map((r) => r.uid);
  if (page.total !== total || page.rows.length !== PAGE || uids.some((uid, i) => i > 0 && uid >= uids[i - 1]!) || !page.rows.every((r) => r.subject && r.from)) {
    throw new Error(`unexpected first page: total ${page.total}, ${page.rows.length} rows, UIDs ${uids.slice(0, 5).join(',')}…`);
  }
}
