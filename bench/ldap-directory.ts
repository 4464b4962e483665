// The benchmark's community directory: people with Dutch healthcare names, generated from a seeded
// PRNG so every run (and both servers) gets the same entries. Names are drawn with a long-tailed
// weighting, as in a real register: many "de Vries" and "Jansen", few "Wijnaldum", so a type-ahead
// fragment can match thousands of entries or a handful.
import { normaliseFragment, normaliseText } from '../src/directory/normalise.ts';

export interface Person {
  givenName: string;
  sn: string;
  cn: string;
  displayName: string;
  mail: string;
  o: string;
  l: string;
  title: string;
  agbCode: string;
}

/** Fixed, so a directory of N people is the same on every run and machine. */
const SEED = 0x5a4f5247;

// prettier-ignore
const GIVEN_NAMES = [
  'Jan', 'Johanna', 'Pieter', 'Sanne', 'Mohammed', 'Fatma', 'Anna', 'Maria', 'Emma', 'Daan', 'Sophie', 'Lisa',
  'Thomas', 'Julia', 'Kees', 'Henk', 'Johannes', 'Cornelis', 'Willem', 'Hendrik', 'Anne', 'Eva', 'Lotte', 'Femke',
  'Marieke', 'Ingrid', 'Janneke', 'Jannie', 'Johan', 'Janine', 'Jasper', 'Bram', 'Ruben', 'Lars', 'Sem', 'Noah',
  'Anouk', 'Bas', 'Joost', 'Jeroen', 'Maarten', 'Erik', 'Niels', 'Petra', 'Peter', 'Petronella', 'Ahmed', 'Youssef',
  'Mustafa', 'Ayşe', 'Zeynep', 'Meryem', 'Fatima', 'Khadija', 'Priya', 'Anjali', 'Chantal', 'Mariëlle', 'Jochem',
  'Noëlle', 'Chloë', 'Zoë', 'René', 'André', 'Hélène', 'Inge', 'Karin', 'Monique', 'Esther', 'Saskia', 'Wouter',
  'Sander', 'Stijn', 'Koen', 'Tim', 'Mark', 'Linda', 'Sandra', 'Ilse', 'Nienke', 'Hanneke', 'Gerrit', 'Dirk', 'Arjen',
  'Hüseyin', 'Gülsen', 'Emre', 'Mehmet', 'Rachid', 'Said', 'Nadia', 'Samira', 'Rajesh', 'Soraya', 'Dewi', 'Kevin',
  'Roel', 'Floor', 'Iris', 'Mila',
];

// prettier-ignore
const SURNAMES = [
  'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer',
  'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit',
  'Dijkstra', 'Smits', 'de Graaf', 'van der Meer', 'van der Linden', 'Kok', 'Jacobs', 'de Haan', 'Vermeulen',
  'van den Heuvel', 'van der Veen', 'van den Broek', 'de Bruijn', 'de Bruin', 'van der Heijden', 'Schouten',
  'van Beek', 'Willems', 'van Vliet', 'van de Ven', 'Hoekstra', 'Maas', 'Verhoeven', 'Koster', 'van Dam',
  'van der Wal', 'Prins', 'Blom', 'Huisman', 'Peeters', 'de Haas', 'van der Berg', 'Pietersen', 'Bergman',
  'Vrieswijk', 'Müller', 'Schröder', 'Öztürk', 'Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Aydın', 'El Amrani',
  'El Idrissi', 'Bouzid', 'Benali', 'Ahmadi', 'Nguyen', 'Singh', 'Kumar', 'Ramdin', 'Sewdien', 'Pinas', 'Kartosen',
  'Martens', 'Claes', 'Goossens', 'Lemmens', 'Heemskerk', 'Oosterhuis', 'Zwart', 'Kuipers', 'Post', 'Veenstra',
  'Kramer', 'van Os', 'ter Horst', "van 't Hof", 'Brink', 'Groen', 'Wijnaldum', 'Boateng', 'Hoogendoorn', 'Bolhuis',
  'Verbeek', 'Lammers', 'Scholten',
];

