// Turns a command's sequence set into UID ranges of the selected folder: message sequence numbers
// through the session's map, UID sets clipped to the UIDs the session knows (RFC 3501 §6.4.8).
import type { UidRange } from '../mail/types.ts';
import type { SequenceSet } from './parser/sequence-set.ts';
import { sequenceSetToUids, uidSetToRanges } from './parser/sequence-set.ts';
import type { SelectedFolder } from './selected-folder.ts';

export function resolveMessageSet(selected: SelectedFolder, set: SequenceSet, uid: boolean): UidRange[] {
  return uid ? uidSetToRanges(set, selected.uids) : sequenceSetToUids(set, selected.uids);
}
