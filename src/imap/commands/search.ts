// RFC 3501 §6.4.4 SEARCH and UID SEARCH: the answer lists sequence numbers (or UIDs) of matching
// messages the session knows about; the result line is written in pieces, never built whole.
import { SELECTED, type ImapCommand } from '../command.ts';
import { parseSearch, type SearchArgs } from '../search/search-args.ts';
import { translateSearch } from '../search/search-translate.ts';

export const searchCommand: ImapCommand<SearchArgs> = {
  name: 'SEARCH',
  states: SELECTED,
  expungeUpdates: false,
  parse: parseSearch,
  async run(session, args, ctx) {
    const selected = session.selected!;
    const query = translateSearch(args.key, selected);
    const uids = await session.mail.search(selected.folderId, query);
    const out = session.out;
    await out.write('* SEARCH');
    let piece = '';
    for (const uid of uids) {
      const seq = selected.seqOf(uid);
      if (seq === 0) continue;
      piece += ` ${ctx.uid ? uid : seq}`;
      if (piece.length > 16_384) {
        await out.write(piece);
        piece = '';
      }
    }
    await out.write(`${piece}\r\n`);
  },
};