// prettier-ignore
const CITIES = [
  'Amsterdam', 'Rotterdam', 'Den Haag', 'Utrecht', 'Eindhoven', 'Groningen', 'Tilburg', 'Almere', 'Breda', 'Nijmegen',
  'Apeldoorn', 'Arnhem', 'Haarlem', 'Enschede', 'Amersfoort', 'Zaanstad', "'s-Hertogenbosch", 'Zwolle', 'Leiden',
  'Maastricht', 'Dordrecht', 'Ede', 'Alkmaar', 'Emmen', 'Delft', 'Deventer', 'Venlo', 'Sittard', 'Helmond', 'Oss',
  'Leeuwarden', 'Hilversum', 'Heerlen', 'Assen', 'Gouda', 'Zeist', 'Veenendaal', 'Súdwest-Fryslân',
];

/** Kind of organisation: its Dutch name, a short word for its domain, the titles of the people in
 * it and their AGB profession code (the first two of the eight digits). */
const ORGANISATION_KINDS = [
  {
    name: 'Huisartsenpraktijk',
    slug: 'huisarts',
    size: 8,
    titles: ['huisarts', 'doktersassistent', 'praktijkondersteuner'],
    agb: '01',
  },
  { name: 'Apotheek', slug: 'apotheek', size: 10, titles: ['apotheker', 'apothekersassistent'], agb: '17' },
  { name: 'Fysiotherapie', slug: 'fysio', size: 6, titles: ['fysiotherapeut', 'manueel therapeut'], agb: '04' },
  {
    name: 'Tandartspraktijk',
    slug: 'tandarts',
    size: 6,
    titles: ['tandarts', 'mondhygiënist', 'tandartsassistent'],
    agb: '12',
  },
  { name: 'Verloskundigenpraktijk', slug: 'verloskunde', size: 5, titles: ['verloskundige'], agb: '08' },
  {
    name: 'GGZ',
    slug: 'ggz',
    size: 30,
    titles: ['psycholoog', 'psychiater', 'GZ-psycholoog', 'verpleegkundige'],
    agb: '94',
  },
  { name: 'Thuiszorg', slug: 'thuiszorg', size: 60, titles: ['wijkverpleegkundige', 'verzorgende IG'], agb: '90' },
  {
    name: 'Ziekenhuis',
    slug: 'ziekenhuis',
    size: 400,
    titles: ['cardioloog', 'internist', 'verpleegkundige', 'secretaresse', 'longarts', 'chirurg'],
    agb: '03',
  },
  {
    name: 'Zorggroep',
    slug: 'zorggroep',
    size: 40,
    titles: ['specialist ouderengeneeskunde', 'verpleegkundige', 'coördinator'],
    agb: '87',
  },
] as const;

// prettier-ignore
const ORGANISATION_NAMES = [
  'De Linde', 'Het Anker', 'Centrum', 'Noord', 'Zuid', 'De Eik', 'Het Kompas', 'De Bron', 'Rivierenland', 'De Brug',
  'Parkzicht', 'Het Baken', "'t Hofje", 'De Vaart', 'Oosterpoort', 'Zonnehuis', 'De Wielewaal', 'Gelderse Vallei',
  'Sint Jansdal', 'Het Spaarne', 'Rijnstate', 'Sint Pieter', 'De Vriesborch',
];

/** The long tail of a real register: thousands of rarer surnames, built the way many Dutch ones are
 * (a place or landscape word and an ending: Westerink, Kleinsma, Hoogeveen), some with a prefix. */
// prettier-ignore
const TAIL_STEMS = [
  'Hoog', 'Klein', 'Groot', 'Wester', 'Ooster', 'Zuider', 'Noorder', 'Berg', 'Veld', 'Dijk', 'Kamp', 'Bosch', 'Meer',
  'Broek', 'Kerk', 'Molen', 'Brug', 'Water', 'Steen', 'Hout', 'Gras', 'Linde', 'Esch', 'Haver', 'Rog', 'Wit', 'Zand',
  'Heide', 'Lange', 'Nieuwen',
];
// prettier-ignore
const TAIL_ENDINGS = [
  'man', 's', 'stra', 'ink', 'ing', 'huis', 'kamp', 'veld', 'beek', 'sma', 'inga', 'ema', 'horst', 'eveen', 'hof',
  'brink', 'werf', 'ert',
];
const TAIL_PREFIXES = ['van', 'ter', 'de', 'van der', 'te'];
/** Share of people with a surname from the tail. */
const TAIL_SHARE = 0.35;

