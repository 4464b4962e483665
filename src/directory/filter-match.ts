// Evaluates a search filter against one entry (RFC 4511 §4.5.1.7): three-valued, so an assertion on
// an attribute the directory does not know is Undefined, and NOT of Undefined stays Undefined; only
// TRUE returns the entry.
import type { Filter } from './filter.ts';
import { attributeDefinition, storageKey, type AttributeDefinition } from './schema.ts';
import { approxKey, normaliseFragment, normaliseValue } from './normalise.ts';

type Truth = boolean | undefined;

export type EntryValues = Readonly<Record<string, readonly string[]>>;

/** caseIgnoreMatch / caseExactMatch and friends: the rules an extensible match may name. */
const EQUALITY_RULES = new Set([
  '2.5.13.2',
  'caseignorematch',
  '2.5.13.5',
  'caseexactmatch',
  '2.5.13.0',
  'objectidentifiermatch',
  '2.5.13.20',
  'telephonenumbermatch',
]);

export function matchesFilter(filter: Filter, entry: EntryValues): boolean {
  return evaluate(filter, entry) === true;
}

function evaluate(filter: Filter, entry: EntryValues): Truth {
  switch (filter.type) {
    case 'and': {
      let result: Truth = true;
      for (const child of filter.filters) {
        const value = evaluate(child, entry);
        if (value === false) return false;
        if (value === undefined) result = undefined;
      }
      return result;
    }
    case 'or': {
      let result: Truth = false;
      for (const child of filter.filters) {
        const value = evaluate(child, entry);
        if (value === true) return true;
        if (value === undefined) result = undefined;
      }
      return result;
    }
    case 'not': {
      const value = evaluate(filter.filter, entry);
      return value === undefined ? undefined : !value;
    }
    case 'present': {
      const attribute = attributeDefinition(filter.attribute);
      // RFC 4511 §4.5.1.7.5: presence of an unknown attribute is FALSE, not Undefined.
      return attribute ? values(entry, attribute).length > 0 : false;
    }
    case 'equality':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'approx': {
      const attribute = attributeDefinition(filter.attribute);
      if (!attribute) return undefined;
      return compare(filter.type, attribute, values(entry, attribute), filter.value);
    }
    case 'substrings': {
      const attribute = attributeDefinition(filter.attribute);
      if (!attribute) return undefined;
      const initial = filter.initial === null ? null : normaliseFragment(filter.initial, attribute.syntax);
      const any = filter.any.map((f) => normaliseFragment(f, attribute.syntax));
      const final = filter.final === null ? null : normaliseFragment(filter.final, attribute.syntax);
      return values(entry, attribute).some((v) =>
        substringMatch(normaliseValue(v, attribute.syntax), initial, any, final),
      );
    }
    case 'extensible': {
      // RFC 4511 §4.5.1.7.7, for the equality rules only; anything else is Undefined.
      if (filter.matchingRule !== null && !EQUALITY_RULES.has(filter.matchingRule.toLowerCase())) return undefined;
      if (filter.attribute === null) return undefined;
      const attribute = attributeDefinition(filter.attribute);
      if (!attribute) return undefined;
      return compare('equality', attribute, values(entry, attribute), filter.value);
    }
  }
}

function values(entry: EntryValues, attribute: AttributeDefinition): readonly string[] {
  return entry[storageKey(attribute)] ?? [];
}

function compare(
  type: 'equality' | 'greaterOrEqual' | 'lessOrEqual' | 'approx',
  attribute: AttributeDefinition,
  candidates: readonly string[],
  assertion: string,
): Truth {
  if (type === 'approx') {
    const wanted = approxKey(assertion);
    return candidates.some((v) => approxKey(v) === wanted);
  }
  const wanted = normaliseValue(assertion, attribute.syntax);
  return candidates.some((raw) => {
    const value = normaliseValue(raw, attribute.syntax);
    if (type === 'equality') return value === wanted;
    // caseIgnoreOrderingMatch: code point order of the prepared strings.
    return type === 'greaterOrEqual' ? value >= wanted : value <= wanted;
  });
}

/** RFC 4517 §4.2.6 substring matching: fragments in order, non-overlapping. */
export function substringMatch(
  value: string,
  initial: string | null,
  any: readonly string[],
  final: string | null,
): boolean {
  let position = 0;
  let end = value.length;
  if (initial !== null) {
    if (!value.startsWith(initial)) return false;
    position = initial.length;
  }
  if (final !== null) {
    if (!value.endsWith(final) || value.length - final.length < position) return false;
    end = value.length - final.length;
  }
  for (const fragment of any) {
    const found = value.indexOf(fragment, position);
    if (found < 0 || found + fragment.length > end) return false;
    position = found + fragment.length;
  }
  return true;
}
