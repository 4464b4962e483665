import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatDirectoryCsv,
  formatDirectoryLdif,
  parseDirectoryCsv,
  parseDirectoryLdif,
  readLdif,
} from '../../src/directory/import-formats.ts';
import { ldifLine } from '../../src/directory/ldif-format.ts';
import { ORGANISATION_OBJECT_CLASSES, PERSON_OBJECT_CLASSES } from '../../src/directory/schema.ts';
import type { DirectoryEntry, DirectoryImportRecord } from '../../src/directory/types.ts';

const entries: DirectoryEntry[] = [
  {
    id: 1,
    dn: 'uid=500000001,ou=se,dc=zorgmail',
    kind: 'person',
    hidden: false,
    mailboxId: 1,
    attributes: [
      ['objectClass', PERSON_OBJECT_CLASSES],
      ['uid', ['500000001']],
      ['cn', ['Jürgen Müller']],
      ['displayName', ['‘Dr. Ĳsselmeer’, huisarts']],
      ['givenName', ['Jürgen']],
      ['sn', ['Müller']],
      ['mail', ['j.muller@praktijk-utrecht.nl']],
      ['o', ['Huisartsenpraktijk "De Linde", Ütrecht']],
      ['telephoneNumber', ['+31 30 123 4567', '030-7654321']],
      ['l', ['Ütrecht']],
      ['postalAddress', ['Oudegracht 1$3511 AA Ütrecht']],
      ['specialism', ['huisarts', 'sportgeneeskunde; echografie']],
    ],
  },
  {
    id: 2,
    dn: 'associatedDomain=praktijk-utrecht.nl,ou=se,dc=zorgmail',
    kind: 'organisation',
    hidden: true,
    mailboxId: null,
    attributes: [
      ['objectClass', ORGANISATION_OBJECT_CLASSES],
      ['cn', [':-) Praktijk <Ütrecht> with a name long enough to need folding at seventy-six columns']],
      ['associatedDomain', ['praktijk-utrecht.nl']],
      ['mail', ['info@praktijk-utrecht.nl']],
      ['agbCode', ['01234567']],
    ],
  },
];

/** What importing an export of `entries` must give: the attributes an import can set, lower-cased. */
const expected = (hidden: (entry: DirectoryEntry) => boolean | undefined) =>
  entries.map((entry) => {
    const attributes = Object.fromEntries(
      entry.attributes
        .filter(([name]) => name !== 'objectClass' && name !== 'uid')
        .map(([name, values]) => [name.toLowerCase(), [...values]]),
    );
    const flag = hidden(entry);
    return flag === undefined ? { kind: entry.kind, attributes } : { kind: entry.kind, attributes, hidden: flag };
  });
const withoutSource = (records: DirectoryImportRecord[]) => records.map(({ source: _source, ...rest }) => rest);

