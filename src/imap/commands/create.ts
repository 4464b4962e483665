// RFC 3501 §6.3.3 CREATE. The mail service validates the name and creates missing parents ("SHOULD
// create any superior hierarchical names"), so the hierarchy never has gaps.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { FOLDER_SEPARATOR } from '../../mail/types.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseMailboxName } from '../parser/mailbox-name.ts';

/** A mailbox argument that names a folder to be created: a trailing separator only declares the
 * intent to create children (RFC 3501 §6.3.3) and is dropped. */
export function parseNewMailbox(p: CommandParser): string {
  let name = parseMailboxName(p);
  while (name.endsWith(FOLDER_SEPARATOR)) name = name.slice(0, -1);
  return name;
}

export function parseCreate(p: CommandParser): string {
  p.sp();
  return parseNewMailbox(p);
}

export const createCommand: ImapCommand<string> = {
  name: 'CREATE',
  states: AUTHENTICATED,
  parse: parseCreate,
  async run(session, name) {
    if (name === 'INBOX') throw new ImapNoError('ALREADYEXISTS', 'INBOX already exists');
    if (name === '') throw new ImapNoError('CANNOT', 'Invalid mailbox name');
    await session.mail.createFolder(session.mailboxId, name);
  },
};
