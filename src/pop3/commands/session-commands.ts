// DELE, RSET, NOOP, QUIT (RFC 1939 §5–6) and CAPA (RFC 2449 §5).
import { parseMessageNumber, Pop3SyntaxError } from '../parser.ts';
import type { Pop3Command } from './command.ts';

export const dele: Pop3Command = {
  name: 'DELE',
  states: ['transaction'],
  async run(session, args) {
    if (args.length !== 1) throw new Pop3SyntaxError('DELE needs a message number');
    const number = parseMessageNumber(args[0]);
    const entry = session.message(number);
    if (!entry) return session.err('No such message');
    entry.deleted = true;
    await session.ok(`Message ${number} marked for deletion`);
  },
};

export const rset: Pop3Command = {
  name: 'RSET',
  states: ['transaction'],
  async run(session) {
    for (const entry of session.maildrop) entry.deleted = false;
    await session.ok(`${session.maildrop.length} messages`);
  },
};

export const noop: Pop3Command = {
  name: 'NOOP',
  states: ['transaction'],
  run: (session) => session.ok(),
};

export const quit: Pop3Command = {
  name: 'QUIT',
  states: ['authorization', 'transaction'],
  async run(session) {
    if (session.state === 'authorization') {
      await session.ok('Bye');
      return session.end();
    }
    // RFC 1939 §6: the UPDATE state removes the messages marked deleted.
    session.state = 'update';
    const { mail } = session.context;
    const doomed = session.maildrop.filter((m) => m.deleted).map((m) => m.uid);
    try {
      await mail.deleteMessages(session.folderId, doomed);
      // As Dovecot does by default: messages a POP3 client downloaded count as read in IMAP.
      const kept = [...session.retrieved].filter((uid) => !doomed.includes(uid)).map((uid) => ({ start: uid, end: uid }));
      if (kept.length) await mail.storeFlags(session.folderId, kept, 'add', ['\\Seen']);
      await session.ok('Bye');
    } catch (error) {
      session.context.logger.error({ err: error }, 'pop3 update failed');
      await session.err('[SYS/TEMP] Some deleted messages were not removed');
    } finally {
      if (session.mailbox) session.context.locks.delete(session.mailbox.id);
      session.end();
    }
  },
};

export const capa: Pop3Command = {
  name: 'CAPA',
  states: ['authorization', 'transaction'],
  async run(session) {
    const lines = ['+OK Capability list follows', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    if (session.state === 'authorization') lines.push('USER', 'SASL PLAIN');
    lines.push('IMPLEMENTATION Zorgpost', '.');
    await session.send(lines.join('\r\n'));
  },
};