describe('directory CSV', () => {
  it('round-trips diacritics, multi-valued cells, commas and quotes', () => {
    const csv = formatDirectoryCsv(entries);
    assert.ok(csv.startsWith('\uFEFFkind,hidden,cn,displayName,'));
    const { records, errors } = parseDirectoryCsv(csv);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      withoutSource(records),
      expected((entry) => entry.hidden),
    );
    assert.deepEqual(
      records.map((r) => r.source),
      ['line 2', 'line 3'],
    );
  });

  it('reads a semicolon-separated Dutch Excel export with friendly column names', () => {
    const csv =
      '\uFEFFNaam;E-mailadres;Organisatie;Telefoon;Adres;Soort;Verborgen;Domein\r\n' +
      'Anna de Vries;A.deVries@Zorg.NL;Zorg B.V.;+31 20 1 | 06-12345678;"Dam 1\r\n1012 JS Amsterdam";persoon;ja;\r\n' +
      'Zorg B.V.;;;;;organisatie;nee;Zorg.NL\r\n' +
      ';;;;;;;\r\n';
    const { records, errors } = parseDirectoryCsv(csv);
    assert.deepEqual(errors, []);
    assert.deepEqual(records, [
      {
        kind: 'person',
        source: 'line 2',
        hidden: true,
        attributes: {
          cn: ['Anna de Vries'],
          mail: ['a.devries@zorg.nl'],
          o: ['Zorg B.V.'],
          telephonenumber: ['+31 20 1', '06-12345678'],
          postaladdress: ['Dam 1$1012 JS Amsterdam'],
        },
      },
      {
        kind: 'organisation',
        source: 'line 4',
        hidden: false,
        attributes: { cn: ['Zorg B.V.'], associateddomain: ['zorg.nl'] },
      },
    ]);
  });

  it('reports every problem with its line number', () => {
    const csv = [
      'name,email,uid,Favourite colour,department,kind,hidden,domain,',
      'No Mail,,,,,,,,',
      'Bad Mail,not-an-address,,,,,,,',
      'Two Mails,a@x.nl | b@x.nl,,,,,,,',
      'Org Dept,,,,Cardiologie,organisation,,x.nl,',
      'Bad Kind,c@x.nl,,,,robot,,,',
      'Bad Hidden,d@x.nl,,,,,maybe,,',
      'Stray,e@x.nl,,,,,,,oops',
      'Bad Domain,,,,,organisatie,,not a domain,',
      'Person Domain,f@x.nl,,,,,,x.nl,',
      '"Multi',
      'line",g@x.nl,,,,person,yes,,',
      'Fine,h@x.nl,,,,,,,',
    ].join('\n');
    const { records, errors } = parseDirectoryCsv(csv);
    const expectations = [
      /^line 1: column "uid": "uid" is set by the server/,
      /^line 1: column "Favourite colour": unknown attribute "Favourite colour" \(known: cn, displayName/,
      /^line 2: a person needs a mail address/,
      /^line 3: mail "not-an-address" is not a valid mail address/,
      /^line 4: a person has exactly one mail address \(mail\); found 2/,
      /^line 5: ou does not apply to an organisation/,
      /^line 6: kind "robot" is not person or organisation/,
      /^line 7: hidden "maybe" is not yes or no/,
      /^line 8: value "oops" in column 9, which has no name in the header/,
      /^line 9: associatedDomain "not a domain" is not a valid domain/,
      /^line 10: associatedDomain does not apply to a person/,
      /^line 11: cn contains a line break/,
    ];
    assert.equal(errors.length, expectations.length, errors.join('\n'));
    expectations.forEach((pattern, index) => assert.match(errors[index]!, pattern));
    assert.deepEqual(
      records.map((r) => r.source),
      ['line 13'],
    );
  });

  it('reports duplicate columns, CSV syntax errors and empty files', () => {
    assert.deepEqual(parseDirectoryCsv('mail,E-mail\na@x.nl,b@x.nl\n').errors, [
      'line 1: columns "mail" and "E-mail" name the same attribute',
    ]);
    const unclosed = parseDirectoryCsv('cn,mail\nA,a@x.nl\n"B,b@x.nl\n');
    assert.equal(unclosed.errors.length, 1);
    assert.match(unclosed.errors[0]!, /^line \d+: .*[Qq]uote/);
    assert.deepEqual(parseDirectoryCsv('\uFEFF').errors, ['the file is empty; its first line must name the columns']);
  });

  it('parses a 100,000-row file', (t) => {
    const rows = ['naam,e-mailadres,organisatie,plaats,telefoon'];
    for (let i = 0; i < 100_000; i++)
      rows.push(`Medewerker ${i},m${i}@zorg${i % 100}.nl,"Zorg ${i % 100}, Ütrecht",Ütrecht,+31 30 ${i}`);
    const started = performance.now();
    const { records, errors } = parseDirectoryCsv(rows.join('\r\n'));
    t.diagnostic(`100,000 rows in ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(errors, []);
    assert.equal(records.length, 100_000);
    assert.equal(records.at(-1)!.source, 'line 100001');
  });
});

// RFC 2849 §3, example 2 (folded description, no space after the colons) and example 3 (base64).
const RFC_EXAMPLE_2 = `version: 1
dn:cn=Barbara Jensen, ou=Product Development, dc=airius, dc=com
objectclass:top
objectclass:person
objectclass:organizationalPerson
cn:Barbara Jensen
cn:Barbara J Jensen
cn:Babs Jensen
sn:Jensen
uid:bjensen
telephonenumber:+1 408 555 1212
description:Babs is a big sailing fan, and travels extensively in sea
 rch of perfect sailing conditions.
title:Product Manager, Rod and Reel Division
`;
const RFC_DESCRIPTION_BASE64 =
  'V2hhdCBhIGNhcmVmdWwgcmVhZGVyIHlvdSBhcmUhICBUaGlzIHZhbHVlIGlzIGJhc2UtNjQtZW5jb2RlZCBiZWNhdXNlIGl0IGhhcyBhIGNvbnRyb2wgY2hhcmFjdGVyIGluIGl0IChhIENSKS4NICBCeSB0aGUgd2F5LCB5b3Ugc2hvdWxkIHJlYWxseSBnZXQgb3V0IG1vcmUu';
const RFC_DESCRIPTION =
  'What a careful reader you are!  This value is base-64-encoded because it has a control character in it (a CR).\r  By the way, you should really get out more.';
const RFC_EXAMPLE_3 = `version: 1
dn: cn=Gern Jensen, ou=Product Testing, dc=airius, dc=com
objectclass: top
cn: Gern Jensen
description:: V2hhdCBhIGNhcmVmdWwgcmVhZGVyIHlvdSBhcmUhICBUaGlzIHZhbHVlIGlzIGJhc2UtNjQtZW5jb2RlZCBiZWNhdXNlIGl0IGhhcyBhIGNvbnRyb2wgY2hhcmFjdGVyIGluIGl0IChhIENSKS4NICBCeSB0aGUgd2F5LCB5b3Ugc2hvdWxkIHJlYWxseSBnZXQgb3V0IG1vcmUu
`;

describe('directory LDIF', () => {
  it('round-trips diacritics, multi-valued attributes and hidden entries', () => {
    const ldif = formatDirectoryLdif(entries);
    for (const line of ldif.split('\n')) assert.ok(line.length <= 76, line);
    assert.match(ldif, /^version: 1\n\ndn: uid=500000001,ou=se,dc=zorgmail\nobjectClass: top\n/);
    assert.match(ldif, /\ncn:: SsO8cmdlbiBNw7xsbGVy\n/); // "Jürgen Müller" is not ASCII
    assert.match(ldif, /\ncn:: /); // ":-) …" starts with a colon
    assert.match(ldif, /\nzorgpostHidden: TRUE\n$/);
    const { records, errors } = parseDirectoryLdif(ldif);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      withoutSource(records),
      expected((entry) => (entry.hidden ? true : undefined)),
    );
    assert.deepEqual(
      records.map((r) => r.source),
      ['entry 1 (line 3)', 'entry 2 (line 23)'],
    );
  });

  it('reads RFC 2849 example 2: folded lines, no space after the colon', () => {
    const { entries: read, errors } = readLdif(RFC_EXAMPLE_2);
    assert.deepEqual(errors, []);
    assert.equal(read[0]!.dn, 'cn=Barbara Jensen, ou=Product Development, dc=airius, dc=com');
    assert.deepEqual(
      read[0]!.attributes.find((a) => a.name === 'description'),
      {
        name: 'description',
        value: 'Babs is a big sailing fan, and travels extensively in search of perfect sailing conditions.',
        line: 12,
      },
    );
    // As a directory import, only description is not ours; uid and objectclass are the server's.
    const imported = parseDirectoryLdif(RFC_EXAMPLE_2).errors;
    assert.equal(imported.length, 2, imported.join('\n'));
    assert.match(imported[0]!, /^entry 1 \(line 2\), line 12: unknown attribute "description"/);
    assert.match(imported[1]!, /^entry 1 \(line 2\): a person needs a mail address/);
  });

  it('reads RFC 2849 example 3 and 4: base64 values and a base64 UTF-8 dn', () => {
    const { entries: read, errors } = readLdif(RFC_EXAMPLE_3);
    assert.deepEqual(errors, []);
    assert.equal(read[0]!.attributes.find((a) => a.name === 'description')!.value, RFC_DESCRIPTION);
    const japanese = readLdif(
      'dn:: b3U95Za25qWt6YOoLG89QWlyaXVz\n# dn:: ou=<JapaneseOU>,o=Airius\nou:: 5Za25qWt6YOo\n',
    );
    assert.deepEqual(japanese.errors, []);
    assert.equal(japanese.entries[0]!.dn, 'ou=営業部,o=Airius');
    assert.equal(japanese.entries[0]!.attributes[0]!.value, '営業部');
  });

  it('writes base64 and folds at 76 columns as RFC 2849 does', () => {
    const line = ldifLine('description', RFC_DESCRIPTION);
    const physical = line.split('\n');
    assert.ok(physical.every((l) => l.length <= 76));
    assert.equal(physical[0]!.length, 76);
    assert.ok(physical.slice(1).every((l) => l.startsWith(' ') && !l.startsWith('  ')));
    assert.equal(line.replaceAll('\n ', ''), `description:: ${RFC_DESCRIPTION_BASE64}`);
    assert.equal(ldifLine('cn', 'Babs Jensen'), 'cn: Babs Jensen');
    assert.equal(ldifLine('cn', ' leading space'), 'cn:: IGxlYWRpbmcgc3BhY2U=');
    assert.equal(ldifLine('cn', 'trailing space '), 'cn:: dHJhaWxpbmcgc3BhY2Ug');
    assert.equal(ldifLine('cn', '<angle'), 'cn:: PGFuZ2xl');
    assert.equal(ldifLine('cn', 'a:b<c'), 'cn: a:b<c'); // only the first character is restricted
  });

  it('accepts comments, folded comments, CRLF and zorgpostHidden: FALSE', () => {
    const ldif =
      '# export\r\n#  folded\r\n  comment\r\nversion: 1\r\n\r\n\r\ndn: uid=1,ou=se,dc=zorgmail\r\nobjectClass: inetOrgPerson\r\n' +
      'uid: 1\r\nmail: A@X.NL\r\n# between\r\ncommonName: A\r\n zz\r\nzorgpostHidden: false\r\n';
    const { records, errors } = parseDirectoryLdif(ldif);
    assert.deepEqual(errors, []);
    assert.deepEqual(records, [
      { kind: 'person', source: 'entry 1 (line 7)', hidden: false, attributes: { mail: ['a@x.nl'], cn: ['Azz'] } },
    ]);
  });

  it('reports every problem with its entry and line number', () => {
    const ldif = [
      'version: 1', // 1
      '', // 2
      'dn: uid=1,ou=se,dc=zorgmail', // 3
      'mail: a@x.nl', // 4
      'jpegPhoto:< file:///photos/a.jpg', // 5
      'favouriteColour: blue', // 6
      '', // 7
      'dn: uid=2,ou=se,dc=zorgmail', // 8
      'changetype: modify', // 9
      '', // 10
      'cn: No dn', // 11
      '', // 12
      'dn: uid=3,ou=se,dc=zorgmail', // 13
      'mail: c@x.nl', // 14
      'dn: uid=4,ou=se,dc=zorgmail', // 15
      'cn;lang-nl: Derde', // 16
      'userCertificate;binary:: YWJj', // 17: "abc", text that happens to decode
      'jpegPhoto:: /9j/4AAQ', // 18
      'cn:: not base64!', // 19
      'zorgpostHidden: maybe', // 20
      '', // 21
      'dn: o=org', // 22
      'objectClass: Organization', // 23
      'o: Geen domein', // 24
      'title: Directeur', // 25
      'noColonHere', // 26
    ].join('\n');
    const { records, errors } = parseDirectoryLdif(ldif);
    const expectations = [
      /^entry 1 \(line 3\), line 5: jpegPhoto refers to a URL/,
      /^line 11: entry 3 does not start with "dn:"/,
      /^entry 4 \(line 13\), line 18: jpegPhoto holds binary data, not UTF-8 text/,
      /^entry 4 \(line 13\), line 19: cn is not valid base64/,
      /^entry 5 \(line 22\), line 26: expected "attribute: value"/,
      /^entry 2 \(line 8\), line 9: change records \("changetype:"\) are not imported/,
      /^entry 1 \(line 3\), line 6: unknown attribute "favouriteColour"/,
      /^entry 4 \(line 13\), line 15: a second "dn:"; separate entries with a blank line/,
      /^entry 4 \(line 13\), line 16: attribute options \("cn;lang-nl"\) are not supported/,
      /^entry 4 \(line 13\), line 17: binary attribute userCertificate;binary is not imported/,
      /^entry 4 \(line 13\), line 20: zorgpostHidden is "maybe", not TRUE or FALSE/,
      /^entry 5 \(line 22\): title does not apply to an organisation/,
      /^entry 5 \(line 22\): an organisation needs a domain \(associatedDomain\)/,
    ];
    assert.equal(errors.length, expectations.length, errors.join('\n'));
    for (const pattern of expectations) {
      assert.ok(
        errors.some((error) => pattern.test(error)),
        `${pattern} not in\n${errors.join('\n')}`,
      );
    }
    assert.deepEqual(records, []);
  });

  it('refuses an unknown version and a continuation line with nothing to continue', () => {
    assert.deepEqual(readLdif(' folded\ndn: uid=1\n').errors, [
      'line 1: continuation line (starting with a space) with no line to continue',
    ]);
    assert.deepEqual(readLdif('version: 2\ndn: uid=1\n').errors, ['line 1: only LDIF version 1 is known']);
  });
});
