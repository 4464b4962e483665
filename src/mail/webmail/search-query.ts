// The webmail's search box as a store search (the same SearchKey IMAP SEARCH uses, RFC 3501 §6.4.4).
// Words are ANDed; each searches the `scope` (everything: headers and body, or one field). A word may
// carry its own field or filter:
//   from:jansen  to:…  cc:…  subject:…  body:…   "two words" as one phrase
//   is:unread is:read is:flagged is:answered   before:2024-01-31 since:2024-01-01 (received date)
// Unknown prefixes are searched as plain words, so a query never fails for a colon in it.
import { UserError } from '../../errors.ts';
import type { SearchKey } from '../types.ts';

export type SearchScope = 'all' | 'from' | 'to' | 'subject';

const MAX_QUERY = 500;
const MAX_TERMS = 20;

const FIELDS: Record<string, (value: string) => SearchKey> = {
  from: (value) => ({ type: 'header', field: 'from', value }),
  to: (value) => ({ type: 'header', field: 'to', value }),
  cc: (value) => ({ type: 'header', field: 'cc', value }),
  subject: (value) => ({ type: 'header', field: 'subject', value }),
  body: (value) => ({ type: 'body', value }),
};

const FLAGS: Record<string, SearchKey> = {
  unread: { type: 'flag', flag: '\\Seen', set: false },
  read: { type: 'flag', flag: '\\Seen', set: true },
  flagged: { type: 'flag', flag: '\\Flagged', set: true },
  answered: { type: 'flag', flag: '\\Answered', set: true },
};

/** The query as a SearchKey; BADINPUT when it has no terms or too many. */
export function parseSearchQuery(query: string, scope: SearchScope = 'all'): SearchKey {
  if (query.length > MAX_QUERY) throw new UserError('BADINPUT', `The search is longer than ${MAX_QUERY} characters`);
  const keys: SearchKey[] = [];
  for (const match of query.matchAll(/(?:([a-z]+):)?(?:"([^"]*)"?|(\S+))/gi)) {
    const prefix = match[1]?.toLowerCase();
    const value = (match[2] ?? match[3] ?? '').trim();
    const key = termKey(prefix, value) ?? (prefix ? plainKey(`${match[1]}:${value}`, scope) : plainKey(value, scope));
    if (key) keys.push(key);
  }
  if (keys.length === 0) throw new UserError('BADINPUT', 'Type something to search for');
  if (keys.length > MAX_TERMS) throw new UserError('BADINPUT', `A search may have at most ${MAX_TERMS} terms`);
  return keys.length === 1 ? keys[0]! : { type: 'and', keys };
}

function termKey(prefix: string | undefined, value: string): SearchKey | null {
  if (!prefix) return null;
  if (prefix in FIELDS) return value ? FIELDS[prefix]!(value) : null;
  if (prefix === 'is') return FLAGS[value.toLowerCase()] ?? null;
  if ((prefix === 'before' || prefix === 'since' || prefix === 'after') && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return { type: 'internaldate', op: prefix === 'before' ? 'before' : 'since', date: value };
  }
  return null;
}

function plainKey(value: string, scope: SearchScope): SearchKey | null {
  if (!value) return null;
  return scope === 'all' ? { type: 'text', value } : FIELDS[scope]!(value);
}
