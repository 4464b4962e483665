// Sequence sets (RFC 3501 §9 sequence-set) and their resolution against the session's sequence
// map. "*" is kept as Infinity until resolved: it means the highest sequence number, or for UID
// sets the highest UID, in the session's view of the mailbox (RFC 3501 §6.4.8).
import type { UidRange } from '../../mail/types.ts';
import type { CommandParser } from './command-parser.ts';

export type SequenceSet = Array<[number, number]>;

/** Bounds the work one command can ask for; a 64 KB line holds at most ~16k ranges anyway. */
export const MAX_SEQUENCE_RANGES = 16384;

export function parseSequenceSet(p: CommandParser): SequenceSet {
  const set: SequenceSet = [];
  for (;;) {
    const start = seqNumber(p);
    let end = start;
    if (p.tryExpect(':')) end = seqNumber(p);
    set.push([start, end]);
    if (set.length > MAX_SEQUENCE_RANGES) p.fail('Sequence set too long');
    if (!p.tryExpect(',')) break;
  }
  return set;
}

function seqNumber(p: CommandParser): number {
  if (p.tryExpect('*')) return Infinity;
  return p.nzNumber();
}

export class SequenceNumberError extends Error {}

/** RFC 3501 §6.4.8 / §9: message sequence numbers run 1..exists; a number beyond that is an error
 * (BAD) unless it is "*" in an empty mailbox, which matches nothing. Returns merged UID ranges. */
export function sequenceSetToUids(set: SequenceSet, uids: readonly number[], options: { clamp?: boolean } = {}): UidRange[] {
  const count = uids.length;
  const spans: Array<[number, number]> = [];
  for (const [rawStart, rawEnd] of set) {
    let a = rawStart === Infinity ? count : rawStart;
    let b = rawEnd === Infinity ? count : rawEnd;
    if (a > b) [a, b] = [b, a];
    if (a === 0) {
      // only "*" in an empty mailbox gets here
      continue;
    }
    if (b > count) {
      if (!options.clamp) throw new SequenceNumberError('Invalid message sequence number');
      b = count;
      if (a > b) continue;
    }
    spans.push([a, b]);
  }
  // Merge in sequence space first: consecutive sequence numbers are one UID range whatever gaps
  // the UIDs have, so "1:*" is always a single range for the store.
  return mergeRanges(spans.map(([a, b]) => ({ start: a, end: b }))).map((span) => ({ start: uids[span.start - 1]!, end: uids[span.end - 1]! }));
}

/** UID sets name UIDs directly; the result is clipped to the UIDs the session knows about, so a
 * command never touches a message that has not been announced yet (RFC 3501 §2.3.1.1). */
export function uidSetToRanges(set: SequenceSet, uids: readonly number[]): UidRange[] {
  const highest = uids.length > 0 ? uids[uids.length - 1]! : 0;
  if (highest === 0) return [];
  const ranges: UidRange[] = [];
  for (const [rawStart, rawEnd] of set) {
    // RFC 3501 §6.4.8: "n:*" always includes the highest UID, even when n is larger.
    let a = rawStart === Infinity ? highest : rawStart;
    let b = rawEnd === Infinity ? highest : rawEnd;
    if (a > b) [a, b] = [b, a];
    if (a > highest) continue;
    ranges.push({ start: a, end: Math.min(b, highest) });
  }
  return mergeRanges(ranges);
}

export function mergeRanges(ranges: UidRange[]): UidRange[] {
  if (ranges.length <= 1) return ranges;
  const sorted = [...ranges].sort((x, y) => x.start - y.start);
  const merged: UidRange[] = [{ ...sorted[0]! }];
  for (let i = 1; i < sorted.length; i++) {
    const range = sorted[i]!;
    const last = merged[merged.length - 1]!;
    if (range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** Turns ascending UIDs into the compact "1:3,7" form (RFC 4315 uid-set). */
export function formatUidSet(uids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    parts.push(i === j ? String(uids[i]) : `${uids[i]}:${uids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function rangesContain(ranges: readonly UidRange[], uid: number): boolean {
  for (const range of ranges) if (uid >= range.start && uid <= range.end) return true;
  return false;
}
