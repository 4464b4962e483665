// RFC 3501 §6.3.1 SELECT and §6.3.2 EXAMINE. Only counts and the UID list are loaded, never
// message data, so selecting a 50,000-message folder stays fast.
import { AUTHENTICATED, type CommandResult, type ImapCommand } from '../command.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseMailboxName } from '../parser/mailbox-name.ts';
import { SelectedFolder } from '../selected-folder.ts';
import { initialFlags, type Session } from '../session.ts';

export function parseSelect(p: CommandParser): string {
  p.sp();
  const name = parseMailboxName(p);
  // RFC 4466 select parameters belong to extensions not offered here (CONDSTORE, QRESYNC).
  if (p.trySp()) p.fail('SELECT parameters are not supported');
  return name;
}

export async function openFolder(session: Session, name: string, readOnly: boolean): Promise<CommandResult> {
  // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
  session.deselect();
  const { mail } = session;
  const folder = await mail.getFolder(session.mailboxId, name);
  if (!folder) throw new ImapNoError('NONEXISTENT', 'No such mailbox');
  // The mod-sequence is read before the UID list: whatever changes in between is announced later,
  // never lost (SelectedFolder.add skips UIDs it already has).
  const modseq = folder.highestModseq;
  const uids = await mail.listUids(folder.id);
  const selected = new SelectedFolder(folder, uids, readOnly, modseq, initialFlags(folder.keywords));
  if (!readOnly) {
    // RFC 3501 §2.3.2: EXAMINE must not change \Recent, so only SELECT claims it.
    const floor = await mail.claimRecent(folder.id);
    for (let i = uids.length - 1; i >= 0 && uids[i]! > floor; i--) selected.recent.add(uids[i]!);
  } else {
    // EXAMINE still reports which messages are \Recent (the newest ones no session claimed).
    const count = Math.min(await mail.countRecent(folder.id), uids.length);
    for (let i = uids.length - count; i < uids.length; i++) selected.recent.add(uids[i]!);
  }
  // RFC 3501 §6.3.1: [UNSEEN n] is the sequence number of the first message without \Seen. The
  // store finds its UID with an index lookup; a UID this session does not have yet (it arrived
  // after the UID list was read) means none of the messages the session knows is unseen.
  const firstUnseenUid = folder.unseen > 0 ? await mail.firstUnseenUid(folder.id) : null;
  const firstUnseen = firstUnseenUid === null ? 0 : selected.seqOf(firstUnseenUid);

  await session.announceFlags(selected, []);
  await session.untagged(`${selected.exists} EXISTS`);
  await session.untagged(`${selected.recent.size} RECENT`);
  if (firstUnseen > 0) await session.untagged(`OK [UNSEEN ${firstUnseen}] First unseen message`);
  await session.untagged(`OK [UIDVALIDITY ${folder.uidValidity}] UIDs valid`);
  await session.untagged(`OK [UIDNEXT ${Math.max(folder.uidNext, selected.highestUid + 1)}] Predicted next UID`);
  session.select(selected);
  return readOnly ? { code: 'READ-ONLY', text: 'EXAMINE completed' } : { code: 'READ-WRITE', text: 'SELECT completed' };
}

export const selectCommand: ImapCommand<string> = {
  name: 'SELECT',
  states: AUTHENTICATED,
  skipAnnounce: true,
  parse: parseSelect,
  run: (session, name) => openFolder(session, name, false),
};
