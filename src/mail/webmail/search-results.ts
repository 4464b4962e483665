// A search's matching UIDs, kept a few minutes so paging through the results does not search the
// folder again for every page (a text search reads every message, as IMAP SEARCH does). A result is
// valid while the folder has the same messages: new arrivals (UIDNEXT) and expunges (the count)
// start a new search, and so do flag changes when the query asks about flags.
import type { Folder, MailService, SearchKey } from '../types.ts';

const MAX_ENTRIES = 16;
const TTL_MS = 5 * 60_000;

export class SearchResults {
  readonly #mail: MailService;
  readonly #entries = new Map<string, { uids: number[]; at: number }>();

  constructor(mail: MailService) {
    this.#mail = mail;
  }

  /** Matching UIDs, ascending. */
  async uids(folder: Folder, key: SearchKey): Promise<number[]> {
    const cacheKey = [folder.id, folder.uidValidity, folder.uidNext, folder.messages, asksFlags(key) ? folder.highestModseq : '', JSON.stringify(key)].join('\u0000');
    const now = Date.now();
    const cached = this.#entries.get(cacheKey);
    if (cached && now - cached.at < TTL_MS) return cached.uids;
    const uids = await this.#mail.search(folder.id, key);
    this.#entries.delete(cacheKey);
    this.#entries.set(cacheKey, { uids, at: now });
    for (const [k, entry] of this.#entries) {
      if (this.#entries.size <= MAX_ENTRIES && now - entry.at < TTL_MS) break;
      this.#entries.delete(k);
    }
    return uids;
  }
}

function asksFlags(key: SearchKey): boolean {
  switch (key.type) {
    case 'flag':
    case 'modseq':
      return true;
    case 'not':
      return asksFlags(key.key);
    case 'or':
      return asksFlags(key.left) || asksFlags(key.right);
    case 'and':
      return key.keys.some(asksFlags);
    default:
      return false;
  }
}
