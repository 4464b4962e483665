// RFC 3501 §6.1.2 NOOP: the client's way of polling for updates (RFC 3501 §5.2), so it looks for
// changes even when no change event arrived.
import { ANY_STATE, noArguments, type ImapCommand } from '../command.ts';

export const noopCommand: ImapCommand<null> = {
  name: 'NOOP',
  states: ANY_STATE,
  skipAnnounce: true,
  parse: noArguments,
  async run(session) {
    if (session.selected) await session.announce({ expunge: true, force: true });
  },
};
