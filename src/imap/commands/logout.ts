// RFC 3501 §6.1.3 LOGOUT: untagged BYE, then the tagged OK, then the server closes.
import { ANY_STATE, noArguments, type ImapCommand } from '../command.ts';

export const logoutCommand: ImapCommand<null> = {
  name: 'LOGOUT',
  states: ANY_STATE,
  skipAnnounce: true,
  parse: noArguments,
  async run(session) {
    await session.untagged('BYE Logging out');
    session.deselect();
    session.state = 'logout';
  },
};
