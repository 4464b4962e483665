// Zorgpost under test. Setup runs in this process on the data directory (accounts, TLS files and
// the big folder through the mail service, like the CLI does while no server runs); the server
// itself is `zorgpost serve` in a child process, so it never shares an event loop or a core with
// the benchmark client — the same position Dovecot is in.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { configSchema } from '../src/config/schema.ts';
import { openServices, type Services } from '../src/main.ts';
import { ensureLocalCertificates } from '../src/tls/local-ca.ts';
import { folderMessage } from './corpus.ts';
import { freePort, waitForPort } from './net.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'zorgpost.js');
const HOSTNAME = 'localhost';
/** Appends in flight while filling: blob files are written and synced in parallel while SQLite
 * commits one after another. */
const FILL_CONCURRENCY = 128;

export interface Account {
  address: string;
  klantnummer: string;
  key: string;
}

export interface ZorgpostSetup {
  dataDir: string;
  tls: { caFile: string; certFile: string; keyFile: string };
  /** Owner of the big folder (its INBOX). */
  reader: Account;
  /** SMTP clients; client i sends to senders[(i + 1) % n]. */
  senders: Account[];
  fillSeconds: number;
}

export async function prepareZorgpost(options: {
  dataDir: string;
  messages: number;
  senders: number;
  onProgress?: (done: number) => void;
}): Promise<ZorgpostSetup> {
  const config = configSchema.parse({ hostname: HOSTNAME, dataDir: options.dataDir, log: { level: 'silent' } });
  const tls = await ensureLocalCertificates(join(options.dataDir, 'tls'), HOSTNAME);
  const services = await openServices(config, pino({ level: 'silent' }));
  try {
    const by = { actor: 'bench' };
    await services.identity.addOrganisation({ name: 'Huisartsenpraktijk Bench', domain: 'bench.zorgpost.nl' }, by);
    const reader = await addAccount(services, 'archief@bench.zorgpost.nl', 'Archief');
    const senders: Account[] = [];
    for (let i = 0; i < options.senders; i++)
      senders.push(await addAccount(services, `arts${i + 1}@bench.zorgpost.nl`, `Arts ${i + 1}`));
    const started = performance.now();
    await fillInbox(services, reader, options.messages, options.onProgress);
    return { dataDir: options.dataDir, tls, reader, senders, fillSeconds: (performance.now() - started) / 1000 };
  } finally {
    await services.close();
  }
}

async function addAccount(services: Services, address: string, displayName: string): Promise<Account> {
  const by = { actor: 'bench' };
  const mailbox = await services.identity.addMailbox({ address, displayName }, by);
  const { key } = await services.identity.generateHostedMailKey(mailbox, by);
  return { address: mailbox.address, klantnummer: mailbox.klantnummer, key };
}

async function fillInbox(
  services: Services,
  account: Account,
  count: number,
  onProgress?: (done: number) => void,
): Promise<void> {
  const mailbox = await services.store.accounts.findMailbox({ address: account.address });
  const inbox = mailbox && (await services.mail.getFolder(mailbox.id, 'INBOX'));
  if (!inbox) throw new Error(`no INBOX for ${account.address}`);
  // UIDs are handed out in commit order, not call order; date order does not matter to the
  // measured commands, so appends simply run FILL_CONCURRENCY at a time.
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const message = folderMessage(next++, count, account.address);
      await services.mail.append(inbox.id, message.bytes, { flags: message.flags, internalDate: message.internalDate });
      if (++done % 5000 === 0) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
}

export interface RunningZorgpost {
  ports: { imaps: number; smtps: number };
  ca: Buffer;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `zorgpost serve`; with `profileDir` under `node --cpu-prof` (the profile is written when
 * the server exits after SIGTERM). */
export async function startZorgpost(
  setup: ZorgpostSetup,
  options: { logFile: string; profileDir?: string },
): Promise<RunningZorgpost> {
  const ports = { imaps: await freePort(), smtps: await freePort() };
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, '--data', setup.dataDir, 'serve'], {
    env: {
      ...process.env,
      ZORGPOST_HOSTNAME: HOSTNAME,
      ZORGPOST_LISTEN_ADDRESS: '127.0.0.1',
      ZORGPOST_IMAPS_PORT: String(ports.imaps),
      ZORGPOST_SMTPS_PORT: String(ports.smtps),
      ZORGPOST_SUBMISSION_PORT: '0',
      ZORGPOST_POP3S_PORT: '0',
      ZORGPOST_HTTPS_PORT: '0',
      ZORGPOST_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(options.logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  try {
    await waitForPort(ports.imaps, 60_000, () => child.exitCode === null);
    await waitForPort(ports.smtps, 10_000, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Zorgpost did not start (log: ${options.logFile}): ${(error as Error).message}`);
  }
  return {
    ports,
    ca: await readFile(setup.tls.caFile),
    pid: child.pid!,
    stop: () => stopChild(child, 30_000),
  };
}

/** SIGTERM, then SIGKILL if the process has not exited in time. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
