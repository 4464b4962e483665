// The LDAPS address book (SPEC R9, RFC 4511) with ldapts as a real client nobody here wrote: binds with
// the manual's user names (chapter 3: `uid=<klantnummer>`, base ou=se,dc=zorgmail), the filters Outlook
// and Thunderbird send for type-ahead and "check names", every filter type (RFC 4515) matched case- and
// diacritic-insensitively, attribute selection, scopes, size limits, paged results (RFC 2696), the
// root DSE, whoami (RFC 4532), read-only refusals, critical controls and Hosted Mail Key revocation.
// Where ldapts hides what the server sent (it swallows sizeLimitExceeded when the request set a
// sizeLimit, it cannot send a cookie of its own), the raw client of helpers/ldap.ts looks at the wire.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  Attribute,
  Change,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  SizeLimitExceededError,
  UnavailableCriticalExtensionError,
  UnwillingToPerformError,
  type Client,
  type Entry,
} from 'ldapts';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import {
  BASE_DN,
  LdapWire,
  NOTICE_OF_DISCONNECTION,
  RawControl,
  boundClient,
  ldapsClient,
  pagedResultsValue,
  searchPdu,
  unbindPdu,
} from '../helpers/ldap.ts';
import { waitFor, withTimeout } from '../helpers/async.ts';
import type { DirectoryImportRecord } from '../../src/directory/types.ts';
import { OID, Op, ResultCode } from '../../src/ldap/protocol/types.ts';

/** The server's cap on one unpaged search (config ldap.maxSizeLimit), kept small to test it. */
const MAX_SIZE_LIMIT = 50;
const BULK_ENTRIES = 300;
const PROMPTLY_MS = 2_000;

let server: TestServer;
let balie: TestAccount;
let sleutel: TestAccount;
let client: Client;

const person = (attributes: Record<string, string[]>, hidden?: boolean): DirectoryImportRecord => ({
  kind: 'person',
  source: `test ${attributes.mail![0]}`,
  attributes,
  ...(hidden === undefined ? {} : { hidden }),
});

before(async () => {
  server = await startTestServer({ ldap: { maxSizeLimit: MAX_SIZE_LIMIT } });
  balie = await server.addMailbox('balie@huisarts-noord.nl', 'Balie Huisarts');
  sleutel = await server.addMailbox('sleutel@huisarts-noord.nl', 'Sleutel Beheer');
  await server.addMailbox('jan.devries@huisarts-noord.nl', 'Jan de Vries');
  await server.addMailbox('p.jansen@huisarts-noord.nl', 'Piet Jansen');
  await server.addMailbox('k.janssen@apotheek-zuid.nl', 'Karin Janssen');
  await server.addMailbox('jan.muller@apotheek-zuid.nl', 'Jan Müller');
  await server.addMailbox('kemal.ozturk@apotheek-zuid.nl', 'Kemal Öztürk');
  const records: DirectoryImportRecord[] = [
    // Details for hosted mailboxes, as an operator's import adds them.
    person({
      mail: ['jan.devries@huisarts-noord.nl'],
      givenname: ['Jan'],
      sn: ['de Vries'],
      title: ['Huisarts'],
      l: ['Amsterdam'],
      o: ['Huisartsenpraktijk Noord'],
      telephonenumber: ['+31 20-123 4567'],
    }),
    person({ mail: ['jan.muller@apotheek-zuid.nl'], givenname: ['Jan'], sn: ['Müller'] }),
    person({ mail: ['kemal.ozturk@apotheek-zuid.nl'], givenname: ['Kemal'], sn: ['Öztürk'], title: ['Apotheker'] }),
    // Partner entries: community members hosted elsewhere.
    person({ mail: ['jan.dekker@ziekenhuis-west.nl'], cn: ['Jan Dekker'], givenname: ['Jan'], sn: ['Dekker'] }),
    person({
      mail: ['marjan.visser@ziekenhuis-west.nl'],
      cn: ['Marjan Visser'],
      givenname: ['Marjan'],
      sn: ['Visser'],
    }),
    person({ mail: ['anna.bakker@ziekenhuis-west.nl'], cn: ['Anna Bakker'], givenname: ['Anna'], sn: ['Bakker'] }),
    {
      kind: 'organisation',
      source: 'test org',
      attributes: { associateddomain: ['ziekenhuis-west.nl'], o: ['Ziekenhuis West'] },
    },
    {
      kind: 'organisation',
      source: 'test org',
      attributes: { associateddomain: ['fysio-oost.nl'], o: ['Jansen Fysiotherapie'] },
    },
    // Hidden by an operator: matches every "jan" search, must never be returned.
    person(
      { mail: ['jan.verborgen@ziekenhuis-west.nl'], cn: ['Jan Verborgen'], givenname: ['Jan'], sn: ['Verborgen'] },
      true,
    ),
  ];
  for (let n = 1; n <= BULK_ENTRIES; n++) {
    const number = String(n).padStart(3, '0');
    records.push(person({ mail: [`zv${number}@regio-bulk.nl`], cn: [`Zorgverlener ${number}`], sn: ['Zorgverlener'] }));
  }
  await server.server.services.directory.importRecords(records, { actor: 'test' });
  client = await boundClient(server, balie);
});

