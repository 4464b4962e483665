// Wiring only (STYLE §1): storage → services → protocol front-ends. No globals; the CLI and the
// tests call these two functions.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from './config/schema.ts';
import { openSqliteStore, type SqliteStore } from './store/sqlite.ts';
import { FileBlobStore } from './store/blob-store.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import { AuditLog } from './audit/audit-log.ts';
import { IdentityService } from './identity/identity-service.ts';
import { DirectoryService } from './directory/directory-service.ts';
import { KeyAuthenticator, normaliseAddress } from './identity/authenticator.ts';
import { AdminTokenService } from './identity/admin-tokens.ts';
import { PassageService } from './identity/passage-service.ts';
import { StoreMailService } from './mail/mail-service.ts';
import { SubmissionService } from './mail/submission.ts';
import { DomainBookService } from './directory/domain-books.ts';
import { RecipientClassifier } from './directory/classifier.ts';
import { ensureLocalCertificates } from './tls/local-ca.ts';
import { loadTlsOptions } from './tls/tls-options.ts';
import { createSubmissionServers } from './smtp/submission-server.ts';
import { createImapService } from './imap/server.ts';
import { createPop3Service } from './pop3/server.ts';
import { createLdapService } from './ldap/server.ts';
import { createWebServer } from './web/server.ts';
import { defaultViewerAssetsDir } from './web/viewer/viewer-routes.ts';
import { defaultPatientAssetsDir } from './web/patient/patient-routes.ts';
import { defaultPortalAssetsDir } from './web/portal/portal-routes.ts';
import type { PortalServices } from './web/portal/portal-services.ts';
import { clientSettings } from './mail/client-settings.ts';
import { WebmailService } from './mail/webmail/webmail-service.ts';
import { PolicyService } from './policy/policy-service.ts';
import { MailOutbox } from './mail/mail-outbox.ts';
import { OutboundQueue } from './mail/outbound-queue.ts';
import { DurableWriter } from './store/durable-writer.ts';
import { ContentSealer, loadOrCreateMasterKey } from './secure/content-sealing.ts';
import { createSmsGateway } from './secure/sms/create-sms-gateway.ts';
import { ViewerMessageService } from './secure/viewer-messages.ts';
import { ViewerAccessService } from './secure/viewer-access.ts';
import { SecureSendService } from './secure/secure-send.ts';
import { PatientChannelService } from './secure/patient-channel.ts';
import type { SmsGateway } from './secure/types.ts';
import { limitConnections } from './net/connection-limits.ts';

export interface Services {
  config: Config;
  logger: Logger;
  store: SqliteStore;
  blobs: FileBlobStore;
  audit: AuditLog;
  identity: IdentityService;
  /** Passage ID accounts, their sessions and linked mailboxes (SPEC R1, R2, R4). */
  passage: PassageService;
  directory: DirectoryService;
  mail: StoreMailService;
  auth: KeyAuthenticator;
  adminTokens: AdminTokenService;
  submission: SubmissionService;
  domainBooks: DomainBookService;
  /** Community or external, for every recipient (SPEC R12): routing, webmail and the add-in ask it. */
  classifier: RecipientClassifier;
  policies: PolicyService;
  /** Mail leaving the platform: queued in the store, then (in `serve`) handed to the transport
   * (development: .eml files in <dataDir>/outbox/mail). */
  outbound: OutboundQueue;
  sms: SmsGateway;
  /** Creating Viewer messages and the sender's status/revoke (SPEC R15). */
  viewerMessages: ViewerMessageService;
  /** The recipient's side of the Viewer. */
  viewerAccess: ViewerAccessService;
  /** Every submission: SMTP, and later webmail and the add-in (SPEC R13/R16/R17). */
  secureSend: SecureSendService;
  /** The public patient page (SPEC R31). */
  patientChannel: PatientChannelService;
  /** The webmail's reading, sending and drafts, on the same mail and secure-send services. */
  webmail: WebmailService;
  close(): Promise<void>;
}

