// Turns a search filter into a candidate query on the directory's search index, so a search reads
// only the entries that may match instead of the whole directory (the index over-approximates; every
// candidate is then checked with filter-match.ts). Mirrors how OpenLDAP picks its eq/sub indexes.
import type { Filter } from './filter.ts';
import type { DirectoryIndexQuery } from '../store/store.ts';
import { attributeDefinition, storageKey } from './schema.ts';
import { normaliseFragment, normaliseValue } from './normalise.ts';

/** `all`: no index helps, scan the directory; `none`: nothing can match. */
export type SearchPlan = DirectoryIndexQuery | 'all' | 'none';

export function planSearch(filter: Filter, indexed: ReadonlySet<string>): SearchPlan {
  switch (filter.type) {
    case 'and': {
      const plans = filter.filters.map((f) => planSearch(f, indexed));
      if (plans.includes('none')) return 'none';
      const queries = flatten('and', plans.filter((p): p is DirectoryIndexQuery => typeof p === 'object'));
      if (!queries.length) return 'all';
      return queries.length === 1 ? queries[0]! : { op: 'and', queries };
    }
    case 'or': {
      const plans = filter.filters.map((f) => planSearch(f, indexed)).filter((p) => p !== 'none');
      if (!plans.length) return 'none';
      if (plans.includes('all')) return 'all';
      const queries = flatten('or', plans as DirectoryIndexQuery[]);
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
      // Every non-empty fragment goes to the store: trigram-length ones are looked up in the index,
      // shorter ones make the store scan its narrow text table instead of this service every entry.
      const fragment = (f: string | null) => (f === null ? null : normaliseFragment(f, attribute.syntax) || null);
      const query = {
        op: 'match' as const,
        attribute: key,
        initial: fragment(filter.initial),
        any: filter.any.map(fragment).filter((f): f is string => f !== null),
        final: fragment(filter.final),
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

/** Outlook nests its alternatives, (|(mail=x*)(|(cn=x*)(|(sn=x*)(givenName=x*)))): one flat OR lets
 * the store look the fragment up once for all four attributes. */
function flatten(op: 'and' | 'or', queries: DirectoryIndexQuery[]): DirectoryIndexQuery[] {
  return queries.flatMap((q) => ('queries' in q && q.op === op ? q.queries : [q]));
}
