// Which attributes a search returns (RFC 4511 §4.5.1.8): none for "1.1", every user attribute for an
// empty list or "*", otherwise the ones named — matched case-insensitively and through aliases, and
// returned under the name the client used, so a client asking for "displayName" or "DISPLAYNAME"
// finds exactly that key in the answer.
import { attributeDefinition } from '../directory/schema.ts';
import type { SearchEntryAttribute } from './protocol/types.ts';

export interface AttributeSelection {
  all: boolean;
  /** Lower-case canonical name → the spelling the client asked for. */
  named: Map<string, string>;
  typesOnly: boolean;
  /** Equal for selections that give equal answers (a cache key). */
  key: string;
}

export function attributeSelection(requested: readonly string[], typesOnly: boolean): AttributeSelection {
  const named = new Map<string, string>();
  let all = requested.length === 0;
  for (const name of requested) {
    if (name === '*') all = true;
    else if (name !== '1.1' && name !== '+') named.set(canonicalKey(name), name);
  }
  return { all, named, typesOnly, key: JSON.stringify([all, typesOnly, [...named]]) };
}

export function selectAttributes(
  attributes: ReadonlyArray<readonly [string, readonly string[]]>,
  selection: AttributeSelection,
): SearchEntryAttribute[] {
  const out: SearchEntryAttribute[] = [];
  for (const [name, values] of attributes) {
    const asked = selection.named.get(canonicalKey(name));
    if (!selection.all && asked === undefined) continue;
    out.push({ type: asked ?? name, values: selection.typesOnly ? [] : values });
  }
  return out;
}

// Names repeat endlessly (every entry of every search): resolve each spelling once. Bounded, since a
// client can send any names it likes.
const canonicalKeys = new Map<string, string>();

function canonicalKey(name: string): string {
  let key = canonicalKeys.get(name);
  if (key === undefined) {
    key = (attributeDefinition(name)?.name ?? name.split(';', 1)[0]!).toLowerCase();
    if (canonicalKeys.size < 10_000) canonicalKeys.set(name, key);
  }
  return key;
}
