// RFC 3501 §6.3.4 DELETE. INBOX cannot be deleted; the service refuses a folder with children.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseMailboxName } from '../parser/mailbox-name.ts';

export function parseMailboxArg(p: CommandParser): string {
  p.sp();
  return parseMailboxName(p);
}

export const deleteCommand: ImapCommand<string> = {
  name: 'DELETE',
  states: AUTHENTICATED,
  parse: parseMailboxArg,
  async run(session, name) {
    if (name === 'INBOX') throw new ImapNoError('CANNOT', 'INBOX cannot be deleted');
    const folder = await session.mail.getFolder(session.mailboxId, name);
    if (!folder) throw new ImapNoError('NONEXISTENT', 'No such mailbox');
    // Deleting the selected folder leaves nothing to show: treat it like UNSELECT first.
    if (session.selected?.folderId === folder.id) session.deselect();
    await session.mail.deleteFolder(session.mailboxId, name);
  },
};
