// Starts the IMAP front-end on a loopback port over plain TCP, on the real services (SQLite store,
// message blob files, Hosted Mail Key authenticator, audit log) in a fresh data directory, for
// protocol transcript tests (STYLE §7). The TLS listener is covered by the interop tests.
//
// Two mailboxes exist from the start, created through IdentityService with real Hosted Mail Keys:
// `user` (jan@praktijk.nl) and `other` (piet@praktijk.nl). Their keys are generated per server, so
// tests read them from the server: `s.user.key`.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { configSchema, type Config } from '../../../src/config/schema.ts';
import { openServices, type Services } from '../../../src/main.ts';
import { createImapService, type ImapService, type ImapServiceOptions } from '../../../src/imap/server.ts';
import type { Folder, MailService, MessageMeta } from '../../../src/mail/types.ts';
import { TestClient } from './imap-client.ts';

export interface TestAccount {
  mailboxId: number;
  address: string;
  klantnummer: string;
  /** The Hosted Mail Key IdentityService generated for this server's mailbox. */
  key: string;
}

const ACCOUNTS = {
  user: { address: 'jan@praktijk.nl', klantnummer: '500123456', displayName: 'Jan' },
  other: { address: 'piet@praktijk.nl', klantnummer: '500654321', displayName: 'Piet' },
};

export interface ImapTestServer {
  port: number;
  dataDir: string;
  /** The real services, as main.ts wires them. */
  services: Services;
  /** The real mail service (tests seed and inspect through it; the front-end sees it through the
   * override proxy, see `override`). */
  mail: Services['mail'];
  user: TestAccount;
  other: TestAccount;
  service: ImapService;
  server: Server;
  connect(): Promise<TestClient>;
  /** Connects, reads the greeting and logs in (as `user` unless told otherwise). */
  login(account?: TestAccount): Promise<TestClient>;
  folder(name: string, account?: TestAccount): Promise<Folder>;
  /** Every message of a folder, in UID order, as the store has it now. */
  messages(name: string, account?: TestAccount): Promise<MessageMeta[]>;
  /** Replaces one MailService method as the IMAP front-end sees it (failure injection); the
   * returned function restores the real one. */
  override<K extends keyof MailService>(method: K, replacement: MailService[K]): () => void;
  close(): Promise<void>;
}

export async function startImapTestServer(
  options: {
    maxMessageSize?: number;
    limits?: ImapServiceOptions['limits'];
    security?: Partial<Config['security']>;
  } = {},
): Promise<ImapTestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zorgpost-imap-test-'));
  const maxMessageSize = options.maxMessageSize ?? 1024 * 1024;
  const config = configSchema.parse({
    hostname: 'imap.test',
    dataDir,
    limits: { maxMessageBytes: maxMessageSize },
    security: { failureDelayMs: 0, ...options.security },
    log: { level: process.env.ZORGPOST_TEST_LOG ?? 'silent' },
  });
  const logger = pino({ level: config.log.level });
  const services = await openServices(config, logger);
  const server = createServer();
  let service: ImapService | null = null;
  try {
    const by = { actor: 'imap-test' };
    await services.identity.addOrganisation({ name: 'Huisartsenpraktijk', domain: 'praktijk.nl' }, by);
    const account = async (spec: (typeof ACCOUNTS)['user']): Promise<TestAccount> => {
      const mailbox = await services.identity.addMailbox(spec, by);
      const { key } = await services.identity.generateHostedMailKey(mailbox, by);
      return { mailboxId: mailbox.id, address: mailbox.address, klantnummer: mailbox.klantnummer, key };
    };
    const user = await account(ACCOUNTS.user);
    const other = await account(ACCOUNTS.other);

    const overrides: Partial<MailService> = {};
    const imap = createImapService({
      mail: withOverrides(services.mail, overrides),
      auth: services.auth,
      logger,
      hostname: config.hostname,
      maxMessageSize,
      ...(options.limits ? { limits: options.limits } : {}),
    });
    service = imap;
    server.on('connection', (socket) => imap.handleConnection(socket, { remoteAddress: socket.remoteAddress ?? '', secure: false }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const clients: TestClient[] = [];
    const connect = async (): Promise<TestClient> => {
      const client = await TestClient.open(port);
      clients.push(client);
      return client;
    };
    const folder = async (name: string, owner = user): Promise<Folder> => {
      const found = await services.mail.getFolder(owner.mailboxId, name);
      if (!found) throw new Error(`no folder ${name} for ${owner.address}`);
      return found;
    };

    return {
      port,
      dataDir,
      services,
      mail: services.mail,
      user,
      other,
      service: imap,
      server,
      connect,
      async login(as = user) {
        const client = await connect();
        await client.readResponse();
        const { tagged } = await client.command('L0', `LOGIN ${as.klantnummer} ${as.key}`);
        if (!tagged.startsWith('L0 OK')) throw new Error(`login failed: ${tagged}`);
        return client;
      },
      folder,
      async messages(name, owner = user) {
        const messages: MessageMeta[] = [];
        for await (const chunk of services.mail.fetchMeta((await folder(name, owner)).id, [{ start: 1, end: Infinity }])) {
          messages.push(...chunk);
        }
        return messages;
      },
      override(method, replacement) {
        overrides[method] = replacement;
        return () => {
          delete overrides[method];
        };
      },
      async close() {
        for (const client of clients) client.close();
        await imap.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await services.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await service?.close();
    server.close();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The real mail service with the methods in `overrides` replaced (looked up on every call, so an
 * override can be set and removed while sessions run). Everything else is the real method, called
 * on the real object: StoreMailService keeps its state in private fields, so `Object.create` would
 * not do. */
function withOverrides(real: MailService, overrides: Partial<MailService>): MailService {
  return new Proxy(real, {
    get(target, property) {
      const replacement = overrides[property as keyof MailService];
      if (replacement) return replacement;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** An RFC 5322 message with CRLF line ends. */
export function message(subject: string, body = 'Hello', extraHeaders = ''): Buffer {
  return Buffer.from(
    `From: Jan <jan@praktijk.nl>\r\nTo: Piet <piet@praktijk.nl>\r\nSubject: ${subject}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0100\r\nMessage-ID: <${subject.replace(/\W/g, '')}@test>\r\n${extraHeaders}\r\n${body}\r\n`,
  );
}
