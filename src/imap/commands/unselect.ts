// RFC 3691 UNSELECT: leave the selected state without expunging.
import { SELECTED, noArguments, type ImapCommand } from '../command.ts';

export const unselectCommand: ImapCommand<null> = {
  name: 'UNSELECT',
  states: SELECTED,
  skipAnnounce: true,
  parse: noArguments,
  async run(session) {
    session.deselect();
  },
};
