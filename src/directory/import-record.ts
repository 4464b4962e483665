// Checks the CSV and LDIF importers share: which attributes a file may set, how values are normalised,
// and what makes an entry complete. Every problem becomes one message that starts with its source
// ("line 12", "entry 3 (line 40)"), because the caller refuses the whole import and the operator has
// to find each problem in a file of thousands of rows.
import type { DirectoryEntryKind } from '../store/store.ts';
import { ATTRIBUTES, importAttribute, storageKey, type AttributeDefinition } from './schema.ts';
import type { DirectoryImportRecord } from './types.ts';

/** The attribute that identifies an entry (the store's uid): a person's address, an organisation's domain. */
export const KEY_ATTRIBUTE = { person: 'mail', organisation: 'associateddomain' } as const;

/** Separates the values of a multi-valued CSV cell. Spaces around the bar keep it apart from values that
 * contain a bare `|`; the LDIF importer refuses values containing it so every entry can be exported to CSV. */
export const CSV_VALUE_SEPARATOR = ' | ';

/** RFC 4517 §3.3.28: a postal address is one value whose lines are separated by `$`, so the CSV cell
 * is never split and line breaks typed in a spreadsheet cell become `$`. */
export const POSTAL_ADDRESS = 'postaladdress';

// associatedDomain is not editable (changing an organisation's domain is a rename, not an edit), but an
// import row has to name it to say which organisation it describes.
const isImportable = (attribute: AttributeDefinition): boolean =>
  attribute.editable || storageKey(attribute) === KEY_ATTRIBUTE.organisation;

/** The attributes an import may set, in schema order: the CSV export's columns after kind and hidden. */
export const IMPORTABLE_ATTRIBUTES: readonly AttributeDefinition[] = ATTRIBUTES.filter(isImportable);

/** The attribute an import column or LDIF attribute name sets, or why it cannot be imported. */
export function importableAttribute(name: string): AttributeDefinition | { problem: string } {
  const attribute = importAttribute(name);
  if (!attribute) {
    const known = IMPORTABLE_ATTRIBUTES.map((a) => a.name).join(', ');
    return { problem: `unknown attribute "${name}" (known: ${known}, or their Dutch and friendly names)` };
  }
  if (!isImportable(attribute)) return { problem: `"${attribute.name}" is set by the server and cannot be imported` };
  return attribute;
}

const KINDS = new Map<string, DirectoryEntryKind>([
  ['person', 'person'],
  ['persoon', 'person'],
  ['organisation', 'organisation'],
  ['organization', 'organisation'],
  ['organisatie', 'organisation'],
]);
const BOOLEANS = new Map<string, boolean>([
  ['yes', true],
  ['ja', true],
  ['true', true],
  ['1', true],
  ['no', false],
  ['nee', false],
  ['false', false],
  ['0', false],
]);

export const parseKind = (text: string): DirectoryEntryKind | undefined => KINDS.get(text.trim().toLowerCase());
export const parseYesNo = (text: string): boolean | undefined => BOOLEANS.get(text.trim().toLowerCase());

// RFC 1035 §2.3.1 labels, letters widened to Unicode for internationalised domains (RFC 5890); the
// top-level label must not be all digits so an IP address is not taken for a domain.
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+(?=[\\p{L}\\p{N}-]*\\p{L})${LABEL}$`, 'u');
// Deliberately loose (RFC 5321 §4.1.2 allows far more): it catches swapped columns and typing errors,
// not every address that could exist.
const LOCAL_PART = /^[^\s@"(),:;<>[\]\\]{1,64}$/u;

export const isDomain = (text: string): boolean => DOMAIN.test(text);
export function isMailAddress(text: string): boolean {
  const at = text.lastIndexOf('@');
  return at > 0 && LOCAL_PART.test(text.slice(0, at)) && isDomain(text.slice(at + 1));
}

const KIND_NAME = { person: 'a person', organisation: 'an organisation' } as const;
const LINE_BREAK = /\r\n|\r|\n/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Normalised values of one attribute, or a problem. Values arrive trimmed or not; they leave trimmed,
 * non-empty and without duplicates (RFC 4511 §4.1.7: no two values of an attribute are equal). */
function normaliseValues(attribute: AttributeDefinition, raw: readonly string[]): string[] | { problem: string } {
  const key = storageKey(attribute);
  const values = new Set<string>();
  for (const rawValue of raw) {
    let value = rawValue.trim();
    if (key === POSTAL_ADDRESS) {
      value = value
        .split(LINE_BREAK)
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join('$');
    }
    if (value === '') continue;
    if (CONTROL.test(value)) return { problem: `${attribute.name} contains a line break or control character` };
    if (key !== POSTAL_ADDRESS && value.includes(CSV_VALUE_SEPARATOR)) {
      return {
        problem: `${attribute.name} value "${value}" contains "${CSV_VALUE_SEPARATOR}", the CSV value separator`,
      };
    }
    if (key === 'mail' || key === KEY_ATTRIBUTE.organisation) {
      value = value.toLowerCase();
      const valid = key === 'mail' ? isMailAddress(value) : isDomain(value);
      if (!valid)
        return { problem: `${attribute.name} "${value}" is not a valid ${key === 'mail' ? 'mail address' : 'domain'}` };
    }
    values.add(value);
  }
  if (key === POSTAL_ADDRESS && values.size > 1) {
    return { problem: `${attribute.name} takes one value; separate its lines with "$"` };
  }
  return [...values];
}

/** The checked record, or null after adding its problems to `errors`. */
export function buildImportRecord(
  source: string,
  kind: DirectoryEntryKind,
  hidden: boolean | undefined,
  values: ReadonlyMap<AttributeDefinition, readonly string[]>,
  errors: string[],
): DirectoryImportRecord | null {
  const before = errors.length;
  const attributes: Record<string, string[]> = {};
  const refused = new Set<string>();
  for (const [attribute, raw] of values) {
    const normalised = normaliseValues(attribute, raw);
    if ('problem' in normalised) {
      errors.push(`${source}: ${normalised.problem}`);
      refused.add(storageKey(attribute));
    } else if (normalised.length > 0 && !attribute.kinds.includes(kind)) {
      errors.push(`${source}: ${attribute.name} does not apply to ${KIND_NAME[kind]}`);
    } else if (normalised.length > 0) {
      attributes[storageKey(attribute)] = normalised;
    }
  }
  // The key becomes the store's uid, so there must be exactly one; an invalid one was reported already.
  const key = KEY_ATTRIBUTE[kind];
  const keyName = key === 'mail' ? 'mail address (mail)' : 'domain (associatedDomain)';
  const keyCount = attributes[key]?.length ?? 0;
  if (keyCount === 0 && !refused.has(key)) errors.push(`${source}: ${KIND_NAME[kind]} needs a ${keyName}`);
  if (keyCount > 1) errors.push(`${source}: ${KIND_NAME[kind]} has exactly one ${keyName}; found ${keyCount}`);
  if (errors.length > before) return null;
  return hidden === undefined ? { kind, source, attributes } : { kind, source, attributes, hidden };
}
