// Wiring only (STYLE §1): storage → services → protocol front-ends. No globals; the CLI and the
// tests call these two functions.
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from './config/schema.ts';
import { openSqliteStore, type SqliteStore } from './store/sqlite.ts';
import { FileBlobStore } from './store/blob-store.ts';
import { AuditLog } from './audit/audit-log.ts';
import { IdentityService } from './identity/identity-service.ts';
import { KeyAuthenticator } from './identity/authenticator.ts';
import { StoreMailService } from './mail/mail-service.ts';
import { SubmissionService } from './mail/submission.ts';
import { ensureLocalCertificates } from './tls/local-ca.ts';
import { loadTlsOptions } from './tls/tls-options.ts';
import { createSubmissionServers } from './smtp/submission-server.ts';
import { createImapService } from './imap/server.ts';
import { createPop3Service } from './pop3/server.ts';
import { createWebServer } from './web/server.ts';

export interface Services {
  config: Config;
  logger: Logger;
  store: SqliteStore;
  audit: AuditLog;
  identity: IdentityService;
  mail: StoreMailService;
  auth: KeyAuthenticator;
  submission: SubmissionService;
  close(): Promise<void>;
}

export async function openServices(config: Config, logger: Logger): Promise<Services> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openSqliteStore(join(config.dataDir, 'zorgpost.db'));
  const blobs = new FileBlobStore(join(config.dataDir, 'blobs'));
  const audit = new AuditLog(store, logger);
  const mail = new StoreMailService({ store, blobs, logger, maxMessageBytes: config.limits.maxMessageBytes });
  return {
    config,
    logger,
    store,
    audit,
    identity: new IdentityService(store, audit),
    mail,
    auth: new KeyAuthenticator(store, audit, {
      maxFailuresPerAccount: config.security.maxFailuresPerAccount,
      maxFailuresPerAddress: config.security.maxFailuresPerAddress,
      windowSeconds: config.security.failureWindowSeconds,
      failureDelayMs: config.security.failureDelayMs,
    }),
    submission: new SubmissionService({ store, mail, audit, hostname: config.hostname }),
    close: () => store.close(),
  };
}

export interface Listener {
  name: 'smtps' | 'submission' | 'imaps' | 'pop3s' | 'https';
  port: number;
  address: string;
}

export interface RunningServer {
  services: Services;
  listeners: Listener[];
  caFile: string | null;
  createdTlsFiles: string[];
  close(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const services = await openServices(config, logger);
  services.store.watchForeignChanges();
  const { tls, caFile, created } = await tlsSetup(config);
  const { mail, auth } = services;
  const listeners: Listener[] = [];
  const closers: Array<() => Promise<void>> = [];

  const smtp = createSubmissionServers({
    submission: services.submission,
    auth,
    logger: logger.child({ component: 'smtp' }),
    hostname: config.hostname,
    tls,
    maxMessageBytes: config.limits.maxMessageBytes,
    onChange: (listener) => mail.onChange(listener),
  });
  closers.push(() => smtp.close());
  const imap = createImapService({ mail, auth, logger: logger.child({ component: 'imap' }), hostname: config.hostname, maxMessageSize: config.limits.maxMessageBytes });
  closers.push(() => imap.close());
  const pop3 = createPop3Service({ mail, auth, logger: logger.child({ component: 'pop3' }), hostname: config.hostname });
  closers.push(() => pop3.close());
  const web = createWebServer({
    tls,
    logger,
    hostname: config.hostname,
    health: async () => ({ ok: true, detail: { listeners: listeners.map((l) => l.name) } }),
  });

  try {
    const { ports } = config;
    if (ports.smtps) listeners.push(await listen('smtps', smtp.smtps.server as Server, ports.smtps, config.listenAddress));
    if (ports.submission) listeners.push(await listen('submission', smtp.starttls.server as Server, ports.submission, config.listenAddress));
    if (ports.imaps) {
      const server = tlsServer(tls, logger, (socket) => imap.handleConnection(socket, { remoteAddress: remote(socket), secure: true }));
      closers.push(() => closeServer(server));
      listeners.push(await listen('imaps', server, ports.imaps, config.listenAddress));
    }
    if (ports.pop3s) {
      const server = tlsServer(tls, logger, (socket) => pop3.handleConnection(socket, { remoteAddress: remote(socket), secure: true }));
      closers.push(() => closeServer(server));
      listeners.push(await listen('pop3s', server, ports.pop3s, config.listenAddress));
    }
    if (ports.https) {
      await web.listen({ port: ports.https, host: config.listenAddress }).catch(async (error: NodeJS.ErrnoException) => {
        if (!isFamilyError(error)) throw error;
        await web.listen({ port: ports.https, host: '0.0.0.0' });
      });
      const address = web.server.address();
      listeners.push({ name: 'https', port: typeof address === 'object' && address ? address.port : ports.https, address: config.listenAddress });
    }
    closers.push(() => web.close());
  } catch (error) {
    await Promise.allSettled(closers.map((close) => close()));
    await services.close();
    throw error;
  }

  return {
    services,
    listeners,
    caFile,
    createdTlsFiles: created,
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
      await services.close();
    },
  };
}

async function tlsSetup(config: Config): Promise<{ tls: SecureContextOptions; caFile: string | null; created: string[] }> {
  if (config.tls.certFile && config.tls.keyFile) {
    return { tls: await loadTlsOptions({ certFile: config.tls.certFile, keyFile: config.tls.keyFile }), caFile: null, created: [] };
  }
  const files = await ensureLocalCertificates(join(config.dataDir, 'tls'), config.hostname);
  return { tls: await loadTlsOptions(files), caFile: files.caFile, created: files.created };
}

function tlsServer(tls: SecureContextOptions, logger: Logger, onSecure: (socket: import('node:tls').TLSSocket) => void): Server {
  const server = createTlsServer({ ...tls, handshakeTimeout: 30_000 }, onSecure);
  server.on('tlsClientError', (error) => logger.debug({ err: error }, 'TLS handshake failed'));
  return server;
}

function remote(socket: { remoteAddress?: string }): string {
  return socket.remoteAddress ?? 'unknown';
}

function isFamilyError(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EAFNOSUPPORT' || error.code === 'EADDRNOTAVAIL';
}

/** Binds a listener; "::" falls back to 0.0.0.0 on hosts without IPv6. */
async function listen(name: Listener['name'], server: Server, port: number, address: string): Promise<Listener> {
  const attempt = (host: string) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
  try {
    await attempt(address);
  } catch (error) {
    if (address !== '::' || !isFamilyError(error as NodeJS.ErrnoException)) throw error;
    await attempt('0.0.0.0');
  }
  const bound = server.address();
  return { name, port: typeof bound === 'object' && bound ? bound.port : port, address };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

