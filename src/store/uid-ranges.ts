// UID sets as sorted, merged ranges: the shape IMAP sequence sets, SEARCH results and store queries
// share. `end` may be Infinity ("*").
import type { UidRange } from '../mail/types.ts';

export function normaliseRanges(ranges: readonly UidRange[]): UidRange[] {
  const sorted = ranges
    .map((r) => (r.start <= r.end ? { start: r.start, end: r.end } : { start: r.end, end: r.start }))
    .sort((a, b) => a.start - b.start);
  const merged: UidRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

export function rangesContain(sortedRanges: readonly UidRange[], uid: number): boolean {
  let low = 0;
  let high = sortedRanges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = sortedRanges[mid]!;
    if (uid < range.start) high = mid - 1;
    else if (uid > range.end) low = mid + 1;
    else return true;
  }
  return false;
}

export function rangesFromUids(uids: readonly number[]): UidRange[] {
  return normaliseRanges(uids.map((uid) => ({ start: uid, end: uid })));
}
