// The directory's search: entries follow organisations and mailboxes, matching is case- and
// diacritic-insensitive, and the indexed search finds exactly what evaluating the filter on every
// entry finds (a property test over random filters), page by page.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { configSchema } from '../../src/config/schema.ts';
import { openServices, type Services } from '../../src/main.ts';
import { parseFilter } from '../../src/directory/filter-text.ts';
import { matchesFilter } from '../../src/directory/filter-match.ts';
import { planSearch } from '../../src/directory/search-plan.ts';
import type { Filter } from '../../src/directory/filter.ts';
import type { DirectoryImportRecord } from '../../src/directory/types.ts';
import { approxKey, normaliseText } from '../../src/directory/normalise.ts';
import { seededRandom } from '../mail/mime/helpers.ts';

const by = { actor: 'test' };
const BASE = 'ou=se,dc=zorgmail';

const person = (mail: string, attributes: Record<string, string>, hidden?: boolean): DirectoryImportRecord => ({
  kind: 'person',
  source: mail,
  attributes: { mail: [mail], ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.split(' | ')])) },
  hidden,
});

describe('directory search', () => {
  let dir: string;
  let services: Services;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-dir-'));
    services = await openServices(configSchema.parse({ dataDir: dir, log: { level: 'silent' } }), pino({ level: 'silent' }));
    const org = await services.identity.addOrganisation({ name: 'Huisartsenpraktijk De Linde', domain: 'delinde.nl' }, by);
    assert.ok(org);
    await services.identity.addMailbox({ address: 'j.muller@delinde.nl', displayName: 'Dr. Jan Müller' }, by);
    await services.identity.addMailbox({ address: 'p.devries@delinde.nl', displayName: 'Petra de Vries' }, by);
    await services.directory.importRecords(
      [
        person('j.muller@delinde.nl', { givenname: 'Jan', sn: 'Müller', title: 'Huisarts', telephonenumber: '010-123 45 67', l: 'Utrecht' }),
        person('jan.devries@ziekenhuis.example', { cn: 'Jan de Vries', givenname: 'Jan', sn: 'de Vries', o: 'Ziekenhuis Oost', mobile: '06 1234 5678' }),
        person('k.ozturk@ziekenhuis.example', { cn: 'Kemal Öztürk', sn: 'Öztürk', o: 'Ziekenhuis Oost' }),
        person('m.jansen@lab.example', { cn: 'Marieke Jansen', sn: 'Jansen', o: 'Lab Noord' }),
        person('geheim@lab.example', { cn: 'Jan Geheim', sn: 'Geheim' }, true),
      ],
      by,
    );
  });

  after(async () => {
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  const search = async (filter: string, options: { base?: string; scope?: 'base' | 'one' | 'sub'; limit?: number; after?: number } = {}) => {
    const result = await services.directory.search({
      baseDn: options.base ?? BASE,
      scope: options.scope ?? 'sub',
      filter: parseFilter(filter),
      after: options.after ?? -1,
      limit: options.limit ?? 1000,
    });
    return result.entries.map((e) => e.dn);
  };

  it('has an entry for every organisation and mailbox, with derived attributes', async () => {
    const muller = await services.directory.findEntry('j.muller@delinde.nl');
    assert.ok(muller);
    const attributes = Object.fromEntries(muller.attributes);
    assert.deepEqual(attributes.cn, ['Dr. Jan Müller']);
    assert.deepEqual(attributes.o, ['Huisartsenpraktijk De Linde'], 'organisation name from the mailbox');
    assert.deepEqual(attributes.title, ['Huisarts'], 'imported details kept');
    assert.equal(muller.attributes[0]![0], 'objectClass');
    const petra = await services.directory.findEntry('p.devries@delinde.nl');
    assert.deepEqual(Object.fromEntries(petra!.attributes).sn, ['Vries'], 'sn stands in from the display name');
    assert.ok(await services.directory.findEntry('delinde.nl'));
  });

  it('matches case- and diacritic-insensitively', async () => {
    assert.deepEqual(await search('(sn=muller)'), [`uid=j.muller@delinde.nl,${BASE}`]);
    assert.deepEqual(await search('(CN=*OZTURK*)'), [`uid=k.ozturk@ziekenhuis.example,${BASE}`]);
    assert.deepEqual(await search('(sn=Müller)'), [`uid=j.muller@delinde.nl,${BASE}`]);
    assert.deepEqual(await search('(sn~=Mueller)'), [`uid=j.muller@delinde.nl,${BASE}`]);
    assert.deepEqual(await search('(telephoneNumber=0101234567)'), [`uid=j.muller@delinde.nl,${BASE}`]);
    assert.deepEqual(await search('(mobile=0612345678)'), [`uid=jan.devries@ziekenhuis.example,${BASE}`]);
  });

  it('answers the filter shapes Outlook and Thunderbird send', async () => {
    const outlook = '(&(mail=*)(|(mail=jan*)(|(cn=jan*)(|(sn=jan*)(givenName=jan*)))))';
    assert.deepEqual(await search(outlook), [
      `uid=j.muller@delinde.nl,${BASE}`,
      `uid=jan.devries@ziekenhuis.example,${BASE}`,
      `uid=m.jansen@lab.example,${BASE}`,
    ]);
    assert.deepEqual(await search('(|(cn=jan*de*)(mail=jan*de*)(sn=jan*de*))'), [`uid=jan.devries@ziekenhuis.example,${BASE}`]);
    assert.deepEqual(await search('(|(mail=*vries*)(cn=*vries*)(givenName=*vries*)(sn=*vries*))'), [
      `uid=p.devries@delinde.nl,${BASE}`,
      `uid=jan.devries@ziekenhuis.example,${BASE}`,
    ]);
  });

  it('never returns hidden entries, and hiding takes effect at once', async () => {
    assert.deepEqual(await search('(cn=*geheim*)'), []);
    assert.deepEqual(await search('(mail=geheim@lab.example)'), []);
    await services.directory.setHidden('m.jansen@lab.example', true, by);
    assert.deepEqual(await search('(sn=jansen)'), []);
    await services.directory.setHidden('m.jansen@lab.example', false, by);
    assert.deepEqual(await search('(sn=jansen)'), [`uid=m.jansen@lab.example,${BASE}`]);
  });

  it('follows scopes and refuses bases outside the directory', async () => {
    assert.deepEqual(await search('(objectClass=*)', { scope: 'base' }), [BASE]);
    assert.equal((await search('(objectClass=*)', { scope: 'one' })).includes(BASE), false);
    assert.ok((await search('(objectClass=*)', { scope: 'sub' })).includes(BASE));
    assert.deepEqual(await search('(objectClass=*)', { base: `UID=J.Muller@DeLinde.nl, OU=SE,DC=ZorgMail`, scope: 'base' }), [
      `uid=j.muller@delinde.nl,${BASE}`,
    ]);
    assert.deepEqual(await search('(objectClass=*)', { base: `uid=j.muller@delinde.nl,${BASE}`, scope: 'one' }), []);
    await assert.rejects(search('(objectClass=*)', { base: 'dc=example,dc=com' }), { code: 'noSuchObject' });
    await assert.rejects(search('(objectClass=*)', { base: `uid=nobody@x.nl,${BASE}` }), { code: 'noSuchObject', matchedDn: BASE });
    await assert.rejects(search('(objectClass=*)', { base: `uid=geheim@lab.example,${BASE}` }), { code: 'noSuchObject' });
    await assert.rejects(search('(objectClass=*)', { base: 'this is not a dn' }), { code: 'invalidDNSyntax' });
  });

  it('updates details and keeps the derived attributes', async () => {
    await services.directory.updateEntry('p.devries@delinde.nl', { title: ['Praktijkondersteuner'], mobile: ['06-11112222'] }, by);
    assert.deepEqual(await search('(&(title=praktijk*)(mobile=0611112222))'), [`uid=p.devries@delinde.nl,${BASE}`]);
    await assert.rejects(services.directory.updateEntry('p.devries@delinde.nl', { mail: ['x@y.nl'] }, by), { code: 'BADINPUT' });
    await assert.rejects(services.directory.removeEntry('p.devries@delinde.nl', by), { code: 'CANNOT' });
  });

  it('finds with the index exactly what evaluating every entry finds (random filters)', async () => {
    const random = seededRandom(20261203);
    const names = ['Jan', 'Johanna', 'Pieter', 'Sanne', 'Müller', 'de Vries', 'van der Berg', 'Öztürk', 'Jansen', 'Janssen', 'Ĳsselmeer', 'Bakker'];
    const records: DirectoryImportRecord[] = [];
    for (let i = 0; i < 600; i++) {
      const given = names[Math.floor(random() * 4)]!;
      const surname = names[4 + Math.floor(random() * 8)]!;
      records.push(person(`p${i}@zorg${i % 7}.example`, { cn: `${given} ${surname}`, givenname: given, sn: surname, o: `Praktijk ${i % 5}`, l: i % 3 ? 'Utrecht' : 'Zwolle' }, random() < 0.05));
    }
    await services.directory.importRecords(records, by);
    const everyone: Array<{ dn: string; values: Record<string, string[]> }> = [];
    for await (const entry of services.directory.entries({ includeHidden: false })) {
      const values: Record<string, string[]> = {};
      for (const [name, list] of entry.attributes) values[name.toLowerCase()] = [...list];
      everyone.push({ dn: entry.dn, values });
    }
    const fragments = ['ja', 'jan', 'an', 'vries', 'de v', 'mul', 'Mül', 'OZT', 'berg', 'ij', 'ĳs', 'x', 'praktijk 3', 'utrecht', '@zorg2', 'sen'];
    const attributes = ['cn', 'sn', 'givenName', 'mail', 'o', 'l', 'title', 'description'];
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const leaf = (): Filter => {
      const attribute = pick(attributes);
      const value = pick(fragments);
      switch (Math.floor(random() * 6)) {
        case 0:
          return { type: 'equality', attribute, value };
        case 1:
          return { type: 'substrings', attribute, initial: value, any: [], final: null };
        case 2:
          return { type: 'substrings', attribute, initial: null, any: [value], final: null };
        case 3:
          return { type: 'substrings', attribute, initial: random() < 0.5 ? pick(fragments) : null, any: random() < 0.5 ? [pick(fragments)] : [], final: value };
        case 4:
          return { type: 'present', attribute };
        default:
          return { type: random() < 0.5 ? 'greaterOrEqual' : 'approx', attribute, value };
      }
    };
    const tree = (depth: number): Filter => {
      if (depth === 0 || random() < 0.35) return leaf();
      const kind = Math.floor(random() * 3);
      if (kind === 2) return { type: 'not', filter: tree(depth - 1) };
      const children = Array.from({ length: 1 + Math.floor(random() * 3) }, () => tree(depth - 1));
      return { type: kind === 0 ? 'and' : 'or', filters: children };
    };
    let indexed = 0;
    for (let round = 0; round < 250; round++) {
      const filter = tree(3);
      if (typeof planSearch(filter, new Set(['cn', 'sn', 'givenname', 'mail', 'o', 'l', 'title'])) === 'object') indexed++;
      const expected = everyone.filter((e) => matchesFilter(filter, e.values)).map((e) => e.dn);
      const found: string[] = [];
      let afterPosition = 0;
      // Page through in small pages, as a paged LDAP search does.
      for (;;) {
        const page = await services.directory.search({ baseDn: BASE, scope: 'one', filter, after: afterPosition, limit: 37 });
        found.push(...page.entries.map((e) => e.dn));
        if (page.entries.length < 37) break;
        afterPosition = page.last;
      }
      assert.deepEqual(found, expected, JSON.stringify(filter));
    }
    assert.ok(indexed > 60, `a good share of the random filters used the index (${indexed})`);
  });
});

describe('matching rules', () => {
  it('prepares strings as RFC 4518 does, and also drops diacritics', () => {
    assert.equal(normaliseText('  Dr.  Jan   MÜLLER '), 'dr. jan muller');
    assert.equal(normaliseText('Straße'), 'strasse');
    assert.equal(normaliseText('Ĳsselmeer'), 'ijsselmeer');
    assert.equal(approxKey('Mueller'), approxKey('Müller'));
    assert.equal(approxKey('Muller'), approxKey('Müller'));
    assert.notEqual(approxKey('Miller'), approxKey('Müller'));
  });

  it('treats unknown attributes as Undefined, also under NOT (RFC 4511 §4.5.1.7)', () => {
    const entry = { objectclass: ['person'], cn: ['Jan'] };
    assert.equal(matchesFilter(parseFilter('(nonsense=1)'), entry), false);
    assert.equal(matchesFilter(parseFilter('(!(nonsense=1))'), entry), false);
    assert.equal(matchesFilter(parseFilter('(|(nonsense=1)(cn=jan))'), entry), true);
    assert.equal(matchesFilter(parseFilter('(!(nonsense=*))'), entry), true, 'presence of an unknown attribute is FALSE');
  });
});
