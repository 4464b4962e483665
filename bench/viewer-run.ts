// `npm run bench:viewer [-- OPTIONS]`: secure sending through the Viewer (issue 4's numbers).
// Zorgpost runs as `zorgpost serve` in a child process; this process is the client.
//
//   1. Creating Viewer messages: N submissions over SMTPS, each `[veilig]` to its own external
//      recipient with a 100 KB attachment (encrypted, stored, notification queued before 250).
//      Reference, same run and server: the same messages delivered to a mailbox here (no Viewer).
//   2. The Viewer page: for sampled links, GET /v/<link> (the page) and GET /api/viewer/<link>/
//      (what it shows before the code), and after a code GET …/message (the decrypted message).
//      Latency on loopback with keep-alive, measured at the client (an upper bound on server time).
//      Reference: GET /healthz on the same server.
//
//   --messages N   Viewer messages to create per round (default 1000)
//   --rounds N     rounds, each the reference then the Viewer messages; the median counts (default 3)
//   --clients N    concurrent SMTPS connections (default 8)
//   --kb N         attachment size in KB (default 100)
//   --pages N      links whose page is timed (default 300)
//   --nodemailer   submit with nodemailer instead of the lean load generator (smtp-load.ts); on
//                  this 2-core machine nodemailer's own CPU use then lowers both figures
//   --keep         keep the work directory
// BENCH_SERVER_NODE_OPTIONS (environment): Node options for the server, e.g. "--cpu-prof --cpu-prof-dir=DIR".
// Goals: ≥ 200 messages/s created, p99 page under 50 ms.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'node:https';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { pino } from 'pino';
import { simpleParser } from 'mailparser';
import { configSchema } from '../src/config/schema.ts';
import { openServices } from '../src/main.ts';
import { ensureLocalCertificates } from '../src/tls/local-ca.ts';
import { freePort, waitForPort } from './net.ts';
import { stopChild } from './zorgpost.ts';
import { percentile } from './stats.ts';
import { fsyncLatencyMs, loadAverage, processCpuMs } from './machine.ts';
import { dotStuff, LeanSmtpConnection } from './smtp-load.ts';
import { readOutboxFiles, viewerLinkIn, accessCodeIn, type OutboxMail } from '../test/helpers/outbox.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'zorgpost.js');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`--${name} takes a positive whole number\n`);
    process.exit(2);
  }
  return value;
};
const MESSAGES = option('messages', 1000);
const ROUNDS = option('rounds', 3);
const CLIENTS = option('clients', 8);
const KB = option('kb', 100);
const PAGES = option('pages', 300);
const USE_NODEMAILER = args.includes('--nodemailer');
const log = (line: string) => process.stdout.write(`${line}\n`);