after(async () => {
  await client?.unbind().catch(() => {});
  await server?.close();
});

const personDn = (mail: string) => `uid=${mail},${BASE_DN}`;

/** The uid (person) or associatedDomain (organisation) of each entry, sorted. */
function names(entries: readonly Entry[]): string[] {
  return entries.map((entry) => entry.dn.slice(entry.dn.indexOf('=') + 1, entry.dn.indexOf(','))).sort();
}

async function find(filter: string, options: Parameters<Client['search']>[1] = {}): Promise<string[]> {
  const { searchEntries } = await client.search(BASE_DN, { scope: 'sub', filter, ...options });
  return names(searchEntries);
}

const values = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

async function visibleEntries(): Promise<number> {
  return server.server.services.directory.count({ includeHidden: false });
}

// ── Bind (RFC 4511 §4.2, RFC 4513 §5.1) ──────────────────────────────────────────────────────────

test('RFC 4513 §5.1.1: bind with uid=<klantnummer> and with the full DN uid=<klantnummer>,ou=se,dc=zorgmail', async () => {
  for (const name of [
    `uid=${balie.klantnummer}`,
    `uid=${balie.klantnummer},${BASE_DN}`,
    `UID=${balie.klantnummer},OU=SE,DC=ZorgMail`,
  ]) {
    const other = ldapsClient(server);
    try {
      await other.bind(name, balie.key);
      const { searchEntries } = await other.search(BASE_DN, { filter: '(mail=jan.devries@huisarts-noord.nl)' });
      assert.equal(searchEntries.length, 1, name);
    } finally {
      await other.unbind();
    }
  }
});

