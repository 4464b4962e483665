// RFC 3501 §6.4.2 CLOSE: expunge \Deleted messages silently (no EXPUNGE responses) unless the folder
// is read-only, then leave the selected state.
import { SELECTED, noArguments, type ImapCommand } from '../command.ts';

export const closeCommand: ImapCommand<null> = {
  name: 'CLOSE',
  states: SELECTED,
  skipAnnounce: true,
  parse: noArguments,
  async run(session) {
    const selected = session.selected!;
    session.deselect();
    if (!selected.readOnly && selected.exists > 0) {
      await session.mail.expunge(selected.folderId, [{ start: 1, end: selected.highestUid }]);
    }
  },
};
