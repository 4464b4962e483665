// The session's view of its selected folder: the sequence-number map (RFC 3501 §2.3.1.2) and what
// has been announced so far. The map changes only when changes are announced to the client.
import type { Folder } from '../mail/types.ts';

export class SelectedFolder {
  readonly folderId: number;
  name: string;
  readonly uidValidity: number;
  readonly readOnly: boolean;
  /** UIDs in sequence order: uids[seq - 1]. */
  uids: number[];
  /** Highest mod-sequence whose changes have been taken into the session's view. */
  modseq: number;
  /** RFC 3501 §2.3.2 \Recent: messages that are recent to this session. */
  readonly recent = new Set<number>();
  /** Expunged in the store while EXPUNGE responses were not allowed; still hold sequence numbers. */
  readonly pendingExpunge = new Set<number>();
  /** Flags announced in the FLAGS response; a new keyword requires a new FLAGS response. */
  readonly knownFlags: Set<string>;
  /** Flag changes this session made and already reported (uid → modseq), not to be re-announced. */
  readonly ownFlagChanges = new Map<number, number>();
  /** A change event arrived that has not been looked at yet. */
  dirty = false;

  constructor(folder: Folder, uids: number[], readOnly: boolean, modseq: number, knownFlags: Iterable<string>) {
    this.folderId = folder.id;
    this.name = folder.name;
    this.uidValidity = folder.uidValidity;
    this.readOnly = readOnly;
    this.uids = uids;
    this.modseq = modseq;
    this.knownFlags = new Set(knownFlags);
  }

  get exists(): number {
    return this.uids.length;
  }

  get highestUid(): number {
    return this.uids.length > 0 ? this.uids[this.uids.length - 1]! : 0;
  }

  /** Sequence number of a UID, or 0 when the session has no such message. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.uids[mid]!;
      if (value === uid) return mid + 1;
      if (value < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Removes UIDs from the map; returns their sequence numbers, highest first, which is the order
   * in which EXPUNGE responses can be sent without renumbering in between (RFC 3501 §7.4.1). */
  remove(uids: Iterable<number>): number[] {
    const gone = new Set<number>();
    const seqs: number[] = [];
    for (const uid of uids) {
      const seq = this.seqOf(uid);
      if (seq > 0 && !gone.has(uid)) {
        gone.add(uid);
        seqs.push(seq);
      }
    }
    if (seqs.length === 0) return seqs;
    this.uids = this.uids.filter((uid) => !gone.has(uid));
    for (const uid of gone) {
      this.recent.delete(uid);
      this.pendingExpunge.delete(uid);
      this.ownFlagChanges.delete(uid);
    }
    return seqs.sort((a, b) => b - a);
  }

  /** Appends newly announced UIDs (always above every known UID). */
  add(uids: readonly number[]): number[] {
    const added: number[] = [];
    for (const uid of uids) {
      if (uid > this.highestUid) {
        this.uids.push(uid);
        added.push(uid);
      }
    }
    return added;
  }
}
