// Resolves the session-relative search keys into the mail service's SearchKey: sequence sets through
// the sequence map, \Recent through the session's recent set (RFC 3501 §2.3.2, §6.4.4).
import type { SearchKey, UidRange } from '../../mail/types.ts';
import { mergeRanges, sequenceSetToUids, uidSetToRanges } from '../parser/sequence-set.ts';
import type { SelectedFolder } from '../selected-folder.ts';
import type { ImapSearchKey } from './search-args.ts';

const NOTHING: SearchKey = { type: 'not', key: { type: 'all' } };

export function translateSearch(key: ImapSearchKey, selected: SelectedFolder): SearchKey {
  switch (key.type) {
    case 'seqset':
      // Sequence numbers past the end simply match nothing in a search.
      return uidKey(sequenceSetToUids(key.set, selected.uids, { clamp: true }));
    case 'uidset':
      return uidKey(uidSetToRanges(key.set, selected.uids));
    case 'recent':
      return uidKey(mergeRanges([...selected.recent].map((uid) => ({ start: uid, end: uid }))));
    case 'not':
      return { type: 'not', key: translateSearch(key.key, selected) };
    case 'or':
      return { type: 'or', left: translateSearch(key.left, selected), right: translateSearch(key.right, selected) };
    case 'and':
      return { type: 'and', keys: key.keys.map((k) => translateSearch(k, selected)) };
    default:
      return key;
  }
}

function uidKey(ranges: UidRange[]): SearchKey {
  return ranges.length === 0 ? NOTHING : { type: 'uids', ranges };
}
