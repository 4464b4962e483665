// The folders of one mailbox as the webmail uses them: a folder id from the browser is only honoured
// when it belongs to the mailbox the person may use (another mailbox's folder answers exactly like
// one that does not exist), and Sent, Drafts and Trash are found by their RFC 6154 special use, so
// a folder a client renamed keeps its role.
import { UserError } from '../../errors.ts';
import { DEFAULT_FOLDERS, type Folder, type MailService } from '../types.ts';
import type { FolderSummary } from './types.ts';

export type SpecialFolder = 'Sent' | 'Drafts' | 'Trash';

const SPECIAL_ORDER = DEFAULT_FOLDERS.map((f) => f.specialUse);

export async function folderSummaries(mail: MailService, mailboxId: number): Promise<FolderSummary[]> {
  const folders = await mail.listFolders(mailboxId);
  const rank = (f: Folder) => (f.name === 'INBOX' ? 0 : f.specialUse && SPECIAL_ORDER.includes(f.specialUse) ? 1 + SPECIAL_ORDER.indexOf(f.specialUse) : 100);
  return folders
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map((f) => ({ id: f.id, name: f.name, specialUse: f.specialUse, total: f.messages, unread: f.unseen, uidValidity: f.uidValidity, uidNext: f.uidNext }));
}

/** The folder with this id, if it is one of the mailbox's; NONEXISTENT otherwise. */
export async function ownFolder(mail: MailService, mailboxId: number, folderId: number): Promise<Folder> {
  const folder = Number.isSafeInteger(folderId) ? await mail.getFolderById(folderId) : null;
  if (!folder || folder.mailboxId !== mailboxId) throw new UserError('NONEXISTENT', 'No such folder');
  return folder;
}

/** The folder holding this special use, else one by its usual name; created when `create` and missing. */
export async function specialFolder(mail: MailService, mailboxId: number, which: SpecialFolder, create: true): Promise<Folder>;
export async function specialFolder(mail: MailService, mailboxId: number, which: SpecialFolder, create: false): Promise<Folder | null>;
export async function specialFolder(mail: MailService, mailboxId: number, which: SpecialFolder, create: boolean): Promise<Folder | null> {
  const folders = await mail.listFolders(mailboxId);
  const found = folders.find((f) => f.specialUse === `\\${which}`) ?? folders.find((f) => f.name === which);
  if (found || !create) return found ?? null;
  // The mail service gives a re-created Sent/Drafts/Trash its special use back (RFC 6154).
  return mail.createFolder(mailboxId, which);
}
