// RFC 3501 §6.3.6 SUBSCRIBE.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { parseMailboxArg } from './delete.ts';

export const subscribeCommand: ImapCommand<string> = {
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  parse: parseMailboxArg,
  async run(session, name) {
    await session.mail.subscribe(session.mailboxId, name);
  },
};
