// Real clients configured for a test server: imapflow (IMAP) and nodemailer (SMTP submission), both
// trusting the server's local CA and talking only to 127.0.0.1.
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';

/** A running server, in this process (harness.ts TestServer) or a child (child-server.ts). */
export interface Endpoint {
  ca: Buffer;
  ports: { smtps: number; submission: number; imaps: number; pop3s: number };
}

export interface Credentials {
  user: string;
  pass: string;
}

export function imapClient(server: Endpoint, auth: Credentials, port = server.ports.imaps): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: true,
    tls: { ca: server.ca, servername: 'localhost' },
    auth,
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
}

/** A connected imapflow client; the caller logs it out. */
export async function connectImap(server: Endpoint, auth: Credentials, port = server.ports.imaps): Promise<ImapFlow> {
  const client = imapClient(server, auth, port);
  await client.connect();
  return client;
}

/** One pooled SMTP connection on the implicit-TLS submission port (465 role), reused for every message. */
export function smtpTransport(server: Endpoint, auth: Credentials, options: { port?: number; starttls?: boolean } = {}) {
  const starttls = options.starttls ?? false;
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: options.port ?? (starttls ? server.ports.submission : server.ports.smtps),
    secure: !starttls,
    requireTLS: starttls,
    tls: { ca: server.ca, servername: 'localhost' },
    auth,
    pool: true,
    maxConnections: 1,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
}

/** Every message of a folder as {uid, source}, in UID order. */
export async function fetchSources(client: ImapFlow, folder = 'INBOX'): Promise<Array<{ uid: number; source: Buffer }>> {
  const lock = await client.getMailboxLock(folder);
  try {
    const messages: Array<{ uid: number; source: Buffer }> = [];
    if ((client.mailbox && client.mailbox.exists) === 0) return messages;
    for await (const message of client.fetch('1:*', { uid: true, source: true })) {
      messages.push({ uid: message.uid, source: message.source! });
    }
    return messages.sort((a, b) => a.uid - b.uid);
  } finally {
    lock.release();
  }
}
