// RFC 3501 §6.4.5 FETCH and §6.4.8 UID FETCH. The response streaming lives in fetch/fetch-runner.ts.
import { SELECTED, type ImapCommand } from '../command.ts';
import { parseFetchItems, type FetchItem } from '../fetch/fetch-args.ts';
import { runFetch } from '../fetch/fetch-runner.ts';
import { resolveMessageSet } from '../message-set.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseSequenceSet, type SequenceSet } from '../parser/sequence-set.ts';

export interface FetchArgs {
  set: SequenceSet;
  items: FetchItem[];
}

export function parseFetch(p: CommandParser): FetchArgs {
  p.sp();
  const set = parseSequenceSet(p);
  p.sp();
  const items = parseFetchItems(p);
  // RFC 4466 fetch modifiers (CHANGEDSINCE…) belong to CONDSTORE, which is not offered.
  if (p.trySp()) p.fail('FETCH modifiers are not supported');
  return { set, items };
}

export const fetchCommand: ImapCommand<FetchArgs> = {
  name: 'FETCH',
  states: SELECTED,
  expungeUpdates: false,
  parse: parseFetch,
  async run(session, args, ctx) {
    const ranges = resolveMessageSet(session.selected!, args.set, ctx.uid);
    if (ranges.length === 0) return;
    await runFetch(session, ranges, { items: args.items, uid: ctx.uid });
  },
};
