// One page of a folder in UID order, newest or oldest first, read as metadata ranges so a page never
// loads the folder: the store keeps no descending cursor, so newest-first reads UID windows from the
// top down, each sized from the folder's density (messages per UID) and doubled when UIDs are sparse
// there. A page near the far end of a newest-first list is read oldest-first instead, so no page
// touches more than half the folder. Arrival order is UID order (RFC 3501 §2.3.1.1: UIDs ascend as
// messages are added), which is also date order for mail delivered here.
import type { Folder, MailService, MessageMeta, UidRange } from '../types.ts';
import type { ListOrder } from './types.ts';

export const MAX_PAGE = 200;

export interface PageRequest {
  limit: number;
  offset?: number;
  after?: number;
  order?: ListOrder;
}

export interface Page {
  metas: MessageMeta[];
  /** Position of the first row in the order, when paging by offset. */
  offset: number | null;
  nextAfter: number | null;
}

export async function folderPage(mail: MailService, folder: Folder, request: PageRequest): Promise<Page> {
  const limit = Math.min(Math.max(Math.trunc(request.limit) || 1, 1), MAX_PAGE);
  const newest = (request.order ?? 'newest') === 'newest';
  if (request.after !== undefined) {
    const metas = newest
      ? await newestBelow(mail, folder, request.after, 0, limit)
      : await oldestAbove(mail, folder, request.after, 0, limit);
    return { metas, offset: null, nextAfter: metas.length === limit ? metas.at(-1)!.uid : null };
  }
  const offset = Math.max(0, Math.trunc(request.offset ?? 0));
  const total = folder.messages;
  let metas: MessageMeta[];
  if (!newest) {
    metas = await oldestAbove(mail, folder, 0, offset, limit);
  } else if (offset > 0 && offset + limit / 2 > total / 2) {
    // The far end of a newest-first list is near the start of the oldest-first one.
    const end = Math.max(0, total - offset);
    const start = Math.max(0, end - limit);
    metas = (await oldestAbove(mail, folder, 0, start, end - start)).reverse();
  } else {
    metas = await newestBelow(mail, folder, folder.uidNext, offset, limit);
  }
  const more = metas.length === limit && offset + limit < total;
  return { metas, offset, nextAfter: more ? metas.at(-1)!.uid : null };
}

/** Metadata of the given UIDs, in the order given (a search's page). */
export async function metasOf(mail: MailService, folderId: number, uids: readonly number[]): Promise<MessageMeta[]> {
  if (uids.length === 0) return [];
  const byUid = new Map<number, MessageMeta>();
  for await (const rows of mail.fetchMeta(folderId, toRanges(uids))) for (const meta of rows) byUid.set(meta.uid, meta);
  return uids.map((uid) => byUid.get(uid)).filter((meta): meta is MessageMeta => meta !== undefined);
}

function toRanges(uids: readonly number[]): UidRange[] {
  const sorted = [...uids].sort((a, b) => a - b);
  const ranges: UidRange[] = [];
  for (const uid of sorted) {
    const last = ranges.at(-1);
    if (last && uid <= last.end + 1) last.end = Math.max(last.end, uid);
    else ranges.push({ start: uid, end: uid });
  }
  return ranges;
}

/** `count` messages below UID `below` (exclusive), newest first, after skipping `skip`. */
async function newestBelow(mail: MailService, folder: Folder, below: number, skip: number, count: number): Promise<MessageMeta[]> {
  const out: MessageMeta[] = [];
  if (count <= 0) return out;
  // UIDs per message: 1 in a folder that only ever received mail, more where mail was moved out.
  const density = folder.messages > 0 ? Math.max(1, (folder.uidNext - 1) / folder.messages) : 1;
  let span = Math.ceil((skip + count) * density * 1.25) + 32;
  let end = Math.min(below, folder.uidNext) - 1;
  let skipped = 0;
  while (end >= 1 && out.length < count) {
    const start = Math.max(1, end - span + 1);
    const window: MessageMeta[] = [];
    for await (const rows of mail.fetchMeta(folder.id, [{ start, end }])) window.push(...rows);
    for (let i = window.length - 1; i >= 0 && out.length < count; i--) {
      if (skipped < skip) skipped++;
      else out.push(window[i]!);
    }
    end = start - 1;
    span *= 2;
  }
  return out;
}

/** `count` messages above UID `above` (exclusive), oldest first, after skipping `skip`. */
async function oldestAbove(mail: MailService, folder: Folder, above: number, skip: number, count: number): Promise<MessageMeta[]> {
  const out: MessageMeta[] = [];
  if (count <= 0) return out;
  let skipped = 0;
  for await (const rows of mail.fetchMeta(folder.id, [{ start: above + 1, end: Infinity }])) {
    for (const meta of rows) {
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(meta);
      if (out.length >= count) return out;
    }
  }
  return out;
}