test('RFC 4511 §4.2.2: a wrong key, an unknown klantnummer and a DN outside the base are invalidCredentials', async () => {
  const attempts: Array<[string, string]> = [
    [`uid=${balie.klantnummer}`, 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg'],
    ['uid=599999999', balie.key],
    [`uid=${balie.klantnummer},ou=elders,dc=zorgmail`, balie.key],
    [`cn=${balie.klantnummer},${BASE_DN}`, balie.key],
  ];
  for (const [name, password] of attempts) {
    const other = ldapsClient(server);
    try {
      await assert.rejects(other.bind(name, password), InvalidCredentialsError, name);
    } finally {
      await other.unbind();
    }
  }
});

test('RFC 4513 §5.1.1–5.1.2: anonymous and unauthenticated binds are refused with invalidCredentials', async () => {
  const other = ldapsClient(server);
  try {
    await assert.rejects(other.bind('', ''), InvalidCredentialsError);
    await assert.rejects(other.bind(`uid=${balie.klantnummer}`, ''), InvalidCredentialsError);
  } finally {
    await other.unbind();
  }
});

test('SPEC R9: a search needs a bind, and a failed bind drops an earlier one (RFC 4511 §4.2.1)', async () => {
  const other = ldapsClient(server);
  try {
    await assert.rejects(other.search(BASE_DN, { filter: '(cn=jan*)' }), InsufficientAccessError);
    await other.bind(`uid=${balie.klantnummer}`, balie.key);
    assert.equal((await other.search(BASE_DN, { filter: '(cn=jan*)' })).searchEntries.length, 4);
    await assert.rejects(other.bind(`uid=${balie.klantnummer}`, 'wrong-key'), InvalidCredentialsError);
    await assert.rejects(other.search(BASE_DN, { filter: '(cn=jan*)' }), InsufficientAccessError);
  } finally {
    await other.unbind();
  }
});

// ── What Outlook and Thunderbird send ─────────────────────────────────────────────────────────────

test('Outlook type-ahead / check names: (&(mail=*)(|(mail=jan*)(|(cn=jan*)(|(sn=jan*)(givenName=jan*)))))', async () => {
  assert.deepEqual(
    await find('(&(mail=*)(|(mail=jan*)(|(cn=jan*)(|(sn=jan*)(givenName=jan*)))))', {
      attributes: ['displayName', 'mail', 'cn', 'sn', 'givenName', 'o', 'title', 'telephoneNumber'],
    }),
    [
      'jan.dekker@ziekenhuis-west.nl',
      'jan.devries@huisarts-noord.nl',
      'jan.muller@apotheek-zuid.nl',
      'k.janssen@apotheek-zuid.nl',
      'p.jansen@huisarts-noord.nl',
    ],
  );
});

test('Thunderbird autocomplete: (|(cn=jan*de*)(mail=jan*de*)(sn=jan*de*))', async () => {
  assert.deepEqual(await find('(|(cn=jan*de*)(mail=jan*de*)(sn=jan*de*))'), [
    'jan.dekker@ziekenhuis-west.nl',
    'jan.devries@huisarts-noord.nl',
  ]);
});

test('Thunderbird address book search: (|(mail=*jan*)(cn=*jan*)(givenName=*jan*)(sn=*jan*)) finds people and organisations', async () => {
  assert.deepEqual(await find('(|(mail=*jan*)(cn=*jan*)(givenName=*jan*)(sn=*jan*))'), [
    'fysio-oost.nl',
    'jan.dekker@ziekenhuis-west.nl',
    'jan.devries@huisarts-noord.nl',
    'jan.muller@apotheek-zuid.nl',
    'k.janssen@apotheek-zuid.nl',
    'marjan.visser@ziekenhuis-west.nl',
    'p.jansen@huisarts-noord.nl',
  ]);
});

test('a hidden entry is never returned: not by filter, scope or base DN', async () => {
  assert.ok(
    !(await find('(objectClass=*)', { paged: { pageSize: 100 } })).includes('jan.verborgen@ziekenhuis-west.nl'),
  );
  assert.deepEqual(await find('(mail=jan.verborgen@ziekenhuis-west.nl)'), []);
  assert.deepEqual(await find('(|(cn=*verborgen*)(sn=verborgen)(sn~=Verborgen)(givenName=jan))'), [
    'jan.dekker@ziekenhuis-west.nl',
    'jan.devries@huisarts-noord.nl',
    'jan.muller@apotheek-zuid.nl',
  ]);
  await assert.rejects(
    client.search(personDn('jan.verborgen@ziekenhuis-west.nl'), { scope: 'base' }),
    NoSuchObjectError,
  );
});

// ── Filter types (RFC 4511 §4.5.1.7, RFC 4515) and matching rules (RFC 4517, RFC 4518) ─────────────

test('RFC 4511 §4.5.1.7.1: equality, case-insensitive (caseIgnoreMatch) in attribute name and value', async () => {
  assert.deepEqual(await find('(mail=JAN.DEVRIES@HUISARTS-NOORD.NL)'), ['jan.devries@huisarts-noord.nl']);
  assert.deepEqual(await find('(CN=jan de vries)'), ['jan.devries@huisarts-noord.nl']);
  assert.deepEqual(
    await find('(commonName=Jan  de   Vries)'),
    ['jan.devries@huisarts-noord.nl'],
    'RFC 4518 §2.6.1: insignificant spaces',
  );
  assert.deepEqual(await find('(CN=JAN*)'), [
    'fysio-oost.nl',
    'jan.dekker@ziekenhuis-west.nl',
    'jan.devries@huisarts-noord.nl',
    'jan.muller@apotheek-zuid.nl',
  ]);
});

test('RFC 4511 §4.5.1.7.2: substrings initial, any and final', async () => {
  assert.deepEqual(await find('(sn=jans*)'), ['k.janssen@apotheek-zuid.nl', 'p.jansen@huisarts-noord.nl']);
  assert.deepEqual(await find('(cn=*vries)'), ['jan.devries@huisarts-noord.nl']);
  assert.deepEqual(await find('(cn=*an*ss*)'), ['k.janssen@apotheek-zuid.nl', 'marjan.visser@ziekenhuis-west.nl']);
  assert.deepEqual(await find('(cn=j*n*d*s)'), ['jan.devries@huisarts-noord.nl']);
  assert.deepEqual(await find('(mail=*@apotheek-zuid.nl)'), [
    'jan.muller@apotheek-zuid.nl',
    'k.janssen@apotheek-zuid.nl',
    'kemal.ozturk@apotheek-zuid.nl',
  ]);
});

test('RFC 4511 §4.5.1.7.3–4: greaterOrEqual and lessOrEqual (caseIgnoreOrderingMatch)', async () => {
  assert.deepEqual(await find('(&(sn>=jan)(sn<=jb))'), ['k.janssen@apotheek-zuid.nl', 'p.jansen@huisarts-noord.nl']);
  assert.deepEqual(await find('(&(objectClass=person)(sn<=BAKKER))'), ['anna.bakker@ziekenhuis-west.nl']);
});

test('RFC 4511 §4.5.1.7.5: present', async () => {
  assert.deepEqual(await find('(title=*)'), ['jan.devries@huisarts-noord.nl', 'kemal.ozturk@apotheek-zuid.nl']);
  assert.deepEqual(await find('(&(associatedDomain=*)(o=*)(!(mail=*)))'), [
    'apotheek-zuid.nl',
    'fysio-oost.nl',
    'huisarts-noord.nl',
    'ziekenhuis-west.nl',
  ]);
});

test('RFC 4511 §4.5.1.7.6: approxMatch finds "Müller" for "Mueller" and "Muller"', async () => {
  assert.deepEqual(await find('(sn~=Mueller)'), ['jan.muller@apotheek-zuid.nl']);
  assert.deepEqual(await find('(cn~=jan muller)'), ['jan.muller@apotheek-zuid.nl']);
  assert.deepEqual(await find('(sn~=Oeztuerk)'), ['kemal.ozturk@apotheek-zuid.nl']);
});

test('diacritic-insensitive matching: "Muller" finds Müller, "ozturk" finds Öztürk (SPEC R9)', async () => {
  assert.deepEqual(await find('(sn=muller)'), ['jan.muller@apotheek-zuid.nl']);
  assert.deepEqual(await find('(sn=MÜLLER)'), ['jan.muller@apotheek-zuid.nl']);
  assert.deepEqual(await find('(cn=*ozturk*)'), ['kemal.ozturk@apotheek-zuid.nl']);
  assert.deepEqual(await find('(givenName=kemal)'), ['kemal.ozturk@apotheek-zuid.nl']);
  // The value comes back as stored, diacritics and all.
  const { searchEntries } = await client.search(BASE_DN, { filter: '(cn=*ozturk*)', attributes: ['cn', 'sn'] });
  assert.equal(searchEntries[0]!.cn, 'Kemal Öztürk');
  assert.equal(searchEntries[0]!.sn, 'Öztürk');
});

test('RFC 4517 §4.2.29 / RFC 4518 §2.6.1: telephone numbers match ignoring spaces and hyphens', async () => {
  assert.deepEqual(await find('(telephoneNumber=+31201234567)'), ['jan.devries@huisarts-noord.nl']);
  assert.deepEqual(await find('(telephoneNumber=+31-20-123 45 67)'), ['jan.devries@huisarts-noord.nl']);
  assert.deepEqual(await find('(telephoneNumber=*123 45*)'), ['jan.devries@huisarts-noord.nl']);
  assert.deepEqual(await find('(telephoneNumber=+31 20 999 9999)'), []);
});

test('RFC 4511 §4.5.1.7: and, or, not, nested', async () => {
  assert.deepEqual(await find('(&(sn=jans*)(!(sn=janssen)))'), ['p.jansen@huisarts-noord.nl']);
  assert.deepEqual(await find('(|(&(givenName=jan)(sn=m*))(&(l=amsterdam)(title=huisarts)))'), [
    'jan.devries@huisarts-noord.nl',
    'jan.muller@apotheek-zuid.nl',
  ]);
  assert.deepEqual(await find('(&(|(givenName=jan)(givenName=kemal))(!(|(sn=de vries)(sn=dekker))))'), [
    'jan.muller@apotheek-zuid.nl',
    'kemal.ozturk@apotheek-zuid.nl',
  ]);
  // An attribute the directory does not know is Undefined (RFC 4511 §4.5.1.7): NOT keeps it Undefined.
  assert.deepEqual(await find('(noSuchAttribute=jan)'), []);
  assert.deepEqual(await find('(&(cn=jan*)(!(noSuchAttribute=x)))'), []);
});

// ── Attribute selection (RFC 4511 §4.5.1.8) ──────────────────────────────────────────────────────

test('RFC 4511 §4.5.1.8: attributes come back under the name the client asked for', async () => {
  const one = async (attributes: string[], returnAttributeValues = true) => {
    const { searchEntries } = await client.search(BASE_DN, {
      filter: '(mail=jan.devries@huisarts-noord.nl)',
      attributes,
      returnAttributeValues,
    });
    assert.equal(searchEntries.length, 1);
    return searchEntries[0]!;
  };
  assert.deepEqual(await one(['displayName']), {
    dn: personDn('jan.devries@huisarts-noord.nl'),
    displayName: 'Jan de Vries',
  });
  assert.deepEqual(await one(['DISPLAYNAME']), {
    dn: personDn('jan.devries@huisarts-noord.nl'),
    DISPLAYNAME: 'Jan de Vries',
  });
  assert.deepEqual(await one(['commonName']), {
    dn: personDn('jan.devries@huisarts-noord.nl'),
    commonName: 'Jan de Vries',
  });
  const several = await one(['mail', 'CN', 'givenname', 'surname', 'telephoneNumber', 'noSuchAttribute']);
  assert.deepEqual(
    Object.keys(several).filter((key) => key !== 'noSuchAttribute'),
    ['dn', 'CN', 'givenname', 'surname', 'mail', 'telephoneNumber'],
  );
  assert.deepEqual(several.noSuchAttribute, [], 'ldapts fills in requested attributes the server did not send');
  assert.equal(several.telephoneNumber, '+31 20-123 4567');
  // "1.1": no attributes at all (ldapts adds an empty "1.1" key for the name it asked for).
  assert.deepEqual(await one(['1.1']), { dn: personDn('jan.devries@huisarts-noord.nl'), '1.1': [] });
  // ldapts also adds an empty key for each requested name the server did not send, "*" included.
  const keys = (entry: Entry) => Object.keys(entry).filter((key) => key !== '*');
  const all = await one(['*']);
  for (const name of [
    'objectClass',
    'uid',
    'cn',
    'displayName',
    'givenName',
    'sn',
    'mail',
    'o',
    'title',
    'l',
    'telephoneNumber',
  ]) {
    assert.ok(name in all, `"*" returns ${name}`);
  }
  assert.deepEqual(values(all.objectClass), [
    'top',
    'person',
    'organizationalPerson',
    'inetOrgPerson',
    'zorgpostPerson',
  ]);
  assert.deepEqual(keys(await one([])), keys(all), 'an empty list means all user attributes');
  // typesOnly: every type, no values.
  const types = await one(['*'], false);
  assert.deepEqual(keys(types), keys(all));
  for (const key of keys(types)) if (key !== 'dn') assert.deepEqual(types[key], [], key);
});

test('RFC 4511 §4.5.1.8: typesOnly and "1.1" on the wire: types without values, no attributes', async () => {
  const ldap = await LdapWire.bound(server, balie);
  try {
    ldap.send(
      searchPdu(2, {
        filter: '(mail=jan.devries@huisarts-noord.nl)',
        attributes: ['displayName', 'MAIL'],
        typesOnly: true,
      }),
    );
    const typesOnly = await ldap.result(2);
    assert.deepEqual(typesOnly.entries[0]!.attributes, [
      { type: 'displayName', values: [] },
      { type: 'MAIL', values: [] },
    ]);
    ldap.send(searchPdu(3, { filter: '(mail=jan.devries@huisarts-noord.nl)', attributes: ['1.1'] }));
    const none = await ldap.result(3);
    assert.equal(none.entries.length, 1);
    assert.deepEqual(none.entries[0]!.attributes, []);
  } finally {
    ldap.destroy();
  }
});

// ── Scopes and base DNs (RFC 4511 §4.5.1.1–2) ────────────────────────────────────────────────────

test('RFC 4511 §4.5.1.2: base, one and sub on the container ou=se,dc=zorgmail', async () => {
  const visible = await visibleEntries();
  const base = await client.search(BASE_DN, { scope: 'base' });
  assert.deepEqual(
    base.searchEntries.map((e) => e.dn),
    [BASE_DN],
  );
  assert.deepEqual(values(base.searchEntries[0]!.objectClass), ['top', 'organizationalUnit']);
  assert.equal(base.searchEntries[0]!.ou, 'se');
  const one = await client.search(BASE_DN, { scope: 'one', paged: { pageSize: 100 }, attributes: ['1.1'] });
  assert.equal(one.searchEntries.length, visible);
  assert.ok(!one.searchEntries.some((e) => e.dn === BASE_DN), 'one level leaves out the base entry');
  const sub = await client.search(BASE_DN, { scope: 'sub', paged: { pageSize: 100 }, attributes: ['1.1'] });
  assert.equal(sub.searchEntries.length, visible + 1);
  assert.equal(sub.searchEntries[0]!.dn, BASE_DN);
  // DNs compare case-insensitively (RFC 4514 §2, caseIgnoreMatch on the RDN values).
  const shouting = await client.search('OU=SE,DC=ZorgMail', { scope: 'base' });
  assert.equal(shouting.searchEntries.length, 1);
});

test('RFC 4511 §4.5.1.2: base, one and sub on a person and an organisation', async () => {
  const dn = personDn('jan.devries@huisarts-noord.nl');
  const base = await client.search(dn, { scope: 'base', attributes: ['cn'] });
  assert.deepEqual(base.searchEntries, [{ dn, cn: 'Jan de Vries' }]);
  assert.equal((await client.search(dn, { scope: 'one' })).searchEntries.length, 0);
  assert.equal((await client.search(dn, { scope: 'sub' })).searchEntries.length, 1);
  assert.equal((await client.search(dn, { scope: 'base', filter: '(cn=piet*)' })).searchEntries.length, 0);
  const org = await client.search(`associatedDomain=ziekenhuis-west.nl,${BASE_DN}`, {
    scope: 'base',
    attributes: ['o'],
  });
  assert.deepEqual(names(org.searchEntries), ['ziekenhuis-west.nl']);
  assert.equal(org.searchEntries[0]!.o, 'Ziekenhuis West');
});

test('RFC 4511 §4.5.1.1: a base that does not exist is noSuchObject', async () => {
  for (const base of [
    'ou=elders,dc=zorgmail',
    'dc=zorgmail',
    `uid=niemand@nergens.nl,${BASE_DN}`,
    `associatedDomain=nergens.nl,${BASE_DN}`,
    `cn=Jan de Vries,${BASE_DN}`,
  ]) {
    for (const scope of ['base', 'one', 'sub'] as const) {
      await assert.rejects(client.search(base, { scope }), NoSuchObjectError, `${scope} ${base}`);
    }
  }
});

// ── Size limits and paged results ────────────────────────────────────────────────────────────────

test('RFC 4511 §4.5.1.4: sizeLimit N returns exactly N entries, then sizeLimitExceeded', async () => {
  // ldapts accepts sizeLimitExceeded as a normal end when the request set a sizeLimit.
  const { searchEntries } = await client.search(BASE_DN, { filter: '(sn=zorgverlener)', sizeLimit: 5 });
  assert.equal(searchEntries.length, 5);
  assert.equal((await client.search(BASE_DN, { filter: '(cn=jan*)', sizeLimit: 10 })).searchEntries.length, 4);
  const ldap = await LdapWire.bound(server, balie);
  try {
    ldap.send(searchPdu(2, { filter: '(sn=zorgverlener)', sizeLimit: 5, attributes: ['1.1'] }));
    const limited = await ldap.result(2);
    assert.equal(limited.entries.length, 5);
    assert.equal(limited.done.resultCode, ResultCode.sizeLimitExceeded);
    // Exactly as many as match: not exceeded.
    ldap.send(searchPdu(3, { filter: '(cn=jan*)', sizeLimit: 4, attributes: ['1.1'] }));
    const exact = await ldap.result(3);
    assert.equal(exact.entries.length, 4);
    assert.equal(exact.done.resultCode, ResultCode.success);
  } finally {
    ldap.destroy();
  }
});

test('the server caps an unpaged search at ldap.maxSizeLimit; paging gets everything', async () => {
  await assert.rejects(client.search(BASE_DN, { filter: '(objectClass=*)' }), SizeLimitExceededError);
  await assert.rejects(client.search(BASE_DN, { filter: '(objectClass=*)', sizeLimit: 0 }), SizeLimitExceededError);
  const ldap = await LdapWire.bound(server, balie);
  try {
    for (const [id, sizeLimit] of [
      [2, 0],
      [3, MAX_SIZE_LIMIT * 4],
    ] as const) {
      ldap.send(searchPdu(id, { filter: '(objectClass=*)', sizeLimit, attributes: ['1.1'] }));
      const { entries, done } = await ldap.result(id);
      assert.equal(entries.length, MAX_SIZE_LIMIT);
      assert.equal(done.resultCode, ResultCode.sizeLimitExceeded);
      assert.match(done.diagnosticMessage!, /paged results/);
    }
  } finally {
    ldap.destroy();
  }
  const visible = await visibleEntries();
  const paged = await client.search(BASE_DN, { filter: '(objectClass=*)', paged: { pageSize: MAX_SIZE_LIMIT * 2 } });
  assert.equal(paged.searchEntries.length, visible + 1);
  // Pages larger than the cap come back in pieces no larger than it.
  let total = 0;
  for await (const page of client.searchPaginated(BASE_DN, {
    filter: '(objectClass=*)',
    paged: { pageSize: MAX_SIZE_LIMIT * 2 },
    attributes: ['1.1'],
  })) {
    assert.ok(page.searchEntries.length <= MAX_SIZE_LIMIT, `page of ${page.searchEntries.length}`);
    total += page.searchEntries.length;
  }
  assert.equal(total, visible + 1);
});

test('RFC 2696 §3: a paged search with pageSize 7 returns every entry exactly once', async () => {
  const visible = await visibleEntries();
  assert.ok(visible > BULK_ENTRIES);
  const { searchEntries } = await client.search(BASE_DN, {
    scope: 'sub',
    filter: '(objectClass=*)',
    paged: { pageSize: 7 },
    attributes: ['mail'],
  });
  const dns = searchEntries.map((e) => e.dn.toLowerCase());
  assert.equal(dns.length, visible + 1);
  assert.equal(new Set(dns).size, dns.length, 'no entry twice');
  for (let n = 1; n <= BULK_ENTRIES; n++)
    assert.ok(dns.includes(personDn(`zv${String(n).padStart(3, '0')}@regio-bulk.nl`)), `entry ${n}`);
  assert.ok(!dns.includes(personDn('jan.verborgen@ziekenhuis-west.nl')));
  // Every page but the last is full.
  const sizes: number[] = [];
  for await (const page of client.searchPaginated(BASE_DN, {
    filter: '(sn=zorgverlener)',
    paged: { pageSize: 7 },
    attributes: ['1.1'],
  })) {
    sizes.push(page.searchEntries.length);
  }
  assert.equal(
    sizes.reduce((a, b) => a + b, 0),
    BULK_ENTRIES,
  );
  assert.ok(
    sizes.slice(0, -1).every((size) => size === 7),
    JSON.stringify(sizes),
  );
  // sizeLimit still counts over all pages (RFC 2696 §3: the search's own limits apply).
  const limited = await client.search(BASE_DN, { filter: '(sn=zorgverlener)', paged: { pageSize: 7 }, sizeLimit: 20 });
  assert.equal(limited.searchEntries.length, 20);
});

test('RFC 2696 §3: a forged cookie, or one from another search, is refused', async () => {
  const forged = new RawControl(OID.pagedResults, { value: pagedResultsValue(7, randomBytes(24)) });
  await assert.rejects(client.search(BASE_DN, { filter: '(objectClass=*)' }, forged), UnwillingToPerformError);
  const ldap = await LdapWire.bound(server, balie);
  try {
    const paged = (cookie?: Buffer) => [{ type: OID.pagedResults, value: pagedResultsValue(7, cookie) }];
    ldap.send(searchPdu(2, { filter: '(sn=zorgverlener)', attributes: ['1.1'] }, paged()));
    const first = await ldap.result(2);
    assert.equal(first.entries.length, 7);
    const control = first.done.controls.find((c) => c.type === OID.pagedResults)!;
    const cookie = readCookie(control.value!);
    assert.ok(cookie.length > 0);
    // The same cookie with another filter, scope or base: refused.
    for (const [id, other] of [
      [3, { filter: '(objectClass=*)' }],
      [4, { filter: '(sn=zorgverlener)', scope: 1 }],
      [5, { filter: '(sn=zorgverlener)', sizeLimit: 9 }],
    ] as const) {
      ldap.send(searchPdu(id, { ...other, attributes: ['1.1'] }, paged(cookie)));
      const refused = await ldap.result(id);
      assert.equal(refused.entries.length, 0);
      assert.equal(refused.done.resultCode, ResultCode.unwillingToPerform, JSON.stringify(other));
    }
    // A flipped bit in a real cookie: refused too.
    const tampered = Buffer.from(cookie);
    tampered[3]! ^= 0x01;
    ldap.send(searchPdu(6, { filter: '(sn=zorgverlener)', attributes: ['1.1'] }, paged(tampered)));
    assert.equal((await ldap.result(6)).done.resultCode, ResultCode.unwillingToPerform);
    // The genuine cookie with the same search continues where the first page stopped.
    ldap.send(searchPdu(7, { filter: '(sn=zorgverlener)', attributes: ['1.1'] }, paged(cookie)));
    const second = await ldap.result(7);
    assert.equal(second.done.resultCode, ResultCode.success);
    assert.equal(second.entries.length, 7);
    const firstDns = new Set(first.entries.map((e) => e.dn));
    assert.ok(second.entries.every((e) => !firstDns.has(e.dn)));
  } finally {
    ldap.destroy();
  }
});

/** The cookie of a paged results control value (RFC 2696 §2: SEQUENCE { size, cookie }). */
function readCookie(value: Buffer): Buffer {
  // 30 len 02 len size... 04 len cookie — short forms only (our cookies are small).
  assert.equal(value[0], 0x30);
  const sizeLength = value[3]!;
  const at = 4 + sizeLength;
  assert.equal(value[at], 0x04);
  return value.subarray(at + 2, at + 2 + value[at + 1]!);
}

// ── Root DSE, whoami, read-only, controls, unbind ────────────────────────────────────────────────

test('RFC 4512 §5.1: the root DSE names the naming context and the paged results control', async () => {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['namingContexts', 'supportedControl', 'supportedLDAPVersion', 'supportedExtension'],
  });
  assert.equal(searchEntries.length, 1);
  const dse = searchEntries[0]!;
  assert.equal(dse.dn, '');
  assert.deepEqual(values(dse.namingContexts), [BASE_DN]);
  assert.ok(values(dse.supportedControl).includes('1.2.840.113556.1.4.319'));
  assert.deepEqual(values(dse.supportedLDAPVersion), ['3']);
  assert.ok(values(dse.supportedExtension).includes('1.3.6.1.4.1.4203.1.11.3'));
  // "+" (all operational attributes) returns them too; a one-level search of the root DSE finds nothing.
  const plus = await client.search('', { scope: 'base', attributes: ['+'] });
  assert.deepEqual(values(plus.searchEntries[0]!.namingContexts), [BASE_DN]);
  assert.equal((await client.search('', { scope: 'one' })).searchEntries.length, 0);
});