/** mulberry32: small, fast and good enough to pick names; the seed makes it repeatable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from a list weighted 1/(rank + 2): the first names are common, the last ones rare. */
function weightedPicker<T>(items: readonly T[], next: () => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < items.length; i++) cumulative.push((total += 1 / (i + 2)));
  return () => {
    const target = next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return items[low]!;
  };
}

/** ASCII for addresses and domains: "Öztürk" → "ozturk", "van 't Hof" → "vanthof". */
function slug(value: string): string {
  return normaliseText(value)
    .replace(/ı/g, 'i')
    .replace(/[^a-z0-9]/g, '');
}

export function generatePeople(count: number): Person[] {
  const next = random(SEED);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const givenName = weightedPicker(GIVEN_NAMES, next);
  const common = weightedPicker(SURNAMES, next);
  const surname = () => {
    if (next() >= TAIL_SHARE) return common();
    const name = `${pick(TAIL_STEMS)}${pick(TAIL_ENDINGS)}`;
    return next() < 0.2 ? `${pick(TAIL_PREFIXES)} ${name}` : name;
  };
  const people: Person[] = [];
  const addresses = new Set<string>();
  const domains = new Set<string>();
  while (people.length < count) {
    const kind = pick(ORGANISATION_KINDS);
    const city = pick(CITIES);
    const place = next() < 0.5 ? pick(ORGANISATION_NAMES) : city;
    const o = `${kind.name} ${place}${place === city ? '' : ` ${city}`}`;
    let domain = `${kind.slug}${slug(place)}.nl`;
    for (let n = 2; domains.has(domain); n++) domain = `${kind.slug}${slug(place)}${n}.nl`;
    domains.add(domain);
    const size = Math.min(count - people.length, 1 + Math.floor(next() * kind.size * 2));
    for (let i = 0; i < size; i++) {
      const given = givenName();
      const sn = surname();
      const title = pick(kind.titles);
      const cn = `${given} ${sn}`;
      const doctor = title.endsWith('arts') || title.endsWith('loog') || title === 'internist' || title === 'chirurg';
      const local = next() < 0.6 ? `${slug(given[0]!)}.${slug(sn)}` : `${slug(given)}.${slug(sn)}`;
      let mail = `${local}@${domain}`;
      for (let n = 2; addresses.has(mail); n++) mail = `${local}${n}@${domain}`;
      addresses.add(mail);
      people.push({
        givenName: given,
        sn,
        cn,
        displayName: doctor ? `dr. ${given[0]}. ${sn}` : cn,
        mail,
        o,
        l: city,
        title,
        agbCode: `${kind.agb}${String(Math.floor(next() * 1e6)).padStart(6, '0')}`,
      });
    }
  }
  return people;
}

export const BASE_DN = 'ou=se,dc=zorgmail';

/** The mailbox the measuring clients bind as; slapd gets the same person as its bind entry. */
export const BIND_PERSON = {
  organisation: 'Zorgpost Benchmark',
  domain: 'benchmark.zorgpost.nl',
  address: 'lezer@benchmark.zorgpost.nl',
  displayName: 'Lezer Benchmark',
} as const;

// ── What each server should find ───────────────────────────────────────────────────────────────

/** An entry as the correctness guard sees it: the attributes the measured filters look at. */
export interface MatchableEntry {
  cn: string;
  sn?: string;
  givenName?: string;
  mail?: string;
}

/** How a server compares strings. OpenLDAP's caseIgnore rules fold case after NFKC (RFC 4518 §2.2)
 * and keep diacritics; Zorgpost's also drop them, so "mül" finds Muller and Mulder there. */
export type MatchRule = 'zorgpost' | 'openldap';

const fold = (rule: MatchRule, value: string, fragment: boolean): string => {
  if (rule === 'openldap') return value.normalize('NFKC').toLowerCase();
  return fragment ? normaliseFragment(value, 'text') : normaliseText(value);
};

/** The four filter shapes measured, each with its expected result for a search term. */
export interface QueryShape {
  name: string;
  /** The filter for a term (already escaped). */
  filter(term: string): string;
  matches(entry: MatchableEntry, term: string, rule: MatchRule): boolean;
}

export const escapeFilterValue = (value: string) =>
  value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

function matcher(rule: MatchRule, term: string, entry: MatchableEntry) {
  const t = fold(rule, term, true);
  const value = (attribute: keyof MatchableEntry) => {
    const v = entry[attribute];
    return v === undefined ? null : fold(rule, v, false);
  };
  return {
    starts: (attribute: keyof MatchableEntry) => value(attribute)?.startsWith(t) ?? false,
    contains: (attribute: keyof MatchableEntry) => value(attribute)?.includes(t) ?? false,
  };
}