const work = await mkdtemp(join(tmpdir(), 'zorgpost-viewer-bench-'));
const dataDir = join(work, 'data');
log(`Zorgpost Viewer benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
log(`machine: load average ${loadAverage()}, fsync ${(await fsyncLatencyMs(work)).toFixed(2)} ms (median)`);

// Setup, as the CLI would: an organisation on 06-controle, a sender, and a mailbox for the reference.
const config = configSchema.parse({ hostname: 'localhost', dataDir, log: { level: 'silent' } });
const tls = await ensureLocalCertificates(join(dataDir, 'tls'), 'localhost');
const services = await openServices(config, pino({ level: 'silent' }));
const by = { actor: 'bench' };
await services.identity.addOrganisation({ name: 'Huisartsenpraktijk Bench', domain: 'bench.zorgpost.nl' }, by);
const account = async (address: string) => {
  const mailbox = await services.identity.addMailbox({ address, displayName: address.split('@')[0]! }, by);
  return { address, user: mailbox.klantnummer, pass: (await services.identity.generateHostedMailKey(mailbox, by)).key };
};
const sender = await account('arts@bench.zorgpost.nl');
const archive = await account('archief@bench.zorgpost.nl');
await services.close();

const ports = { smtps: await freePort(), https: await freePort() };
const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []), BIN, '--data', dataDir, 'serve'], {
  env: {
    ...process.env,
    ZORGPOST_HOSTNAME: 'localhost',
    ZORGPOST_LISTEN_ADDRESS: '127.0.0.1',
    ZORGPOST_SMTPS_PORT: String(ports.smtps),
    ZORGPOST_HTTPS_PORT: String(ports.https),
    ZORGPOST_SUBMISSION_PORT: '0',
    ZORGPOST_IMAPS_PORT: '0',
    ZORGPOST_POP3S_PORT: '0',
    ZORGPOST_LDAPS_PORT: '0',
    ZORGPOST_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const serverLog = createWriteStream(join(work, 'server.log'));
child.stdout.pipe(serverLog);
child.stderr.pipe(serverLog);
const cleanUp = async () => {
  await stopChild(child, 30_000);
  if (!args.includes('--keep')) await rm(work, { recursive: true, force: true });
  else log(`work directory kept: ${work}`);
};

try {
  await waitForPort(ports.smtps, 60_000, () => child.exitCode === null);
  await waitForPort(ports.https, 10_000, () => child.exitCode === null);
  const ca = await readFile(tls.caFile);
  const attachment = randomBytes(KB * 1024);

  // The client composes each message's MIME once (base64 of the attachment is the costly part) and
  // gives every submission its own To and Message-ID: the time measured is the server's.
  const compose = async (subject: string) =>
    new MailComposer({ from: sender.address, subject, text: 'Geachte heer/mevrouw, bijgaand de uitslag.', attachments: [{ filename: 'uitslag.pdf', content: attachment }] })
      .compile()
      .build();

  let started = 0;
  /** Sends `count` messages over `CLIENTS` connections: messages per second, and the CPU time per
   * message of the server (all its threads) and of this client process. */
  const submit = async (count: number, recipient: (i: number) => string, subject: string) => {
    const template = await compose(subject);
    const stuffed = dotStuff(template);
    const transports: Array<{ send(to: string): Promise<unknown>; close(): void }> = USE_NODEMAILER
      ? Array.from({ length: CLIENTS }, () => {
          const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtps, secure: true, tls: { ca, servername: 'localhost' }, auth: { user: sender.user, pass: sender.pass }, pool: true, maxConnections: 1, maxMessages: Infinity });
          return {
            send: (to: string) => transport.sendMail({ envelope: { from: sender.address, to: [to] }, raw: Buffer.concat([Buffer.from(`To: ${to}\r\n`), template]) }),
            close: () => transport.close(),
          };
        })
      : await Promise.all(
          Array.from({ length: CLIENTS }, async () => {
            const connection = await LeanSmtpConnection.open({ port: ports.smtps, ca, servername: 'localhost', user: sender.user, pass: sender.pass });
            return { send: (to: string) => connection.send(sender.address, to, [Buffer.from(`To: ${to}\r\n`), stuffed]), close: () => connection.close() };
          }),
        );
    let next = 0;
    const serverCpu = processCpuMs(child.pid!);
    const clientCpu = process.cpuUsage();
    started = performance.now();
    await Promise.all(
      transports.map(async (transport) => {
        while (next < count) {
          await transport.send(recipient(next++));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const serverCpuAfter = processCpuMs(child.pid!);
    const client = process.cpuUsage(clientCpu);
    for (const transport of transports) transport.close();
    return {
      perSecond: count / seconds,
      serverCpuMs: serverCpu === null || serverCpuAfter === null ? null : (serverCpuAfter - serverCpu) / count,
      clientCpuMs: (client.user + client.system) / 1000 / count,
    };
  };
  const cpuText = (r: { serverCpuMs: number | null; clientCpuMs: number }) =>
    `CPU per message: server ${r.serverCpuMs === null ? '?' : r.serverCpuMs.toFixed(1)} ms, client ${r.clientCpuMs.toFixed(1)} ms`;

  log(`\n1. Creating Viewer messages: ${ROUNDS} rounds of ${MESSAGES} submissions, ${KB} KB attachment each, ${CLIENTS} SMTPS connections (${USE_NODEMAILER ? 'nodemailer' : 'lean load generator'})`);
  // Each notification was queued in the store before its 250; the queue then writes it to the
  // development outbox, concurrently. A round ends when the last one is there.
  const outboxDir = join(dataDir, 'outbox', 'mail');
  const emlCount = async () => (await readdir(outboxDir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).length;
  const rounds: Array<{ reference: number; viewer: number; endToEnd: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const reference = await submit(Math.min(MESSAGES, 500), () => archive.address, 'Uitslag');
    const viewer = await submit(MESSAGES, (i) => `patient${round}-${i}@example.org`, '[veilig] Uitslag');
    await waitFor(async () => (await emlCount()) >= round * MESSAGES, 120_000, `${round * MESSAGES} notifications in the outbox`);
    const endToEnd = MESSAGES / ((performance.now() - started) / 1000);
    rounds.push({ reference: reference.perSecond, viewer: viewer.perSecond, endToEnd });
    log(`   round ${round}: reference (plain delivery to a mailbox here) ${reference.perSecond.toFixed(0)}/s (${cpuText(reference)})`);
    log(`            Viewer messages (encrypted + notification queued) ${viewer.perSecond.toFixed(0)}/s (${cpuText(viewer)}); all notifications in the outbox: ${endToEnd.toFixed(0)}/s end to end`);
  }
  const median = (pick: (r: (typeof rounds)[number]) => number) => percentile(rounds.map(pick).sort((a, b) => a - b), 50);
  const created = median((r) => r.viewer);
  log(`   median: Viewer messages ${created.toFixed(0)} messages/s (${(created / median((r) => r.reference)).toFixed(2)}× the reference ${median((r) => r.reference).toFixed(0)}/s; range ${Math.min(...rounds.map((r) => r.viewer)).toFixed(0)}–${Math.max(...rounds.map((r) => r.viewer)).toFixed(0)}), end to end ${median((r) => r.endToEnd).toFixed(0)}/s`);
  log(`   goal ≥ 200 messages/s created: ${created >= 200 ? 'PASS' : 'FAIL'}`);

  const notifications = (await readOutboxFiles(dataDir)).filter((m) => m.kind === 'viewer-notification');
  if (notifications.length !== ROUNDS * MESSAGES) throw new Error(`expected ${ROUNDS * MESSAGES} notifications in the outbox, found ${notifications.length}`);
  const sampled = notifications.slice(0, PAGES).map((n) => ({ link: viewerLinkIn(n.raw).link, recipient: n.recipients[0]! }));
  const links = sampled.map((s) => s.link);

  const agent = new Agent({ ca, keepAlive: true, maxSockets: 1 });
  const get = (method: string, path: string, body?: unknown, cookie?: string) =>
    new Promise<{ status: number; text: string; cookie: string | null; ms: number }>((resolveRequest, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: ports.https,
          servername: 'localhost',
          agent,
          method,
          path,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...(method === 'POST' ? { 'x-zorgpost-viewer': '1' } : {}),
            ...(cookie ? { cookie } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolveRequest({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString(),
              cookie: (res.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? null,
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const timed = async (label: string, paths: Array<() => Promise<{ status: number; ms: number }>>) => {
    for (const warm of paths.slice(0, 20)) await warm();
    const samples: number[] = [];
    for (const run of paths) {
      const result = await run();
      if (result.status !== 200) throw new Error(`${label}: HTTP ${result.status}`);
      samples.push(result.ms);
    }
    samples.sort((a, b) => a - b);
    return { label, p50: percentile(samples, 50), p99: percentile(samples, 99) };
  };

  log(`\n2. The Viewer page: ${links.length} links, one keep-alive HTTPS connection`);
  const rows = [
    await timed('reference: GET /healthz', links.map(() => () => get('GET', '/healthz'))),
    await timed('GET /v/<link> (the page)', links.map((l) => () => get('GET', `/v/${l}`))),
    await timed('GET /api/viewer/<link>/ (landing)', links.map((l) => () => get('GET', `/api/viewer/${l}/`))),
  ];
  // Open a sample with codes (e-mail channel: the code is in the outbox), then time reading.
  const sessions: Array<{ link: string; cookie: string }> = [];
  for (const [i, { link, recipient }] of sampled.slice(0, 100).entries()) {
    const before = await emlCount();
    await get('POST', `/api/viewer/${link}/code`, {});
    let mail: OutboxMail | undefined;
    await waitFor(async () => {
      if ((await emlCount()) === before) return false;
      mail = (await readOutboxFiles(dataDir)).filter((m) => m.kind === 'viewer-code' && m.recipients[0] === recipient).at(-1);
      return mail !== undefined;
    }, 10_000, `the code mail for link ${i}`);
    if (!mail) throw new Error(`no code mail for link ${i}`);
    const code = accessCodeIn((await simpleParser(mail.raw)).text ?? '');
    const opened = await get('POST', `/api/viewer/${link}/session`, { code });
    if (opened.status !== 200 || !opened.cookie) throw new Error(`session for link ${i}: HTTP ${opened.status} ${opened.text}`);
    sessions.push({ link, cookie: opened.cookie });
  }
  rows.push(await timed(`GET …/message (decrypt + parse ${KB} KB)`, sessions.map((s) => () => get('GET', `/api/viewer/${s.link}/message`, undefined, s.cookie))));
  agent.destroy();
  const reference50 = rows[0]!.p50;
  log(`   ${'request'.padEnd(42)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p50 ratio'.padStart(10)}`);
  for (const row of rows) log(`   ${row.label.padEnd(42)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${(row.p50 / reference50).toFixed(2).padStart(9)}×`);
  const worst = Math.max(...rows.slice(1).map((r) => r.p99));
  log(`   goal: p99 page under 50 ms: ${worst < 50 ? 'PASS' : 'FAIL'} (worst p99 ${worst.toFixed(2)} ms)`);
} finally {
  await cleanUp();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
