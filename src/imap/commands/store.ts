// RFC 3501 §6.4.6 STORE and UID STORE: FLAGS, +FLAGS, -FLAGS, each optionally .SILENT. The FETCH
// responses report the new flags of the messages that changed; those changes are remembered so the
// end-of-command announcement does not report them a second time.
import type { FlagUpdateMode } from '../../mail/types.ts';
import { SELECTED, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import { resolveMessageSet } from '../message-set.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseStoreFlags } from '../parser/flags.ts';
import { parseSequenceSet, type SequenceSet } from '../parser/sequence-set.ts';

export interface StoreArgs {
  set: SequenceSet;
  mode: FlagUpdateMode;
  silent: boolean;
  flags: string[];
}

export function parseStore(p: CommandParser): StoreArgs {
  p.sp();
  const set = parseSequenceSet(p);
  p.sp();
  const mode: FlagUpdateMode = p.tryExpect('+') ? 'add' : p.tryExpect('-') ? 'remove' : 'replace';
  p.take('FLAGS');
  const silent = p.tryTake('.SILENT');
  p.sp();
  return { set, mode, silent, flags: parseStoreFlags(p) };
}

export const storeCommand: ImapCommand<StoreArgs> = {
  name: 'STORE',
  states: SELECTED,
  expungeUpdates: false,
  parse: parseStore,
  async run(session, args, ctx) {
    const selected = session.selected!;
    if (selected.readOnly) throw new ImapNoError('CANNOT', 'Mailbox is read-only');
    const ranges = resolveMessageSet(selected, args.set, ctx.uid);
    if (ranges.length === 0) return;
    if (args.mode !== 'replace' && args.flags.length === 0) return;
    const result = await session.mail.storeFlags(selected.folderId, ranges, args.mode, args.flags);
    const unknown = new Set<string>();
    for (const change of result.changed) {
      selected.ownFlagChanges.set(change.uid, change.modseq);
      for (const flag of change.flags) if (!selected.knownFlags.has(flag)) unknown.add(flag);
    }
    if (unknown.size > 0) await session.announceFlags(selected, unknown);
    if (args.silent) return;
    for (const change of result.changed) {
      const seq = selected.seqOf(change.uid);
      if (seq === 0) continue;
      // RFC 3501 §6.4.8: responses to UID commands carry the UID.
      const uid = ctx.uid ? ` UID ${change.uid}` : '';
      await session.untagged(`${seq} FETCH (FLAGS ${session.flagsFor(selected, change.uid, change.flags)}${uid})`);
    }
  },
};
