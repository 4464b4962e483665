// RFC 3501 §6.4.7 COPY (and UID COPY, §6.4.8) with UIDPLUS COPYUID (RFC 4315 §3).
import { SELECTED, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import { resolveMessageSet } from '../message-set.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseMailboxName } from '../parser/mailbox-name.ts';
import { formatUidSet, parseSequenceSet, type SequenceSet } from '../parser/sequence-set.ts';
import type { Session } from '../session.ts';
import type { Folder } from '../../mail/types.ts';

export interface CopyArgs {
  set: SequenceSet;
  mailbox: string;
}

export function parseCopy(p: CommandParser): CopyArgs {
  p.sp();
  const set = parseSequenceSet(p);
  p.sp();
  return { set, mailbox: parseMailboxName(p) };
}

/** The target folder, or TRYCREATE (RFC 3501 §6.4.7). */
export async function targetFolder(session: Session, name: string): Promise<Folder> {
  const folder = await session.mail.getFolder(session.mailboxId, name);
  if (!folder) throw new ImapNoError('TRYCREATE', 'No such mailbox');
  return folder;
}

export function copyUidCode(uidValidity: number, mapping: ReadonlyArray<[number, number]>): string {
  return `COPYUID ${uidValidity} ${formatUidSet(mapping.map((m) => m[0]))} ${formatUidSet(mapping.map((m) => m[1]))}`;
}

export const copyCommand: ImapCommand<CopyArgs> = {
  name: 'COPY',
  states: SELECTED,
  parse: parseCopy,
  async run(session, args, ctx) {
    const selected = session.selected!;
    const ranges = resolveMessageSet(selected, args.set, ctx.uid);
    const target = await targetFolder(session, args.mailbox);
    if (ranges.length === 0) return;
    const result = await session.mail.copy(selected.folderId, ranges, target.id);
    if (target.id === selected.folderId) selected.dirty = true;
    if (result.mapping.length === 0) return;
    return { code: copyUidCode(result.uidValidity, result.mapping), text: 'COPY completed' };
  },
};
