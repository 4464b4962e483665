// RFC 3501 §6.3.10 STATUS, plus APPENDLIMIT (RFC 7889 §3.2). The counts come from the folder row
// the store keeps current, and RECENT from an index range count, so STATUS never scans a folder.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { mailboxToWire, parseMailboxName } from '../parser/mailbox-name.ts';

const ITEMS = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'APPENDLIMIT'] as const;
type StatusItem = (typeof ITEMS)[number];

export interface StatusArgs {
  name: string;
  items: StatusItem[];
}

export function parseStatus(p: CommandParser): StatusArgs {
  p.sp();
  const name = parseMailboxName(p);
  p.sp();
  const items = p.parenList(() => {
    const item = p.atom().toUpperCase();
    if (!(ITEMS as readonly string[]).includes(item)) p.fail(`Unknown status item ${item}`);
    return item as StatusItem;
  }, { max: 20 });
  return { name, items };
}

export const statusCommand: ImapCommand<StatusArgs> = {
  name: 'STATUS',
  states: AUTHENTICATED,
  parse: parseStatus,
  async run(session, { name, items }) {
    const folder = await session.mail.getFolder(session.mailboxId, name);
    if (!folder) throw new ImapNoError('NONEXISTENT', 'No such mailbox');
    const values: string[] = [];
    for (const item of items) {
      let value: number;
      switch (item) {
        case 'MESSAGES':
          value = folder.messages;
          break;
        // RFC 3501 §6.3.10: STATUS must not change \Recent, so it counts the messages no session
        // has claimed yet (MailService.countRecent) instead of claiming them as SELECT does.
        case 'RECENT':
          value = await session.mail.countRecent(folder.id);
          break;
        case 'UIDNEXT':
          value = folder.uidNext;
          break;
        case 'UIDVALIDITY':
          value = folder.uidValidity;
          break;
        case 'UNSEEN':
          value = folder.unseen;
          break;
        case 'APPENDLIMIT':
          value = session.services.maxMessageSize;
          break;
      }
      values.push(`${item} ${value}`);
    }
    await session.untagged(`STATUS ${mailboxToWire(folder.name)} (${values.join(' ')})`);
  },
};
