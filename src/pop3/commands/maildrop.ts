// STAT, LIST and UIDL (RFC 1939 §5, §7): what is in the maildrop, without messages marked deleted.
import { parseMessageNumber, Pop3SyntaxError } from '../parser.ts';
import type { MaildropEntry, Pop3Session } from '../session.ts';
import type { Pop3Command } from './command.ts';

export const stat: Pop3Command = {
  name: 'STAT',
  states: ['transaction'],
  async run(session) {
    const live = session.maildrop.filter((m) => !m.deleted);
    await session.ok(`${live.length} ${live.reduce((sum, m) => sum + m.size, 0)}`);
  },
};

export const list: Pop3Command = {
  name: 'LIST',
  states: ['transaction'],
  run: (session, args) => listing(session, args, (m) => String(m.size)),
};

export const uidl: Pop3Command = {
  name: 'UIDL',
  states: ['transaction'],
  run: (session, args) => listing(session, args, (m) => session.uniqueId(m)),
};

async function listing(session: Pop3Session, args: string[], value: (m: MaildropEntry) => string): Promise<void> {
  if (args.length > 1) throw new Pop3SyntaxError('Too many arguments');
  if (args.length === 1) {
    const number = parseMessageNumber(args[0]);
    const entry = session.message(number);
    if (!entry) return session.err('No such message');
    return session.ok(`${number} ${value(entry)}`);
  }
  await session.ok('Listing follows');
  let lines: string[] = [];
  for (const [index, entry] of session.maildrop.entries()) {
    if (entry.deleted) continue;
    lines.push(`${index + 1} ${value(entry)}`);
    if (lines.length === 1000) {
      await session.send(lines.join('\r\n'));
      lines = [];
    }
  }
  lines.push('.');
  await session.send(lines.join('\r\n'));
}
