// The webmail's side of its JSON API (src/web/webmail/wire.ts), for one mailbox.
import type {
  ComposeJson,
  DeletedJson,
  DirectoryMatchesJson,
  DraftJson,
  DraftSavedJson,
  FlagName,
  FlagsChangedJson,
  FoldersJson,
  ListOrder,
  MailboxJson,
  MessageJson,
  MessagePageJson,
  MovedJson,
  RecipientChecksJson,
  SentJson,
  ViewerMessagesJson,
  ViewerStatusJson,
} from '../../../../src/web/webmail/wire.ts';
import { call } from '../api.ts';

export type WebmailApi = ReturnType<typeof webmailApi>;

export function webmailApi(mailboxId: number) {
  const base = `/api/webmail/mailboxes/${mailboxId}`;
  const folder = (id: number) => `${base}/folders/${id}`;
  const message = (folderId: number, uid: number) => `${folder(folderId)}/messages/${uid}`;
  const query = (params: Record<string, string | number | undefined>) =>
    new URLSearchParams(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]) => [k, String(v)])).toString();
  /** JSON when there are no new files, multipart with the files otherwise (wire.ts). */
  const composeBody = (compose: ComposeJson, files: File[]) => {
    if (files.length === 0) return compose;
    const form = new FormData();
    form.append('message', JSON.stringify(compose));
    for (const file of files) form.append('attachments', file, file.name);
    return form;
  };
  return {
    mailbox: () => call<MailboxJson>('GET', `${base}/`),
    folders: () => call<FoldersJson>('GET', `${base}/folders`),
    page: (folderId: number, options: { order: ListOrder; after?: number; limit?: number }) =>
      call<MessagePageJson>('GET', `${folder(folderId)}/messages?${query({ limit: options.limit ?? 50, order: options.order, after: options.after })}`),
    search: (folderId: number, q: string, options: { order: ListOrder; after?: number }) =>
      call<MessagePageJson>('GET', `${folder(folderId)}/search?${query({ q, limit: 50, order: options.order, after: options.after })}`),
    message: (folderId: number, uid: number) => call<MessageJson>('GET', message(folderId, uid)),
    bodyUrl: (folderId: number, uid: number, images: boolean) => `${message(folderId, uid)}/body.html${images ? '?images=1' : ''}`,
    partUrl: (folderId: number, uid: number, part: string) => `${message(folderId, uid)}/parts/${encodeURIComponent(part)}`,
    rawUrl: (folderId: number, uid: number) => `${message(folderId, uid)}/raw`,
    flags: (folderId: number, uids: number[], change: { add?: FlagName[]; remove?: FlagName[] }) =>
      call<FlagsChangedJson>('POST', `${folder(folderId)}/flags`, { uids, ...change }),
    move: (folderId: number, uids: number[], to: number) => call<MovedJson>('POST', `${folder(folderId)}/move`, { uids, to }),
    remove: (folderId: number, uids: number[]) => call<DeletedJson>('POST', `${folder(folderId)}/delete`, { uids }),
    send: (compose: ComposeJson, files: File[]) => call<SentJson>('POST', `${base}/send`, composeBody(compose, files)),
    saveDraft: (compose: ComposeJson, files: File[]) => call<DraftSavedJson>('POST', `${base}/drafts`, composeBody(compose, files)),
    draft: (uid: number) => call<DraftJson>('GET', `${base}/drafts/${uid}`),
    recipients: (addresses: string[], secure: boolean, mobiles: Record<string, string>) =>
      call<RecipientChecksJson>('POST', `${base}/recipients`, { addresses, secure, mobiles }),
    directory: (q: string) => call<DirectoryMatchesJson>('GET', `${base}/directory?${query({ q })}`),
    viewer: () => call<ViewerMessagesJson>('GET', `${base}/viewer?limit=200`),
    revoke: (id: number) => call<ViewerStatusJson>('POST', `${base}/viewer/${id}/revoke`),
  };
}
