// RFC 6851 MOVE / UID MOVE: COPYUID in an untagged OK before the EXPUNGE responses (§4.3), since
// the tagged OK comes after the messages are already gone from the source.
import { SELECTED, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import { resolveMessageSet } from '../message-set.ts';
import { copyUidCode, parseCopy, targetFolder, type CopyArgs } from './copy.ts';

export const moveCommand: ImapCommand<CopyArgs> = {
  name: 'MOVE',
  states: SELECTED,
  parse: parseCopy,
  async run(session, args, ctx) {
    const selected = session.selected!;
    if (selected.readOnly) throw new ImapNoError('CANNOT', 'Mailbox is read-only');
    const ranges = resolveMessageSet(selected, args.set, ctx.uid);
    const target = await targetFolder(session, args.mailbox);
    if (ranges.length === 0) return;
    const result = await session.mail.move(selected.folderId, ranges, target.id);
    if (result.mapping.length > 0) await session.untagged(`OK [${copyUidCode(result.uidValidity, result.mapping)}] Moved`);
    for (const seq of selected.remove(result.expunged)) await session.untagged(`${seq} EXPUNGE`);
    if (target.id === selected.folderId) selected.dirty = true;
  },
};
