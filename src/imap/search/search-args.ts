// SEARCH arguments (RFC 3501 §6.4.4, §9 search-key) parsed into a tree that still holds the
// session-relative keys (sequence sets, \Recent); search-translate.ts resolves those into the mail
// service's SearchKey. Nesting and key count are bounded so a hostile line cannot recurse deeply.
import type { SearchKey } from '../../mail/types.ts';
import { ImapNoError } from '../errors.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { parseSearchDate } from '../parser/date-time.ts';
import { parseSequenceSet, type SequenceSet } from '../parser/sequence-set.ts';

export type ImapSearchKey =
  | Exclude<SearchKey, { type: 'not' } | { type: 'or' } | { type: 'and' }>
  | { type: 'seqset'; set: SequenceSet }
  | { type: 'uidset'; set: SequenceSet }
  | { type: 'recent' }
  | { type: 'not'; key: ImapSearchKey }
  | { type: 'or'; left: ImapSearchKey; right: ImapSearchKey }
  | { type: 'and'; keys: ImapSearchKey[] };

export interface SearchArgs {
  charset: string | null;
  key: ImapSearchKey;
}

export const MAX_SEARCH_DEPTH = 32;
export const MAX_SEARCH_KEYS = 1000;

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const ADDRESS_HEADERS: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', TO: 'to', SUBJECT: 'subject' };
const DATE_KEYS: Record<string, ['internaldate' | 'sentdate', 'before' | 'on' | 'since']> = {
  BEFORE: ['internaldate', 'before'],
  ON: ['internaldate', 'on'],
  SINCE: ['internaldate', 'since'],
  SENTBEFORE: ['sentdate', 'before'],
  SENTON: ['sentdate', 'on'],
  SENTSINCE: ['sentdate', 'since'],
};

// RFC 3501 §6.4.4: US-ASCII must be supported; UTF-8 is what every client sends.
const CHARSETS = new Set(['UTF-8', 'US-ASCII']);

export function parseSearch(p: CommandParser): SearchArgs {
  p.sp();
  let charset: string | null = null;
  if (p.peekWord('CHARSET ')) {
    p.take('CHARSET');
    p.sp();
    charset = p.astring().toString('latin1').toUpperCase();
    if (!CHARSETS.has(charset)) throw new ImapNoError('BADCHARSET (UTF-8 US-ASCII)', 'Unsupported charset');
    p.sp();
  }
  const state = { count: 0 };
  const keys: ImapSearchKey[] = [parseKey(p, 0, state)];
  while (p.trySp()) keys.push(parseKey(p, 0, state));
  return { charset, key: keys.length === 1 ? keys[0]! : { type: 'and', keys } };
}

function parseKey(p: CommandParser, depth: number, state: { count: number }): ImapSearchKey {
  if (depth > MAX_SEARCH_DEPTH) p.fail('Search too deeply nested');
  if (++state.count > MAX_SEARCH_KEYS) p.fail('Search has too many keys');
  const c = p.peekChar();
  if (c === '(') {
    const keys = p.parenList(() => parseKey(p, depth + 1, state));
    return keys.length === 1 ? keys[0]! : { type: 'and', keys };
  }
  if (c === '*' || (c >= '0' && c <= '9')) return { type: 'seqset', set: parseSequenceSet(p) };
  const word = p.atom().toUpperCase();
  const flag = FLAG_KEYS[word];
  if (flag) return { type: 'flag', flag: flag[0], set: flag[1] };
  const header = ADDRESS_HEADERS[word];
  if (header) return { type: 'header', field: header, value: text(p) };
  const date = DATE_KEYS[word];
  if (date) {
    p.sp();
    return { type: date[0], op: date[1], date: parseSearchDate(p) };
  }
  switch (word) {
    case 'ALL':
      return { type: 'all' };
    case 'RECENT':
      return { type: 'recent' };
    // RFC 3501 §6.4.4: NEW is RECENT UNSEEN, OLD is NOT RECENT.
    case 'NEW':
      return { type: 'and', keys: [{ type: 'recent' }, { type: 'flag', flag: '\\Seen', set: false }] };
    case 'OLD':
      return { type: 'not', key: { type: 'recent' } };
    case 'KEYWORD':
    case 'UNKEYWORD': {
      p.sp();
      return { type: 'flag', flag: p.atom(), set: word === 'KEYWORD' };
    }
    case 'HEADER': {
      p.sp();
      const field = p.astring().toString('latin1');
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) p.fail('Invalid header field name');
      return { type: 'header', field: field.toLowerCase(), value: text(p) };
    }
    case 'BODY':
      return { type: 'body', value: text(p) };
    case 'TEXT':
      return { type: 'text', value: text(p) };
    case 'LARGER':
    case 'SMALLER': {
      p.sp();
      return { type: 'size', op: word === 'LARGER' ? 'larger' : 'smaller', size: p.number() };
    }
    case 'UID': {
      p.sp();
      return { type: 'uidset', set: parseSequenceSet(p) };
    }
    case 'NOT': {
      p.sp();
      return { type: 'not', key: parseKey(p, depth + 1, state) };
    }
    case 'OR': {
      p.sp();
      const left = parseKey(p, depth + 1, state);
      p.sp();
      return { type: 'or', left, right: parseKey(p, depth + 1, state) };
    }
    default:
      p.fail(`Unknown search key ${word.slice(0, 40)}`);
  }
}

/** SP astring, decoded as UTF-8 (a superset of US-ASCII; RFC 3501 §6.4.4 CHARSET). */
function text(p: CommandParser): string {
  p.sp();
  return p.astring().toString('utf8');
}
