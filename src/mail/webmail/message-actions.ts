// Flags, moves and deletes from the webmail, through the same mail service calls as IMAP STORE, MOVE
// and EXPUNGE (so IMAP sessions hear of them at once). Deleting moves to Trash and answers with the
// new UIDs (RFC 4315 COPYUID), so "undo" is a move back; deleting in Trash removes for good. Moves
// and deletes are audit-logged (SPEC R22: deleting received messages).
import type { AuditLog } from '../../audit/audit-log.ts';
import { UserError } from '../../errors.ts';
import type { Folder, MailService, UidRange } from '../types.ts';
import { ownFolder, specialFolder } from './mailbox-folders.ts';
import type { DeleteResult, FlagName, MoveResult, WebmailContext } from './types.ts';

const FLAG_NAMES: Record<FlagName, string> = { seen: '\\Seen', flagged: '\\Flagged', answered: '\\Answered' };
/** Messages one request may act on (a "select all" on a page, not a whole folder). */
export const MAX_UIDS = 1000;

export class MessageActions {
  readonly #mail: MailService;
  readonly #audit: AuditLog;

  constructor(mail: MailService, audit: AuditLog) {
    this.#mail = mail;
    this.#audit = audit;
  }

  async setFlags(folder: Folder, uids: readonly number[], change: { add?: FlagName[]; remove?: FlagName[] }): Promise<Array<{ uid: number; flags: string[] }>> {
    const ranges = toRanges(uids);
    const changed = new Map<number, string[]>();
    for (const [mode, names] of [['add', change.add], ['remove', change.remove]] as const) {
      if (!names?.length) continue;
      const result = await this.#mail.storeFlags(folder.id, ranges, mode, names.map((n) => FLAG_NAMES[n]));
      for (const entry of result.changed) changed.set(entry.uid, entry.flags);
    }
    return [...changed].map(([uid, flags]) => ({ uid, flags }));
  }

  async move(context: WebmailContext, folder: Folder, uids: readonly number[], targetFolderId: number): Promise<MoveResult> {
    const target = await ownFolder(this.#mail, context.mailbox.id, targetFolderId);
    if (target.id === folder.id) throw new UserError('BADINPUT', 'The messages are in that folder already');
    const result = await this.#moveTo(folder, uids, target);
    await this.#record(context, 'message.move', folder, { to: target.name, moved: result.moved });
    return result;
  }

  async delete(context: WebmailContext, folder: Folder, uids: readonly number[]): Promise<DeleteResult> {
    const trash = await specialFolder(this.#mail, context.mailbox.id, 'Trash', false);
    if (!trash || trash.id === folder.id) {
      const expunged = await this.#mail.deleteMessages(folder.id, [...new Set(uids)]);
      await this.#record(context, 'message.delete', folder, { permanent: true, uids: expunged });
      return { permanent: true, expunged };
    }
    const result = await this.#moveTo(folder, uids, trash);
    await this.#record(context, 'message.delete', folder, { permanent: false, to: trash.name, moved: result.moved });
    return { permanent: false, ...result };
  }

  async #moveTo(folder: Folder, uids: readonly number[], target: Folder): Promise<MoveResult> {
    const { uidValidity, mapping } = await this.#mail.move(folder.id, toRanges(uids), target.id);
    return { folderId: target.id, uidValidity, moved: mapping };
  }

  async #record(context: WebmailContext, action: string, folder: Folder, detail: Record<string, unknown>): Promise<void> {
    await this.#audit.record({
      actor: context.actor,
      action,
      mailboxId: context.mailbox.id,
      remoteAddress: context.remoteAddress,
      detail: { via: 'webmail', folder: folder.name, ...detail },
    });
  }
}

export function toRanges(uids: readonly number[]): UidRange[] {
  if (uids.length === 0) throw new UserError('BADINPUT', 'No messages given');
  if (uids.length > MAX_UIDS) throw new UserError('BADINPUT', `At most ${MAX_UIDS} messages at a time`);
  const ranges: UidRange[] = [];
  for (const uid of [...uids].sort((a, b) => a - b)) {
    if (!Number.isSafeInteger(uid) || uid < 1) throw new UserError('BADINPUT', `${uid} is not a message UID`);
    const last = ranges.at(-1);
    if (last && uid <= last.end + 1) last.end = Math.max(last.end, uid);
    else ranges.push({ start: uid, end: uid });
  }
  return ranges;
}
