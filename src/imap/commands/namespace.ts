// RFC 2342 NAMESPACE: one personal namespace with the "/" separator, no shared or other users'.
import { AUTHENTICATED, noArguments, type ImapCommand } from '../command.ts';
import { FOLDER_SEPARATOR } from '../../mail/types.ts';

export const namespaceCommand: ImapCommand<null> = {
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  parse: noArguments,
  async run(session) {
    await session.untagged(`NAMESPACE (("" "${FOLDER_SEPARATOR}")) NIL NIL`);
  },
};
