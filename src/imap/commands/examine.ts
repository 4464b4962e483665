// RFC 3501 §6.3.2 EXAMINE: SELECT, read-only.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { openFolder, parseSelect } from './select.ts';

export const examineCommand: ImapCommand<string> = {
  name: 'EXAMINE',
  states: AUTHENTICATED,
  skipAnnounce: true,
  parse: parseSelect,
  run: (session, name) => openFolder(session, name, true),
};
