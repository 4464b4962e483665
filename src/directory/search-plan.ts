// Turns a search filter into a candidate query on the directory's search index, so a search reads
// only the entries that may match instead of the whole directory (the index over-approximates; every
// candidate is then checked with filter-match.ts). Mirrors how OpenLDAP picks its eq/sub indexes.
import type { Filter } from './filter.ts';
import type { DirectoryIndexQuery } from '../store/store.ts';
import { INDEX_MIN_FRAGMENT } from '../store/store.ts';
import { attributeDefinition, storageKey } from './schema.ts';
import { normaliseFragment, normaliseValue } from './normalise.ts';

/** `all`: no index helps, scan the directory; `none`: nothing can match. */
export type SearchPlan = DirectoryIndexQuery | 'all' | 'none';

const usable = (fragment: string | null, anchored: boolean) =>
  fragment !== null && [...fragment].length + (anchored ? 1 : 0) >= INDEX_MIN_FRAGMENT;

export function planSearch(filter: Filter, indexed: ReadonlySet<string>): SearchPlan {
  switch (filter.type) {
    case 'and': {
      const plans = filter.filters.map((f) => planSearch(f, indexed));
      if (plans.includes('none')) return 'none';
      const queries = plans.filter((p): p is DirectoryIndexQuery => typeof p === 'object');
      if (!queries.length) return 'all';
      return queries.length === 1 ? queries[0]! : { op: 'and', queries };
    }
    case 'or': {
      const plans = filter.filters.map((f) => planSearch(f, indexed)).filter((p) => p !== 'none');
      if (!plans.length) return 'none';
      if (plans.includes('all')) return 'all';
      const queries = plans as DirectoryIndexQuery[];
      return queries.length === 1 ? queries[0]! : { op: 'or', queries };
    }
    case 'not':
      return 'all';
    case 'equality':
    case 'substrings': {
      const attribute = attributeDefinition(filter.attribute);
      // An assertion on an unknown attribute is Undefined for every entry (filter-match.ts).
      if (!attribute) return 'none';
      const key = storageKey(attribute);
      if (!indexed.has(key)) return 'all';
      if ('value' in filter) {
        const value = normaliseValue(filter.value, attribute.syntax);
        return value ? { op: 'equals', attribute: key, value } : 'all';
      }
      const initial = filter.initial === null ? null : normaliseFragment(filter.initial, attribute.syntax);
      const final = filter.final === null ? null : normaliseFragment(filter.final, attribute.syntax);
      const any = filter.any.map((f) => normaliseFragment(f, attribute.syntax)).filter((f) => usable(f, false));
      // An anchored fragment loses its meaning if prepared spaces at the value's edge differ: values
      // are stored trimmed, so a leading space in `initial` can never match anyway.
      const query = {
        op: 'match' as const,
        attribute: key,
        initial: usable(initial, true) ? initial : null,
        any,
        final: usable(final, true) ? final : null,
      };
      return query.initial !== null || query.final !== null || query.any.length ? query : 'all';
    }
    case 'approx':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'extensible':
      return attributeDefinition(filter.attribute ?? 'objectClass') ? 'all' : 'none';
    case 'present':
      return 'all';
  }
}