test('RFC 4532 §2: whoami answers dn:uid=<klantnummer>,ou=se,dc=zorgmail', async () => {
  const result = await client.exop('1.3.6.1.4.1.4203.1.11.3');
  assert.equal(result.value, `dn:uid=${balie.klantnummer},${BASE_DN}`);
});

test('SPEC R9: modify, add, delete, modify DN and compare are unwillingToPerform; nothing changes', async () => {
  const dn = personDn('jan.devries@huisarts-noord.nl');
  const change = new Change({
    operation: 'replace',
    modification: new Attribute({ type: 'title', values: ['Tandarts'] }),
  });
  await assert.rejects(client.modify(dn, change), UnwillingToPerformError);
  await assert.rejects(
    client.add(personDn('nieuw@huisarts-noord.nl'), { objectClass: ['person'], cn: 'Nieuw', sn: 'Nieuw' }),
    UnwillingToPerformError,
  );
  await assert.rejects(client.del(dn), UnwillingToPerformError);
  await assert.rejects(client.modifyDN(dn, 'uid=ander@huisarts-noord.nl'), UnwillingToPerformError);
  await assert.rejects(client.compare(dn, 'cn', 'Jan de Vries'), UnwillingToPerformError);
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['title'] });
  assert.equal(searchEntries[0]!.title, 'Huisarts');
  assert.deepEqual(await find('(mail=nieuw@huisarts-noord.nl)'), []);
});