export const QUERY_SHAPES: readonly QueryShape[] = [
  {
    name: '(cn=*T*)',
    filter: (t) => `(cn=*${t}*)`,
    matches: (e, t, rule) => matcher(rule, t, e).contains('cn'),
  },
  {
    name: '(|(cn=T*)(sn=T*)(mail=T*))',
    filter: (t) => `(|(cn=${t}*)(sn=${t}*)(mail=${t}*))`,
    matches: (e, t, rule) => {
      const m = matcher(rule, t, e);
      return m.starts('cn') || m.starts('sn') || m.starts('mail');
    },
  },
  {
    // Outlook's default type-ahead / "check names" filter for an LDAP address book.
    name: 'Outlook (&(mail=*)(|(mail=T*)…))',
    filter: (t) => `(&(mail=*)(|(mail=${t}*)(|(cn=${t}*)(|(sn=${t}*)(givenName=${t}*)))))`,
    matches: (e, t, rule) => {
      const m = matcher(rule, t, e);
      return e.mail !== undefined && (m.starts('mail') || m.starts('cn') || m.starts('sn') || m.starts('givenName'));
    },
  },
  {
    // Thunderbird's default autocomplete filter.
    name: 'Thunderbird (|(cn=*T*)(mail=*T*)…)',
    filter: (t) => `(|(cn=*${t}*)(mail=*${t}*)(givenName=*${t}*)(sn=*${t}*))`,
    matches: (e, t, rule) => {
      const m = matcher(rule, t, e);
      return m.contains('cn') || m.contains('mail') || m.contains('givenName') || m.contains('sn');
    },
  },
];

/** What people type into Outlook's or Thunderbird's address box: first letters, part of a surname
 * (with and without its umlaut), a prefix with a space, a whole name, a rarer surname, a typo. The
 * two-letter ones are shorter than a trigram index can answer. */
// prettier-ignore
export const SEARCH_TERMS = [
  'jan', 'vries', 'mül', 'mul', 'pet', 'berg', 'oz', 'öz', 'bakk', 'de v', 'moh', 'sanne', 'van d', 'el', 'jan de v',
  'westerink', 'kleinsma', 'wijnaldum', 'chloë de', 'vires',
];

export function expectedCount(
  entries: readonly MatchableEntry[],
  shape: QueryShape,
  term: string,
  rule: MatchRule,
): number {
  let count = 0;
  for (const entry of entries) if (shape.matches(entry, term, rule)) count++;
  return count;
}

// ── Loading ────────────────────────────────────────────────────────────────────────────────────

/** Attributes for Zorgpost's directory import (lower-case keys, src/directory/types.ts). */
export function importAttributes(person: Person): Record<string, string[]> {
  return {
    mail: [person.mail],
    cn: [person.cn],
    displayname: [person.displayName],
    givenname: [person.givenName],
    sn: [person.sn],
    o: [person.o],
    l: [person.l],
    title: [person.title],
    agbcode: [person.agbCode],
  };
}

/** One LDIF record (RFC 2849): values that are not a SAFE-STRING (here: anything but printable
 * ASCII, or a leading space, colon or "<", or a trailing space) are written base64-encoded. */
export function ldifRecord(dn: string, attributes: ReadonlyArray<readonly [string, string]>): string {
  const line = (name: string, value: string) =>
    /^[\x20-\x7e]*$/.test(value) && !/^[ :<]|\s$/.test(value)
      ? `${name}: ${value}`
      : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
  return [line('dn', dn), ...attributes.map(([name, value]) => line(name, value))].join('\n') + '\n\n';
}

/** The person as an OpenLDAP inetOrgPerson (RFC 2798). agbCode has no place in that schema, so it is
 * left out: searches never ask for it. */
export function slapdPersonAttributes(person: Person): Array<[string, string]> {
  return [
    ['objectClass', 'inetOrgPerson'],
    ['uid', person.mail],
    ['cn', person.cn],
    ['displayName', person.displayName],
    ['givenName', person.givenName],
    ['sn', person.sn],
    ['mail', person.mail],
    ['o', person.o],
    ['l', person.l],
    ['title', person.title],
  ];
}
