// RFC 3501 §6.3.5 RENAME. The service moves children along, creates missing parents of the new
// name, and for INBOX moves its messages to the new folder leaving INBOX empty.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseMailboxName } from '../parser/mailbox-name.ts';
import { parseNewMailbox } from './create.ts';

export interface RenameArgs {
  from: string;
  to: string;
}

export function parseRename(p: CommandParser): RenameArgs {
  p.sp();
  const from = parseMailboxName(p);
  p.sp();
  return { from, to: parseNewMailbox(p) };
}

export const renameCommand: ImapCommand<RenameArgs> = {
  name: 'RENAME',
  states: AUTHENTICATED,
  parse: parseRename,
  async run(session, { from, to }) {
    if (to === 'INBOX') throw new ImapNoError('ALREADYEXISTS', 'INBOX already exists');
    await session.mail.renameFolder(session.mailboxId, from, to);
    const selected = session.selected;
    if (selected && from !== 'INBOX' && (selected.name === from || selected.name.startsWith(`${from}/`))) {
      selected.name = to + selected.name.slice(from.length);
    }
  },
};
