// RFC 3501 §6.3.11 APPEND with UIDPLUS APPENDUID (RFC 4315 §3) and APPENDLIMIT (RFC 7889).
// A message literal at the end of the first line (the usual form) is streamed into the store by
// append-stream.ts; this module handles the rest (e.g. a mailbox name sent as a literal), where the
// command reader has already collected the whole literal. Either way nothing is stored unless the
// complete command arrived: the store commits only after the message stream ended cleanly.
import type { Folder, MessageSource } from '../../mail/types.ts';
import { AUTHENTICATED, type CommandResult, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseDateTime } from '../parser/date-time.ts';
import { parseFlagList } from '../parser/flags.ts';
import { parseMailboxName } from '../parser/mailbox-name.ts';
import type { Session } from '../session.ts';

export interface AppendTarget {
  mailbox: string;
  flags: string[];
  internalDate: Date | undefined;
}

export interface AppendArgs extends AppendTarget {
  message: Buffer;
}

/** Everything up to the message literal: SP mailbox SP [flag-list SP] [date-time SP]. */
export function parseAppendTarget(p: CommandParser): AppendTarget {
  p.sp();
  const mailbox = parseMailboxName(p);
  p.sp();
  let flags: string[] = [];
  let internalDate: Date | undefined;
  if (p.peekChar() === '(') {
    flags = parseFlagList(p);
    p.sp();
  }
  if (p.peekChar() === '"') {
    internalDate = parseDateTime(p);
    p.sp();
  }
  if (p.peekChar() === '~') p.fail('BINARY literals are not supported');
  return { mailbox, flags, internalDate };
}

export function parseAppend(p: CommandParser): AppendArgs {
  const target = parseAppendTarget(p);
  // RFC 3502 MULTIAPPEND is not offered: exactly one message, then the end of the command.
  return { ...target, message: p.literal() };
}

/** The target folder; RFC 3501 §6.3.11 answers a missing one with TRYCREATE. */
export async function appendFolder(session: Session, mailbox: string): Promise<Folder> {
  const folder = await session.mail.getFolder(session.mailboxId, mailbox);
  if (!folder) throw new ImapNoError('TRYCREATE', 'No such mailbox');
  return folder;
}

export async function storeAppend(session: Session, folder: Folder, target: AppendTarget, message: MessageSource): Promise<CommandResult> {
  const result = await session.mail.append(folder.id, message, {
    flags: target.flags,
    ...(target.internalDate ? { internalDate: target.internalDate } : {}),
  });
  // RFC 3501 §6.3.11: appending to the selected folder should produce EXISTS right away.
  if (session.selected?.folderId === folder.id) session.selected.dirty = true;
  return { code: `APPENDUID ${result.uidValidity} ${result.uid}`, text: 'APPEND completed' };
}

export const appendCommand: ImapCommand<AppendArgs> = {
  name: 'APPEND',
  states: AUTHENTICATED,
  parse: parseAppend,
  async run(session, args) {
    if (args.message.length > session.services.maxMessageSize) throw new ImapNoError('TOOBIG', 'Message too large');
    if (args.message.length === 0) throw new ImapNoError('CANNOT', 'Empty message');
    return storeAppend(session, await appendFolder(session, args.mailbox), args, args.message);
  },
};
