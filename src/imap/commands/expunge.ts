// RFC 3501 §6.4.3 EXPUNGE and RFC 4315 §2.1 UID EXPUNGE (only \Deleted messages within the set).
import { SELECTED, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseSequenceSet, uidSetToRanges, type SequenceSet } from '../parser/sequence-set.ts';

export function parseExpunge(p: CommandParser, ctx: { uid: boolean }): SequenceSet | null {
  if (!ctx.uid) return null;
  p.sp();
  return parseSequenceSet(p);
}

export const expungeCommand: ImapCommand<SequenceSet | null> = {
  name: 'EXPUNGE',
  states: SELECTED,
  parse: parseExpunge,
  async run(session, set) {
    const selected = session.selected!;
    if (selected.readOnly) throw new ImapNoError('CANNOT', 'Mailbox is read-only');
    // Only messages the session knows about: a \Deleted message that arrived unannounced waits.
    const ranges = set ? uidSetToRanges(set, selected.uids) : selected.exists > 0 ? [{ start: 1, end: selected.highestUid }] : [];
    if (ranges.length === 0) return;
    const expunged = await session.mail.expunge(selected.folderId, ranges);
    for (const seq of selected.remove(expunged)) await session.untagged(`${seq} EXPUNGE`);
  },
};
