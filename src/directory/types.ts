// What the directory service takes in and hands out.
import type { DirectoryEntryKind } from '../store/store.ts';

/** One entry read from an import file (CSV or LDIF), before it is checked against the directory. */
export interface DirectoryImportRecord {
  kind: DirectoryEntryKind;
  /** Where it came from, for error messages: "line 12", "entry 3 (line 40)". */
  source: string;
  /** Lower-case attribute name (schema.ts storageKey) → values, non-empty, trimmed. */
  attributes: Record<string, string[]>;
  /** Set when the file says so (CSV column `hidden`); absent leaves the entry's setting alone. */
  hidden?: boolean;
}

/** An entry as exported and as the LDAP front-end serves it. */
export interface DirectoryEntry {
  id: number;
  dn: string;
  kind: DirectoryEntryKind;
  hidden: boolean;
  mailboxId: number | null;
  /** Canonical attribute name → values, objectClass first. */
  attributes: ReadonlyArray<readonly [name: string, values: readonly string[]]>;
}
