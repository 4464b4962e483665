// Zorgpost's address book under test. As in zorgpost.ts, the directory is filled in this process on
// the data directory (through the directory service, as `zorgpost directory import` does while no
// server runs), and the server is `zorgpost serve` in a child process with only LDAPS listening, so
// it never shares an event loop with the measuring clients — the position slapd is in.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { configSchema } from '../src/config/schema.ts';
import type { DirectoryImportRecord } from '../src/directory/types.ts';
import { openServices } from '../src/main.ts';
import { ensureLocalCertificates } from '../src/tls/local-ca.ts';
import { BASE_DN, BIND_PERSON, importAttributes, type MatchableEntry, type Person } from './ldap-directory.ts';
import { freePort, waitForPort } from './net.ts';
import { stopChild } from './zorgpost.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'zorgpost.js');
const HOSTNAME = 'localhost';
/** Records per importRecords call: one transaction each, so progress shows and memory stays flat. */
const IMPORT_CHUNK = 5000;

export interface ZorgpostLdapSetup {
  dataDir: string;
  tls: { caFile: string; certFile: string; keyFile: string };
  bindDn: string;
  key: string;
  loadSeconds: number;
}

export async function prepareZorgpostDirectory(options: {
  dataDir: string;
  people: readonly Person[];
  onProgress?: (done: number) => void;
}): Promise<ZorgpostLdapSetup> {
  const config = configSchema.parse({ hostname: HOSTNAME, dataDir: options.dataDir, log: { level: 'silent' } });
  const tls = await ensureLocalCertificates(join(options.dataDir, 'tls'), HOSTNAME);
  const services = await openServices(config, pino({ level: 'silent' }));
  try {
    const by = { actor: 'bench' };
    await services.identity.addOrganisation({ name: BIND_PERSON.organisation, domain: BIND_PERSON.domain }, by);
    const mailbox = await services.identity.addMailbox(
      { address: BIND_PERSON.address, displayName: BIND_PERSON.displayName },
      by,
    );
    const { key } = await services.identity.generateHostedMailKey(mailbox, by);
    const started = performance.now();
    for (let start = 0; start < options.people.length; start += IMPORT_CHUNK) {
      const records: DirectoryImportRecord[] = options.people.slice(start, start + IMPORT_CHUNK).map((person, i) => ({
        kind: 'person',
        source: `person ${start + i + 1}`,
        attributes: importAttributes(person),
      }));
      await services.directory.importRecords(records, by);
      options.onProgress?.(start + records.length);
    }
    return {
      dataDir: options.dataDir,
      tls,
      bindDn: `uid=${mailbox.klantnummer},${BASE_DN}`,
      key,
      loadSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await services.close();
  }
}

/** The entries Zorgpost holds besides the people: the bind mailbox's person entry (cn from its
 * display name, sn its last word) and its organisation's entry (cn, no mail). */
export function zorgpostExtraEntries(): MatchableEntry[] {
  return [
    { cn: BIND_PERSON.displayName, sn: BIND_PERSON.displayName.split(' ').at(-1)!, mail: BIND_PERSON.address },
    { cn: BIND_PERSON.organisation },
  ];
}

export interface RunningLdapServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startZorgpostLdap(setup: ZorgpostLdapSetup, logFile: string): Promise<RunningLdapServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, '--data', setup.dataDir, 'serve'], {
    env: {
      ...process.env,
      ZORGPOST_HOSTNAME: HOSTNAME,
      ZORGPOST_LISTEN_ADDRESS: '127.0.0.1',
      ZORGPOST_LDAPS_PORT: String(port),
      ZORGPOST_IMAPS_PORT: '0',
      ZORGPOST_SMTPS_PORT: '0',
      ZORGPOST_SUBMISSION_PORT: '0',
      ZORGPOST_POP3S_PORT: '0',
      ZORGPOST_HTTPS_PORT: '0',
      ZORGPOST_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  try {
    await waitForPort(port, 60_000, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Zorgpost did not start (log: ${logFile}): ${(error as Error).message}`);
  }
  return { port, pid: child.pid!, stop: () => stopChild(child, 30_000) };
}

export const readCa = (setup: ZorgpostLdapSetup) => readFile(setup.tls.caFile);
