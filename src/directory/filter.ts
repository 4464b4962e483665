// A directory search filter: the abstract form of an LDAP search filter (RFC 4511 §4.5.1.7). The LDAP
// front-end decodes it from BER, tests and the admin API parse its string form (RFC 4515,
// filter-text.ts), and the directory service evaluates it.

export type Filter =
  | { type: 'and'; filters: Filter[] }
  | { type: 'or'; filters: Filter[] }
  | { type: 'not'; filter: Filter }
  | { type: 'equality' | 'greaterOrEqual' | 'lessOrEqual' | 'approx'; attribute: string; value: string }
  | { type: 'substrings'; attribute: string; initial: string | null; any: string[]; final: string | null }
  | { type: 'present'; attribute: string }
  | { type: 'extensible'; matchingRule: string | null; attribute: string | null; value: string; dnAttributes: boolean };

/** Nesting depth and size limits every decoder of filters enforces: a filter is a user's query, and
 * an unbounded one is a cheap way to exhaust the server's stack or CPU. */
export const FILTER_LIMITS = { maxDepth: 32, maxNodes: 1024, maxValueLength: 4096 } as const;