/** Whether the data directory already holds a Zorgpost database. */
export function hasDatabase(config: Config): boolean {
  return existsSync(databaseFile(config));
}

function databaseFile(config: Config): string {
  return join(config.dataDir, 'zorgpost.db');
}

export async function openServices(config: Config, logger: Logger): Promise<Services> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openSqliteStore(databaseFile(config));
  // Whole-file durable writes (message blobs, the outbox) on writer threads.
  const writer = new DurableWriter();
  const blobs = new FileBlobStore(join(config.dataDir, 'blobs'), writer);
  const audit = new AuditLog(store, logger);
  const mail = new StoreMailService({ store, blobs, logger, maxMessageBytes: config.limits.maxMessageBytes });
  const directory = new DirectoryService(store, audit, { baseDn: config.ldap.baseDn, cacheEntries: config.ldap.cacheEntries });
  const classifier = new RecipientClassifier(store);
  const policies = new PolicyService(store);
  const submission = new SubmissionService({ mail, audit, hostname: config.hostname });
  const outbound = new OutboundQueue(store, new MailOutbox(join(config.dataDir, 'outbox', 'mail'), writer), logger.child({ component: 'outbound' }));
  const sms = createSmsGateway(config.sms, config.dataDir, { logger: logger.child({ component: 'sms' }) });
  const sealer = new ContentSealer(await loadOrCreateMasterKey(config.secure.masterKeyFile ?? join(config.dataDir, 'keys', 'master.key')));
  const viewerContext = {
    store,
    blobs,
    sealer,
    audit,
    outbound,
    sms,
    mail,
    policies,
    logger: logger.child({ component: 'viewer' }),
    publicUrl: publicUrl(config),
    hostname: config.hostname,
  };
  const viewerMessages = new ViewerMessageService(viewerContext);
  const identity = new IdentityService(store, audit, directory);
  const secureSend = new SecureSendService({
    store,
    audit,
    classifier,
    policies,
    submission,
    viewer: viewerMessages,
    outbound,
    hostname: config.hostname,
    maxMessageBytes: config.limits.maxMessageBytes,
  });
  return {
    config,
    logger,
    store,
    blobs,
    audit,
    identity,
    passage: new PassageService({
      store,
      audit,
      identity,
      sealer,
      publicUrl: publicUrl(config),
      limits: {
        maxFailuresPerAccount: config.security.maxFailuresPerAccount,
        maxFailuresPerAddress: config.security.maxFailuresPerAddress,
        windowSeconds: config.security.failureWindowSeconds,
        failureDelayMs: config.security.failureDelayMs,
      },
    }),
    directory,
    mail,
    auth: new KeyAuthenticator(store, audit, {
      maxFailuresPerAccount: config.security.maxFailuresPerAccount,
      maxFailuresPerAddress: config.security.maxFailuresPerAddress,
      windowSeconds: config.security.failureWindowSeconds,
      failureDelayMs: config.security.failureDelayMs,
    }),
    adminTokens: new AdminTokenService(store, audit, {
      maxFailuresPerAddress: config.security.maxFailuresPerAddress,
      windowSeconds: config.security.failureWindowSeconds,
    }),
    submission,
    domainBooks: new DomainBookService(store, audit),
    classifier,
    policies,
    outbound,
    sms,
    viewerMessages,
    viewerAccess: new ViewerAccessService(viewerContext, {
      maxFailuresPerAddress: config.security.maxFailuresPerAddress,
      windowSeconds: config.security.failureWindowSeconds,
    }),
    secureSend,
    patientChannel: new PatientChannelService({ ...viewerContext, hostname: config.hostname }),
    webmail: new WebmailService({
      mail,
      secureSend,
      classifier,
      policies,
      directory,
      viewerMessages,
      audit,
      logger: logger.child({ component: 'webmail' }),
      hostname: config.hostname,
      maxMessageBytes: config.limits.maxMessageBytes,
    }),
    close: async () => {
      await store.close();
      await writer.close();
    },
  };
}

