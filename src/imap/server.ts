// The IMAP front-end (RFC 3501 IMAP4rev1 with the extensions in capabilities.ts). It owns no storage
// and no listener: main.ts hands it each accepted TLS socket.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Authenticator } from '../identity/types.ts';
import type { MailService } from '../mail/types.ts';
import { ImapConnection } from './connection.ts';
import { createRegistry } from './registry.ts';

export interface ImapServiceOptions {
  mail: MailService;
  auth: Authenticator;
  logger: Logger;
  hostname: string;
  maxMessageSize: number;
  limits?: {
    /** Longest command line accepted (default 64 KB). */
    maxLineBytes?: number;
    /** Inactivity timeout once logged in (default 30 minutes, RFC 3501 §5.4). */
    idleTimeoutMs?: number;
    /** Inactivity timeout before login (default 60 seconds). */
    authTimeoutMs?: number;
  };
}

export interface ImapService {
  handleConnection(socket: Duplex, info: { remoteAddress: string; secure: boolean }): void;
  /** Says BYE to every open connection and resolves when they are closed. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 3000;

export function createImapService(options: ImapServiceOptions): ImapService {
  const registry = createRegistry();
  const limits = {
    maxLineBytes: options.limits?.maxLineBytes ?? 64 * 1024,
    idleTimeoutMs: options.limits?.idleTimeoutMs ?? 30 * 60_000,
    authTimeoutMs: options.limits?.authTimeoutMs ?? 60_000,
  };
  const services = {
    mail: options.mail,
    auth: options.auth,
    logger: options.logger,
    hostname: options.hostname,
    maxMessageSize: options.maxMessageSize,
  };
  const connections = new Map<ImapConnection, Promise<void>>();
  let nextId = 1;
  let closing = false;

  return {
    handleConnection(socket, info) {
      if (closing) {
        socket.end('* BYE Server shutting down\r\n');
        return;
      }
      const logger = options.logger.child({ imapConnection: nextId++, remoteAddress: info.remoteAddress });
      const connection = new ImapConnection(socket, info, services, registry, limits, logger);
      const done = connection
        .run()
        .catch((error: unknown) => logger.error({ err: error }, 'imap connection crashed'))
        .finally(() => connections.delete(connection));
      connections.set(connection, done);
    },

    async close() {
      closing = true;
      const pending = [...connections.entries()];
      await Promise.all(pending.map(([connection]) => connection.shutdown('Server shutting down')));
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([Promise.all(pending.map(([, done]) => done)), timeout]);
      for (const [connection] of connections) connection.destroy();
    },
  };
}
