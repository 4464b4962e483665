// How directory values compare. RFC 4518 prepares strings before matching (case folding, insignificant
// space); we go one step further for names: diacritics are ignored too, because Outlook users type
// "Muller" for "Müller" and "Ozturk" for "Öztürk".
import type { MatchSyntax } from './schema.ts';

const COMBINING_MARKS = /\p{M}+/gu;
const SPACES = /\s+/gu;
// RFC 4518 §2.6.1 (telephoneNumber): hyphens and spaces are insignificant.
const PHONE_INSIGNIFICANT = /[\s\-.()]/gu;
const NOT_ALPHANUMERIC = /[^\p{L}\p{N}]+/gu;

/** caseIgnoreMatch with diacritics removed and inner spaces collapsed (RFC 4518 §2.6.1). */
export function normaliseText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(SPACES, ' ')
    .trim();
}

export function normaliseTelephone(value: string): string {
  return normaliseText(value).replace(PHONE_INSIGNIFICANT, '');
}

export function normaliseValue(value: string, syntax: MatchSyntax): string {
  return syntax === 'telephone' ? normaliseTelephone(value) : normaliseText(value);
}

/** Substring assertions prepare each fragment the same way, but keep its edges: "jan " followed by
 * "*" must still find "jan de vries" (RFC 4518 §2.6.1, substrings: spaces at fragment edges count). */
export function normaliseFragment(value: string, syntax: MatchSyntax): string {
  if (syntax === 'telephone') return normaliseTelephone(value);
  return value.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(/ß/g, 'ss').replace(SPACES, ' ');
}

/** approxMatch (RFC 4511 §4.5.1.7.6 leaves the algorithm to the server): equal after dropping
 * everything but letters and digits and unifying umlaut spellings ("Mueller" ≈ "Müller" ≈ "Muller"). */
export function approxKey(value: string): string {
  return normaliseText(value)
    .replace(NOT_ALPHANUMERIC, '')
    .replace(/([aou])e/g, '$1');
}
