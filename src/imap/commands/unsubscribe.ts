// RFC 3501 §6.3.7 UNSUBSCRIBE.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { parseMailboxArg } from './delete.ts';

export const unsubscribeCommand: ImapCommand<string> = {
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  parse: parseMailboxArg,
  async run(session, name) {
    await session.mail.unsubscribe(session.mailboxId, name);
  },
};
