// RFC 3501 §6.3.8 LIST with RFC 6154 special-use and RFC 3348 child attributes in every reply.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { FOLDER_SEPARATOR } from '../../mail/types.ts';
import { decodeMailboxName } from '../mutf7.ts';
import { combinePattern, listEntries } from '../mailbox-list.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { MAX_MAILBOX_NAME, mailboxToWire } from '../parser/mailbox-name.ts';

export interface ListArgs {
  reference: string;
  pattern: string;
}

export function parseList(p: CommandParser): ListArgs {
  p.sp();
  if (p.peekChar() === '(') p.fail('LIST-EXTENDED selection options are not supported');
  const reference = decodeOrFail(p, p.astring().toString('latin1'));
  p.sp();
  const pattern = decodeOrFail(p, p.listMailbox().toString('latin1'));
  return { reference, pattern };
}

function decodeOrFail(p: CommandParser, raw: string): string {
  if (raw.length > MAX_MAILBOX_NAME) p.fail('Mailbox name too long');
  const decoded = decodeMailboxName(raw);
  if (decoded === null) p.fail('Mailbox name is not valid modified UTF-7');
  return decoded;
}

export const listCommand: ImapCommand<ListArgs> = {
  name: 'LIST',
  states: AUTHENTICATED,
  async run(session, args) {
    // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter and root.
    if (args.pattern === '') {
      await session.untagged(`LIST (\\Noselect) "${FOLDER_SEPARATOR}" ""`);
      return;
    }
    const folders = await session.mail.listFolders(session.mailboxId);
    for (const entry of listEntries(folders, combinePattern(args.reference, args.pattern))) {
      await session.untagged(`LIST (${entry.attributes.join(' ')}) "${FOLDER_SEPARATOR}" ${mailboxToWire(entry.name)}`);
    }
  },
  parse: parseList,
};
