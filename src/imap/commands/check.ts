// RFC 3501 §6.4.1 CHECK: a checkpoint, and every write here is already durable, so it only polls for
// updates like NOOP (RFC 9051 drops the command).
import { SELECTED, noArguments, type ImapCommand } from '../command.ts';

export const checkCommand: ImapCommand<null> = {
  name: 'CHECK',
  states: SELECTED,
  skipAnnounce: true,
  parse: noArguments,
  async run(session) {
    await session.announce({ expunge: true, force: true });
  },
};
