// USER/PASS (RFC 1939 §7) and AUTH PLAIN (RFC 5034, RFC 4616); response codes per RFC 3206 and
// RFC 2449 §8.1.
import { Pop3SyntaxError } from '../parser.ts';
import type { Pop3Session } from '../session.ts';
import type { Pop3Command } from './command.ts';

export const user: Pop3Command = {
  name: 'USER',
  states: ['authorization'],
  async run(session, args) {
    if (args.length !== 1) throw new Pop3SyntaxError('USER needs exactly one argument');
    session.pendingUser = args[0]!;
    await session.ok('Send your Hosted Mail Key with PASS');
  },
};

export const pass: Pop3Command = {
  name: 'PASS',
  states: ['authorization'],
  async run(session, args) {
    const username = session.pendingUser;
    session.pendingUser = null;
    if (username === null) return session.err('USER first');
    await login(session, username, args[0] ?? '');
  },
};

export const auth: Pop3Command = {
  name: 'AUTH',
  states: ['authorization'],
  async run(session, args) {
    // Clients ask "AUTH" alone to learn the mechanisms (the de facto form before RFC 5034).
    if (args.length === 0) {
      await session.send('+OK Supported mechanisms follow');
      return session.send('PLAIN\r\n.');
    }
    if (args[0]!.toUpperCase() !== 'PLAIN' || args.length > 2) return session.err('Unsupported authentication mechanism');
    const respond = (response: string) => {
      // RFC 5034 §4: "*" cancels the exchange.
      if (response === '*') return session.err('Authentication cancelled');
      return plain(session, response);
    };
    // RFC 5034 §4: "=" is an empty initial response.
    if (args.length === 2) return respond(args[1] === '=' ? '' : args[1]!);
    session.saslContinuation = respond;
    await session.send('+ ');
  },
};

async function plain(session: Pop3Session, response: string): Promise<void> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(response)) return session.err('Invalid base64 in authentication response');
  // RFC 4616 §2: [authzid] NUL authcid NUL passwd.
  const parts = Buffer.from(response, 'base64').toString('utf8').split('\u0000');
  if (parts.length !== 3) return session.err('Malformed PLAIN response');
  const [authzid, authcid, password] = parts as [string, string, string];
  await login(session, authcid, password, authzid);
}

async function login(session: Pop3Session, username: string, password: string, authzid?: string): Promise<void> {
  const { auth: authenticator, mail, locks } = session.context;
  const result = await authenticator.login({ username, password, protocol: 'pop3', remoteAddress: session.remoteAddress, authzid });
  if (!result.ok) {
    if (result.reason === 'throttled') return session.err('[SYS/TEMP] Too many failed attempts, try again later');
    if (result.reason === 'forbidden') return session.err('[AUTH] Acting as another user is not permitted');
    return session.err('[AUTH] Invalid credentials');
  }
  if (locks.has(result.mailbox.id)) return session.err('[IN-USE] Another POP3 session has this mailbox open');
  const inbox = await mail.getFolder(result.mailbox.id, 'INBOX');
  if (!inbox) return session.err('[SYS/PERM] Mailbox has no INBOX');
  locks.add(result.mailbox.id);
  session.mailbox = result.mailbox;
  session.keyId = result.keyId;
  session.folderId = inbox.id;
  session.uidValidity = inbox.uidValidity;
  session.state = 'transaction';
  try {
    for await (const chunk of mail.fetchMeta(inbox.id, [{ start: 1, end: Infinity }])) {
      for (const meta of chunk) session.maildrop.push({ uid: meta.uid, size: meta.size, bodyId: meta.bodyId, deleted: false });
    }
  } catch (error) {
    session.releaseLock();
    session.state = 'authorization';
    throw error;
  }
  const total = session.maildrop.reduce((sum, m) => sum + m.size, 0);
  const count = session.maildrop.length;
  await session.ok(`${count} ${count === 1 ? 'message' : 'messages'} (${total} octets)`);
}
