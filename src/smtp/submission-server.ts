// SMTP submission (SPEC R7): port 465 with implicit TLS (RFC 8314) and 587 with STARTTLS (RFC 6409),
// both requiring AUTH. smtp-server speaks the protocol; this file maps its hooks onto the
// submission service and our error kinds onto SMTP replies.
import type { SecureContextOptions } from 'node:tls';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { Authenticator, Mailbox } from '../identity/types.ts';
import type { SecureSendService, RecipientRoute } from '../secure/secure-send.ts';
import type { ChangeEvent } from '../mail/types.ts';
import { smtpError } from './smtp-errors.ts';
import { checkEnvelopeSender } from '../mail/submission.ts';
import { AddressCounter, type ConnectionLimits } from '../net/connection-limits.ts';

interface SessionUser {
  mailbox: Mailbox;
  keyId: number;
}

export interface SubmissionServerOptions {
  /** Every submission goes through secure sending (SPEC R13/R16/R17), which hands hosted
   * recipients to plain delivery. */
  secureSend: SecureSendService;
  auth: Authenticator;
  logger: Logger;
  hostname: string;
  tls: SecureContextOptions;
  maxMessageBytes: number;
  limits: ConnectionLimits;
  onChange: (listener: (event: ChangeEvent) => void) => () => void;
}

export interface SubmissionServers {
  /** Implicit TLS (465). */
  smtps: SMTPServer;
  /** STARTTLS (587); AUTH is refused until TLS is up. */
  starttls: SMTPServer;
  close(): Promise<void>;
}

export function createSubmissionServers(options: SubmissionServerOptions): SubmissionServers {
  const smtps = new SMTPServer({ ...serverOptions(options), secure: true });
  const starttls = new SMTPServer({ ...serverOptions(options), secure: false });
  for (const server of [smtps, starttls]) {
    server.on('error', (error) => options.logger.warn({ err: error }, 'smtp connection error'));
  }
  // SPEC R3: a replaced Hosted Mail Key ends the sessions that logged in with the old one.
  const unsubscribe = options.onChange((event) => {
    if (event.type !== 'credentials') return;
    for (const server of [smtps, starttls]) {
      for (const connection of server.connections) {
        const user = connection.session?.user as SessionUser | undefined;
        if (user && user.mailbox.id === event.mailboxId && user.keyId !== event.keyId) {
          connection.send(421, 'Your Hosted Mail Key was replaced; log in again');
          connection.close();
        }
      }
    }
  });
  return {
    smtps,
    starttls,
    async close() {
      unsubscribe();
      await Promise.all([smtps, starttls].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function serverOptions(options: SubmissionServerOptions): SMTPServerOptions {
  const { secureSend, auth, logger } = options;
  const perAddress = new AddressCounter(options.limits.maxConnectionsPerAddress, logger);
  const counted = new Set<string>();
  return {
    ...options.tls,
    name: options.hostname,
    banner: 'Zorgpost ESMTP submission',
    size: options.maxMessageBytes,
    rejectOversized: true,
    authMethods: ['PLAIN', 'LOGIN'],
    // RFC 8314 §3: no authentication over a connection that is not (yet) encrypted.
    allowInsecureAuth: false,
    // Delivery status notifications and REQUIRETLS need delivery to the internet, which is not here yet.
    hideDSN: true,
    // RFC 2034: enhanced status codes in every reply (SPEC R7).
    hideENHANCEDSTATUSCODES: false,
    hideREQUIRETLS: true,
    disableReverseLookup: true,
    logger: false,
    socketTimeout: 5 * 60 * 1000,
    maxClients: options.limits.maxConnections,

    onConnect(session, callback) {
      if (!perAddress.acquire(session.remoteAddress)) {
        return callback(Object.assign(new Error('Too many connections from your address, try again later'), { responseCode: 421 }));
      }
      counted.add(session.id);
      // RFC 3207 §4 / RFC 4954 §4: AUTH is neither offered nor accepted before STARTTLS, so a
      // client is never invited to send its Hosted Mail Key in the clear (Postfix's
      // smtpd_tls_auth_only).
      if (!session.secure) session.disabledCommands = ['AUTH'];
      callback();
    },

    onSecure(_socket, session, callback) {
      session.disabledCommands = undefined;
      callback();
    },

    onClose(session) {
      if (counted.delete(session.id)) perAddress.release(session.remoteAddress);
    },

    onAuth(authentication, session, callback) {
      auth
        .login({
          username: authentication.username ?? '',
          password: authentication.password ?? '',
          protocol: 'smtp',
          remoteAddress: session.remoteAddress,
          authzid: authentication.authzid,
        })
        .then((result) => {
          if (result.ok) return callback(null, { user: { mailbox: result.mailbox, keyId: result.keyId } satisfies SessionUser });
          if (result.reason === 'throttled') {
            return callback(Object.assign(new Error('Too many failed logins, try again later'), { responseCode: 454 }));
          }
          if (result.reason === 'forbidden') {
            return callback(Object.assign(new Error('Not authorised to act as that user'), { responseCode: 535 }));
          }
          callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
        })
        .catch((error: unknown) => callback(smtpError(error, logger)));
    },

    onMailFrom(address, session, callback) {
      try {
        checkEnvelopeSender(requireUser(session).mailbox, address.address);
        callback();
      } catch (error) {
        callback(smtpError(error, logger));
      }
    },

    onRcptTo(address, session, callback) {
      Promise.resolve()
        .then(() => requireUser(session))
        .then(() => secureSend.checkRecipient(address.address))
        .then(() => callback())
        .catch((error: unknown) => callback(smtpError(error, logger)));
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      handleData(options, stream, session)
        .then(({ queueId, routes }) => callback(null, `Message accepted as ${queueId}${routeSummary(routes)}`))
        .catch((error: unknown) => callback(smtpError(error, logger)));
    },
  };
}

async function handleData(options: SubmissionServerOptions, stream: SMTPServerDataStream, session: SMTPServerSession) {
  const sender = requireUser(session).mailbox;
  const cipher = session.tlsOptions;
  const utf8 = Boolean((session.envelope as { smtpUtf8?: boolean }).smtpUtf8);
  return options.secureSend.send({
    sender,
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    recipients: session.envelope.rcptTo.map((r) => r.address),
    message: stream,
    trace: {
      heloName: session.hostNameAppearsAs,
      remoteAddress: session.remoteAddress,
      clientHostname: null,
      // RFC 6531 §4.3: UTF8SMTP, UTF8SMTPA, UTF8SMTPS, UTF8SMTPSA (not "UTF8ESMTPSA").
      protocol: utf8 ? session.transmissionType.replace(/^E?SMTP/, 'UTF8SMTP') : session.transmissionType,
      tls: cipher ? { version: cipher.version, cipher: cipher.name } : null,
    },
  });
}

/** Tells the sender, in the 250 reply, how many recipients went which way (SPEC R30). */
function routeSummary(routes: readonly RecipientRoute[]): string {
  const viewer = routes.filter((r) => r.route === 'viewer').length;
  const ordinary = routes.filter((r) => r.route === 'ordinary').length;
  const parts = [viewer ? `${viewer} via the secure Viewer` : '', ordinary ? `${ordinary} as ordinary e-mail` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Every transaction needs a login. smtp-server enforces that only while AUTH is offered; before
 * STARTTLS it is not, so the rule is kept here as well. */
function requireUser(session: SMTPServerSession): SessionUser {
  const user = session.user as SessionUser | undefined;
  if (!user) throw Object.assign(new Error('Authentication required: use STARTTLS, then AUTH'), { responseCode: 530 });
  return user;
}
