// RFC 3501 §6.1.1 CAPABILITY.
import { ANY_STATE, noArguments, type ImapCommand } from '../command.ts';
import { capabilityList } from '../capabilities.ts';

export const capabilityCommand: ImapCommand<null> = {
  name: 'CAPABILITY',
  states: ANY_STATE,
  parse: noArguments,
  async run(session) {
    await session.untagged(`CAPABILITY ${capabilityList(session)}`);
  },
};