/** SPEC R15: Viewer content past its retention is deleted, at start and then periodically. */
function startViewerExpiry(services: Services): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = services.viewerMessages
      .expireDue()
      .then((count) => count && services.logger.info({ count }, 'expired Viewer messages deleted'))
      .catch((error: unknown) => services.logger.error({ err: error }, 'Viewer expiry failed'));
  };
  sweep();
  const timer = setInterval(sweep, services.config.secure.expiryCheckSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** Where Viewer links point: configured, or this server's own HTTPS listener. */
function publicUrl(config: Config): string {
  if (config.secure.publicUrl) return config.secure.publicUrl.replace(/\/+$/, '');
  const port = config.ports.https;
  const host = config.hostname.includes(':') ? `[${config.hostname}]` : config.hostname;
  return port === 443 || port === 0 ? `https://${host}` : `https://${host}:${port}`;
}

export interface Listener {
  name: 'smtps' | 'submission' | 'imaps' | 'pop3s' | 'ldaps' | 'https';
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
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // Everything acquired is released in reverse order, on close or when starting fails halfway.
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    const lock = await lockDataDir(config.dataDir);
    cleanups.push(() => lock.release());
    const services = await openServices(config, logger);
    cleanups.push(() => services.close());
    const { tls, caFile, created } = await tlsSetup(config);
    await services.domainBooks.ensureDefaultBooks();
    await services.directory.reconcile();
    services.store.watchForeignChanges();
    cleanups.push(startViewerExpiry(services));
    // Servers stop first (cleanups run in reverse), then the queue finishes its batch.
    services.outbound.start();
    cleanups.push(() => services.outbound.stop());
    if (config.sms.gateway === 'outbox' && !['localhost', '127.0.0.1', '::1'].includes(config.hostname)) {
      logger.warn('SMS access codes are written to the development outbox, not sent: configure sms.gateway for production');
    }
    const listeners = await startListeners(config, logger, services, tls, cleanups);
    return { services, listeners, caFile, createdTlsFiles: created, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startListeners(
  config: Config,
  logger: Logger,
  services: Services,
  tls: SecureContextOptions,
  cleanups: Array<() => Promise<void>>,
): Promise<Listener[]> {
  const { mail, auth } = services;
  const { ports, listenAddress } = config;
  const listeners: Listener[] = [];

  const smtp = createSubmissionServers({
    secureSend: services.secureSend,
    auth,
    logger: logger.child({ component: 'smtp' }),
    hostname: config.hostname,
    tls,
    maxMessageBytes: config.limits.maxMessageBytes,
    limits: config.limits,
    onChange: (listener) => mail.onChange(listener),
  });
  cleanups.push(() => smtp.close());
  if (ports.smtps) listeners.push(await listen('smtps', smtp.smtps.server as Server, ports.smtps, listenAddress));
  if (ports.submission) listeners.push(await listen('submission', smtp.starttls.server as Server, ports.submission, listenAddress));

  const imap = createImapService({ mail, auth, logger: logger.child({ component: 'imap' }), hostname: config.hostname, maxMessageSize: config.limits.maxMessageBytes });
  cleanups.push(() => imap.close());
  if (ports.imaps) {
    const server = tlsServer(tls, config, logger, (socket) => imap.handleConnection(socket, { remoteAddress: remote(socket), secure: true }));
    cleanups.push(() => closeServer(server));
    listeners.push(await listen('imaps', server, ports.imaps, listenAddress));
  }

  const pop3 = createPop3Service({ mail, auth, logger: logger.child({ component: 'pop3' }), hostname: config.hostname });
  cleanups.push(() => pop3.close());
  if (ports.pop3s) {
    const server = tlsServer(tls, config, logger, (socket) => pop3.handleConnection(socket, { remoteAddress: remote(socket), secure: true }));
    cleanups.push(() => closeServer(server));
    listeners.push(await listen('pop3s', server, ports.pop3s, listenAddress));
  }

  const ldap = createLdapService({
    directory: services.directory,
    auth,
    logger: logger.child({ component: 'ldap' }),
    limits: config.ldap,
    onChange: (listener) => mail.onChange(listener),
  });
  cleanups.push(() => ldap.close());
  if (ports.ldaps) {
    const server = tlsServer(tls, config, logger, (socket) => ldap.handleConnection(socket, { remoteAddress: remote(socket) }));
    cleanups.push(() => closeServer(server));
    listeners.push(await listen('ldaps', server, ports.ldaps, listenAddress));
  }

  if (ports.https) {
    const web = createWebServer({
      tls,
      logger,
      hostname: config.hostname,
      ports,
      health: async () => ({ ok: true, detail: { listeners: listeners.map((l) => l.name) } }),
      admin: services,
      viewer: { access: services.viewerAccess, assetsDir: defaultViewerAssetsDir() },
      patient: { channel: services.patientChannel, assetsDir: defaultPatientAssetsDir() },
      smsReports: config.sms.webhookSecret
        ? { secret: config.sms.webhookSecret, onReport: (report) => services.viewerMessages.recordSmsReport(report) }
        : undefined,
      devOutbox: config.sms.gateway === 'outbox' ? { dataDir: config.dataDir } : undefined,
      clientSetup: {
        ports,
        ldapBaseDn: config.ldap.baseDn,
        hostedDomain: async (domain) => (await services.identity.findOrganisation({ domain })) !== null,
      },
      portal: { services: portalServices(services), assetsDir: defaultPortalAssetsDir(), webmail: services.webmail },
    });
    cleanups.push(() => web.close());
    limitConnections(web.server, config.limits, logger);
    await web.listen({ port: ports.https, host: listenAddress }).catch(async (error: NodeJS.ErrnoException) => {
      if (!isFamilyError(error)) throw error;
      await web.listen({ port: ports.https, host: '0.0.0.0' });
    });
    const address = web.server.address();
    listeners.push({ name: 'https', port: typeof address === 'object' && address ? address.port : ports.https, address: listenAddress });
  }
  return listeners;
}

/** What the portal asks of the services. */
function portalServices(services: Services): PortalServices {
  const { config, identity } = services;
  return {
    passage: services.passage,
    findOrganisation: (by) => identity.findOrganisation(by),
    findMailbox: (reference) => identity.findMailbox(reference),
    clientSettings: (mailbox) => {
      const { address, displayName, klantnummer } = mailbox;
      const mailboxSettings = { address, displayName, klantnummer };
      return { ...clientSettings({ hostname: config.hostname, ports: config.ports, ldapBaseDn: config.ldap.baseDn, mailbox: mailboxSettings }), mailbox: mailboxSettings };
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

function tlsServer(
  tls: SecureContextOptions,
  config: Config,
  logger: Logger,
  onSecure: (socket: import('node:tls').TLSSocket) => void,
): Server {
  const server = createTlsServer({ ...tls, handshakeTimeout: config.limits.tlsHandshakeSeconds * 1000 }, onSecure);
  limitConnections(server, config.limits, logger);
  // With a listener attached Node leaves the failed socket open (a handshake timeout included):
  // closing it is this handler's job.
  server.on('tlsClientError', (error, socket) => {
    logger.debug({ err: error }, 'TLS handshake failed');
    socket.destroy();
  });
  return server;
}

function remote(socket: { remoteAddress?: string }): string {
  return normaliseAddress(socket.remoteAddress ?? 'unknown');
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

/** Stops accepting connections. The protocol service closed next ends the open sessions; waiting
 * here for them to end on their own would wait for that very step. */
async function closeServer(server: Server): Promise<void> {
  server.close();
}

