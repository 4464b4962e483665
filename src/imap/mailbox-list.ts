// LIST/LSUB pattern matching and attributes (RFC 3501 §6.3.8, RFC 3348 CHILDREN, RFC 6154
// SPECIAL-USE). Pure: the commands fetch folders and subscriptions and hand them in.
import { FOLDER_SEPARATOR } from '../mail/types.ts';
import { normaliseInbox } from './parser/mailbox-name.ts';

export interface ListEntry {
  name: string;
  attributes: string[];
}

/** RFC 3501 §6.3.8: "*" matches anything, "%" anything but the hierarchy separator. Matched with
 * dynamic programming, so a pattern full of wildcards cannot make matching exponential. */
export function matchesPattern(pattern: string, name: string): boolean {
  const p = [...pattern];
  const n = [...name];
  let row: boolean[] = new Array<boolean>(n.length + 1).fill(false);
  row[0] = true;
  for (const ch of p) {
    const next: boolean[] = new Array<boolean>(n.length + 1).fill(false);
    if (ch === '*' || ch === '%') {
      next[0] = row[0]!;
      for (let j = 1; j <= n.length; j++) {
        next[j] = row[j]! || (next[j - 1]! && (ch === '*' || n[j - 1] !== FOLDER_SEPARATOR));
      }
    } else {
      for (let j = 1; j <= n.length; j++) next[j] = row[j - 1]! && n[j - 1] === ch;
    }
    row = next;
  }
  return row[n.length]!;
}

/** Reference and pattern combined into one pattern, INBOX spelled canonically (RFC 3501 §6.3.8:
 * the reference is a prefix the pattern is interpreted under). */
export function combinePattern(reference: string, pattern: string): string {
  let full = reference;
  if (reference !== '' && !reference.endsWith(FOLDER_SEPARATOR) && !pattern.startsWith(FOLDER_SEPARATOR) && pattern !== '') {
    full += FOLDER_SEPARATOR;
  }
  full += pattern;
  return full.slice(0, 5).toUpperCase() === 'INBOX' ? normaliseInbox(full.slice(0, 5)) + full.slice(5) : full;
}

export function listEntries(
  folders: ReadonlyArray<{ name: string; specialUse: string | null }>,
  pattern: string,
): ListEntry[] {
  const existing = new Map(folders.map((f) => [f.name, f]));
  const all = new Set<string>(existing.keys());
  // Parents that do not exist as folders still show up as \Noselect when the pattern reaches them.
  for (const name of existing.keys()) {
    const parts = name.split(FOLDER_SEPARATOR);
    for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join(FOLDER_SEPARATOR));
  }
  const withChildren = new Set<string>();
  for (const name of all) {
    const cut = name.lastIndexOf(FOLDER_SEPARATOR);
    if (cut > 0) withChildren.add(name.slice(0, cut));
  }
  const entries: ListEntry[] = [];
  for (const name of sortNames([...all])) {
    if (!matchesPattern(pattern, name)) continue;
    const folder = existing.get(name);
    const attributes: string[] = [];
    if (!folder) attributes.push('\\Noselect');
    attributes.push(withChildren.has(name) ? '\\HasChildren' : '\\HasNoChildren');
    if (folder?.specialUse) attributes.push(folder.specialUse);
    entries.push({ name, attributes });
  }
  return entries;
}

/** INBOX first, then by name. */
export function sortNames(names: string[]): string[] {
  return names.sort((a, b) => {
    const ai = a === 'INBOX' || a.startsWith(`INBOX${FOLDER_SEPARATOR}`);
    const bi = b === 'INBOX' || b.startsWith(`INBOX${FOLDER_SEPARATOR}`);
    if (ai !== bi) return ai ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