test('RFC 4511 §4.1.11: an unknown critical control is unavailableCriticalExtension (12); a non-critical one is ignored', async () => {
  const critical = new RawControl('1.3.6.1.4.1.99999.1', { critical: true, value: Buffer.from('x') });
  const optional = new RawControl('1.3.6.1.4.1.99999.1', { critical: false, value: Buffer.from('x') });
  const error = await client.search(BASE_DN, { filter: '(cn=jan*)' }, critical).then(
    () => assert.fail('search with an unknown critical control succeeded'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UnavailableCriticalExtensionError, String(error));
  assert.equal(error.code, 12);
  assert.equal((await client.search(BASE_DN, { filter: '(cn=jan*)' }, optional)).searchEntries.length, 4);
  // Server-side sort (RFC 2891) is not supported: critical, it fails the search; not critical, it is ignored.
  const sort = (isCritical: boolean) =>
    new RawControl('1.2.840.113556.1.4.473', { critical: isCritical, value: Buffer.from('3005300304016e', 'hex') });
  await assert.rejects(client.search(BASE_DN, { filter: '(cn=jan*)' }, sort(true)), UnavailableCriticalExtensionError);
  assert.equal((await client.search(BASE_DN, { filter: '(cn=jan*)' }, sort(false))).searchEntries.length, 4);
});

test('RFC 4511 §4.1.11: the rule holds for bind and extended operations too', async () => {
  const critical = new RawControl('1.3.6.1.4.1.99999.2', { critical: true });
  const optional = new RawControl('1.3.6.1.4.1.99999.2', { critical: false });
  const other = ldapsClient(server);
  try {
    await assert.rejects(
      other.bind(`uid=${balie.klantnummer}`, balie.key, critical),
      UnavailableCriticalExtensionError,
    );
    // The refused bind did not authenticate the connection.
    await assert.rejects(other.search(BASE_DN, { filter: '(cn=jan*)' }), InsufficientAccessError);
    await other.bind(`uid=${balie.klantnummer}`, balie.key, optional);
    await assert.rejects(other.exop('1.3.6.1.4.1.4203.1.11.3', undefined, critical), UnavailableCriticalExtensionError);
    assert.equal(
      (await other.exop('1.3.6.1.4.1.4203.1.11.3', undefined, optional)).value,
      `dn:uid=${balie.klantnummer},${BASE_DN}`,
    );
  } finally {
    await other.unbind();
  }
});

test('RFC 4511 §4.3: unbind ends the session; the server closes the connection without a response', async () => {
  const other = await boundClient(server, balie);
  await withTimeout(other.unbind(), PROMPTLY_MS, 'ldapts unbind');
  assert.equal(other.isConnected, false);
  const ldap = await LdapWire.bound(server, balie);
  ldap.send(unbindPdu(2));
  await ldap.waitClosed(PROMPTLY_MS);
  assert.equal(ldap.wire.takeBuffered().length, 0, 'no response to an unbind');
});

// ── Hosted Mail Key revocation (SPEC R3) ──────────────────────────────────────────────────────────

test('SPEC R3: a new Hosted Mail Key disconnects LDAP sessions of the old key within 2 s; the old key no longer binds', async () => {
  const oldKey = sleutel.key;
  const session = await boundClient(server, sleutel);
  assert.equal((await session.search(BASE_DN, { filter: '(cn=jan*)' })).searchEntries.length, 4);
  const raw = await LdapWire.bound(server, sleutel);
  const bystander = await boundClient(server, balie);
  const mailbox = (await server.server.services.identity.findMailbox(sleutel.klantnummer))!;
  const started = Date.now();
  const { key: newKey } = await server.server.services.identity.generateHostedMailKey(mailbox, { actor: 'test' });
  // RFC 4511 §4.4.1: a notice of disconnection (strongerAuthRequired: the credentials are gone), then close.
  const notice = await raw.read(PROMPTLY_MS);
  assert.equal(notice.messageId, 0);
  assert.equal(notice.op, Op.extendedResponse);
  assert.equal(notice.responseName, NOTICE_OF_DISCONNECTION);
  assert.equal(notice.resultCode, 8);
  await raw.waitClosed(PROMPTLY_MS);
  await waitFor(() => !session.isConnected, PROMPTLY_MS, 'the ldapts session to be disconnected');
  assert.ok(Date.now() - started < PROMPTLY_MS);
  // Another mailbox's session is untouched.
  assert.equal((await bystander.search(BASE_DN, { filter: '(cn=jan*)' })).searchEntries.length, 4);
  await bystander.unbind();
  const retry = ldapsClient(server);
  try {
    await assert.rejects(retry.bind(`uid=${sleutel.klantnummer}`, oldKey), InvalidCredentialsError);
    await retry.bind(`uid=${sleutel.klantnummer}`, newKey);
    assert.equal((await retry.search(BASE_DN, { filter: '(cn=jan*)' })).searchEntries.length, 4);
  } finally {
    await retry.unbind();
    await session.unbind();
  }
});
