// The directory's attributes: the LDAP names Outlook and Thunderbird ask for (RFC 4519, RFC 2798
// inetOrgPerson, RFC 4524), how each is matched, and the friendlier column names accepted on import.
// Entries store values under the lower-case name; clients get the canonical spelling back.

/** How values compare (RFC 4517 §4.2): case-insensitive text, telephone numbers (spaces and
 * hyphens ignored), or exact strings (objectClass is caseIgnore too, but only from our own set). */
export type MatchSyntax = 'text' | 'telephone';

export interface AttributeDefinition {
  /** Canonical spelling returned to clients. */
  name: string;
  syntax: MatchSyntax;
  /** Other names clients use for the same attribute (RFC 4519 short names, Outlook's aliases). */
  aliases: readonly string[];
  /** Friendly CSV column names accepted on import (lower-case). */
  importNames: readonly string[];
  /** Which kinds of entry carry it. */
  kinds: ReadonlyArray<'person' | 'organisation'>;
  /** Operators may set it through import or the admin API. */
  editable: boolean;
}

const both = ['person', 'organisation'] as const;
const person = ['person'] as const;

export const ATTRIBUTES: readonly AttributeDefinition[] = [
  { name: 'objectClass', syntax: 'text', aliases: [], importNames: [], kinds: both, editable: false },
  { name: 'uid', syntax: 'text', aliases: ['userid'], importNames: [], kinds: person, editable: false },
  { name: 'cn', syntax: 'text', aliases: ['commonName'], importNames: ['name', 'naam'], kinds: both, editable: true },
  { name: 'displayName', syntax: 'text', aliases: [], importNames: ['display name', 'weergavenaam'], kinds: person, editable: true },
  { name: 'givenName', syntax: 'text', aliases: ['gn'], importNames: ['first name', 'voornaam'], kinds: person, editable: true },
  { name: 'sn', syntax: 'text', aliases: ['surname'], importNames: ['last name', 'achternaam'], kinds: person, editable: true },
  { name: 'mail', syntax: 'text', aliases: ['rfc822Mailbox'], importNames: ['email', 'e-mail', 'e-mailadres'], kinds: both, editable: true },
  { name: 'o', syntax: 'text', aliases: ['organizationName'], importNames: ['organisation', 'organization', 'organisatie'], kinds: both, editable: true },
  { name: 'ou', syntax: 'text', aliases: ['organizationalUnitName', 'department'], importNames: ['department', 'afdeling'], kinds: person, editable: true },
  { name: 'title', syntax: 'text', aliases: [], importNames: ['functie', 'job title'], kinds: person, editable: true },
  { name: 'telephoneNumber', syntax: 'telephone', aliases: [], importNames: ['phone', 'telephone', 'telefoon'], kinds: both, editable: true },
  { name: 'mobile', syntax: 'telephone', aliases: ['mobileTelephoneNumber'], importNames: ['mobiel'], kinds: person, editable: true },
  { name: 'l', syntax: 'text', aliases: ['localityName'], importNames: ['city', 'plaats', 'locality'], kinds: both, editable: true },
  { name: 'postalAddress', syntax: 'text', aliases: [], importNames: ['postal address', 'address', 'adres'], kinds: both, editable: true },
  { name: 'postalCode', syntax: 'text', aliases: [], importNames: ['postal code', 'postcode', 'zip'], kinds: both, editable: true },
  { name: 'street', syntax: 'text', aliases: ['streetAddress'], importNames: ['straat'], kinds: both, editable: true },
  { name: 'agbCode', syntax: 'text', aliases: [], importNames: ['agb', 'agb code', 'agb-code'], kinds: both, editable: true },
  { name: 'specialism', syntax: 'text', aliases: [], importNames: ['specialisme', 'specialty'], kinds: person, editable: true },
  { name: 'associatedDomain', syntax: 'text', aliases: [], importNames: ['domain', 'domein'], kinds: ['organisation'], editable: false },
];

const byLowerName = new Map<string, AttributeDefinition>();
const byImportName = new Map<string, AttributeDefinition>();
for (const attribute of ATTRIBUTES) {
  for (const name of [attribute.name, ...attribute.aliases]) byLowerName.set(name.toLowerCase(), attribute);
  for (const name of [attribute.name, ...attribute.aliases, ...attribute.importNames]) byImportName.set(name.toLowerCase(), attribute);
}

/** The definition for an attribute name or alias as a client spells it (case-insensitive). An
 * attribute description may carry options (`cn;lang-nl`); we keep no tagged values, so the base
 * name decides. */
export function attributeDefinition(name: string): AttributeDefinition | undefined {
  const base = name.split(';', 1)[0]!.toLowerCase();
  return byLowerName.get(base);
}

/** The attribute a CSV column header or LDIF attribute names on import. */
export function importAttribute(column: string): AttributeDefinition | undefined {
  return byImportName.get(column.trim().toLowerCase());
}

/** Lower-case storage key of an attribute definition. */
export const storageKey = (attribute: AttributeDefinition): string => attribute.name.toLowerCase();

export const PERSON_OBJECT_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'zorgpostPerson'] as const;
export const ORGANISATION_OBJECT_CLASSES = ['top', 'organization', 'domainRelatedObject', 'zorgpostOrganisation'] as const;
