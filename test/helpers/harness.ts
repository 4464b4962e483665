// Starts a complete Zorgpost server in this process, on free loopback ports with a fresh data
// directory, and creates organisations, mailboxes and Hosted Mail Keys for a test.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { z } from 'zod';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { startServer, type RunningServer } from '../../src/main.ts';

export interface TestAccount {
  address: string;
  klantnummer: string;
  key: string;
  mailboxId: number;
}

export interface TestServer {
  config: Config;
  server: RunningServer;
  ports: { smtps: number; submission: number; imaps: number; pop3s: number; https: number; ldaps: number };
  ca: Buffer;
  caFile: string;
  dataDir: string;
  addMailbox(address: string, displayName?: string): Promise<TestAccount>;
  close(): Promise<void>;
}

/** Config sections to override; `security` may be given in part (the rest keeps the test defaults). */
/** Any part of the configuration, nested sections partially (the schema fills in the rest). */
export type TestServerOverrides = z.input<typeof configSchema>;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `count` free ports, all different: the system may hand out a port it just gave, once closed. */
export async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export async function startTestServer(overrides: TestServerOverrides = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zorgpost-test-'));
  // A port found free can be taken by another process before the server binds it (tests run in
  // parallel on shared machines): then start again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(dataDir, overrides);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) {
        await rm(dataDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function startOnFreePorts(dataDir: string, overrides: TestServerOverrides): Promise<TestServer> {
  const [smtps, submission, imaps, pop3s, https, ldaps] = await distinctFreePorts(6);
  const ports = { smtps: smtps!, submission: submission!, imaps: imaps!, pop3s: pop3s!, https: https!, ldaps: ldaps! };
  const config = configSchema.parse({
    hostname: 'localhost',
    dataDir,
    listenAddress: '127.0.0.1',
    ports,
    log: { level: process.env.ZORGPOST_TEST_LOG ?? 'silent' },
    ...overrides,
    security: { failureDelayMs: 0, ...overrides.security },
  });
  const logger = pino({ level: config.log.level });
  const server = await startServer(config, logger);
  const caFile = server.caFile!;
  const domains = new Set<string>();
  return {
    config,
    server,
    ports,
    ca: await readFile(caFile),
    caFile,
    dataDir,
    async addMailbox(address, displayName = address.split('@')[0]!) {
      const { identity } = server.services;
      const domain = address.split('@')[1]!;
      const by = { actor: 'test' };
      if (!domains.has(domain)) {
        domains.add(domain);
        await identity.addOrganisation({ name: `Praktijk ${domain}`, domain }, by);
      }
      const mailbox = await identity.addMailbox({ address, displayName }, by);
      const { key } = await identity.generateHostedMailKey(mailbox, by);
      return { address: mailbox.address, klantnummer: mailbox.klantnummer, key, mailboxId: mailbox.id };
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
