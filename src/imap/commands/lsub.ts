// RFC 3501 §6.3.9 LSUB: the subscribed names matching the pattern; a subscribed name that no longer
// exists is still listed, as \Noselect.
import { AUTHENTICATED, type ImapCommand } from '../command.ts';
import { FOLDER_SEPARATOR } from '../../mail/types.ts';
import { combinePattern, listEntries } from '../mailbox-list.ts';
import { mailboxToWire } from '../parser/mailbox-name.ts';
import { parseList, type ListArgs } from './list.ts';

export const lsubCommand: ImapCommand<ListArgs> = {
  name: 'LSUB',
  states: AUTHENTICATED,
  parse: parseList,
  async run(session, args) {
    const [folders, subscriptions] = await Promise.all([
      session.mail.listFolders(session.mailboxId),
      session.mail.listSubscriptions(session.mailboxId),
    ]);
    const existing = new Set(folders.map((f) => f.name));
    const pattern = combinePattern(args.reference, args.pattern);
    const subscribed = subscriptions.map((name) => ({ name, specialUse: null }));
    for (const entry of listEntries(subscribed, pattern)) {
      if (!subscriptions.includes(entry.name)) continue;
      const attributes = existing.has(entry.name) ? [] : ['\\Noselect'];
      await session.untagged(`LSUB (${attributes.join(' ')}) "${FOLDER_SEPARATOR}" ${mailboxToWire(entry.name)}`);
    }
  },
};
