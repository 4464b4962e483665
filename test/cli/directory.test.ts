// `zorgpost directory …` as an operator uses it (SPEC R9): import a spreadsheet of partners and details,
// export the address book as CSV and LDIF, search it like Outlook does, edit, hide and remove entries.
// The organisation and mailboxes are created in-process (CLI starts are slow); every directory step
// runs the real CLI on the same data directory.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.ts';
import { openServices, type Services } from '../../src/main.ts';
import { readLdif } from '../../src/directory/import-formats.ts';
import { parseFilter } from '../../src/directory/filter-text.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

const JAN = 'jan.muller@delinde.example';
const ANNA = 'anna.ozturk@apotheek-ijssel.example';

// Comma-separated, LDAP column names, a multi-line postal address and a multi-valued cell.
const PEOPLE_CSV =
  'kind,cn,givenName,sn,mail,o,title,l,telephoneNumber,postalAddress,specialism,associatedDomain\n' +
  `person,Anna Öztürk,Anna,Öztürk,${ANNA},Apotheek aan de IJssel,Apotheker,Zwolle,038-1234567,"Dijkstraat 1\n8011 AA Zwolle",farmacie,\n` +
  'person,Ĳsbrand van Dæle,Ĳsbrand,van Dæle,ijsbrand@apotheek-ijssel.example,Apotheek aan de IJssel,,Zwolle,,,,\n' +
  'organisation,Apotheek aan de IJssel,,,info@apotheek-ijssel.example,,,Zwolle,038-1234567,,,apotheek-ijssel.example\n' +
  `person,Dr. Jan Müller,Jan,Müller,${JAN},,,Utrecht,,,huisarts | sportgeneeskunde,\n`;

// What Dutch Excel saves: byte order mark, semicolons, CRLF, Dutch column names, ja/nee.
const EXCEL_CSV =
  '\uFEFFsoort;naam;e-mailadres;organisatie;functie;plaats;telefoon;verborgen\r\n' +
  'persoon;Daniël Groß;daniel.gross@ziekenhuis-oost.example;Ziekenhuis Oost;Cardioloog;Enschede;053-1234567;nee\r\n' +
  'persoon;"Frédérique ""Freddie"" Çelik";f.celik@ziekenhuis-oost.example;Ziekenhuis Oost;Internist;Enschede;;ja\r\n' +
  'persoon;Balie De Linde;balie@delinde.example;;Doktersassistent;Utrecht;;\r\n';

interface CliEntry {
  dn: string;
  kind: 'person' | 'organisation';
  hidden: boolean;
  attributes: Record<string, string[]>;
}

describe('zorgpost directory', () => {
  let dir: string;
  let data: string[];
  let dataDir: string;

  /** The services on the data directory, for setting up and checking; closed before the next CLI run. */
  async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
    const services = await openServices(loadConfig({ dataDir, env: {} }), pino({ level: 'silent' }));
    try {
      return await work(services);
    } finally {
      await services.close();
    }
  }
  const count = () => withServices(({ directory }) => directory.count({ includeHidden: true }));
  async function cliFails(args: string[], message: RegExp, oneLine = true) {
    const result = await runCli([...data, ...args]);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    if (oneLine) assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    assert.equal(result.stdout, '');
    return result.stderr;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-cli-directory-'));
    dataDir = join(dir, 'data');
    data = ['--data', dataDir];
    await withServices(async ({ identity }) => {
      const by = { actor: 'test' };
      await identity.addOrganisation({ name: 'Huisartsenpraktijk De Linde', domain: 'delinde.example' }, by);
      await identity.addMailbox({ address: JAN, displayName: 'Dr. Jan Müller' }, by);
      await identity.addMailbox({ address: 'balie@delinde.example', displayName: 'Balie' }, by);
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('imports a CSV file with diacritics, and a semicolon-separated one from Excel', async () => {
    const people = join(dir, 'mensen.csv');
    await writeFile(people, PEOPLE_CSV);
    const first = await runCliJson<{ created: number; updated: number }>([...data, 'directory', 'import', people]);
    assert.deepEqual(first, { created: 3, updated: 1 });

    const excel = join(dir, 'excel.csv');
    await writeFile(excel, EXCEL_CSV);
    const second = await runCli([...data, 'directory', 'import', excel]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, `Imported ${excel}: 2 new, 1 updated entries.\n`);

    await withServices(async ({ directory, audit }) => {
      const anna = await directory.findEntry(ANNA);
      const attributes = Object.fromEntries(anna!.attributes);
      assert.deepEqual(attributes.sn, ['Öztürk']);
      assert.deepEqual(attributes.postalAddress, ['Dijkstraat 1$8011 AA Zwolle']);
      assert.equal(anna!.mailboxId, null);
      const jan = Object.fromEntries((await directory.findEntry(JAN))!.attributes);
      assert.deepEqual(jan.specialism, ['huisarts', 'sportgeneeskunde']);
      assert.deepEqual(jan.cn, ['Dr. Jan Müller']);
      const celik = (await directory.findEntry('F.Celik@ziekenhuis-oost.example'))!;
      assert.equal(celik.hidden, true);
      assert.deepEqual(Object.fromEntries(celik.attributes).cn, ['Frédérique "Freddie" Çelik']);
      const balie = Object.fromEntries((await directory.findEntry('balie@delinde.example'))!.attributes);
      assert.deepEqual([balie.cn, balie.title], [['Balie De Linde'], ['Doktersassistent']]);
      const imports = await audit.list({ action: 'directory.import' });
      assert.deepEqual(
        imports.map((r) => r.detail),
        [
          { created: 3, updated: 1 },
          { created: 2, updated: 1 },
        ],
      );
      assert.ok(imports.every((r) => r.actor?.startsWith('cli:')));
    });
  });

  it('exports CSV and LDIF to a file and to stdout, and a re-import of either changes nothing', async () => {
    const total = await count();
    assert.equal(total, 8);
    const csvFile = join(dir, 'export.csv');
    const written = await runCli([...data, 'directory', 'export', '--out', csvFile]);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, '');
    const csv = await readFile(csvFile, 'utf8');
    assert.ok(csv.startsWith('\uFEFFkind,hidden,cn,displayName,givenName,sn,mail,'), csv.slice(0, 60));
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, total + 1);
    assert.match(csv, /\r\nperson,no,Anna Öztürk,Anna Öztürk,Anna,Öztürk,anna\.ozturk@apotheek-ijssel\.example,/);
    assert.match(csv, /\r\nperson,yes,"Frédérique ""Freddie"" Çelik",/);
    assert.match(csv, /,Dijkstraat 1\$8011 AA Zwolle,/);
    assert.match(csv, /,huisarts \| sportgeneeskunde,/);

    const ldif = await runCli([...data, 'directory', 'export', '--format', 'ldif']);
    assert.equal(ldif.code, 0, ldif.stderr);
    assert.ok(ldif.stdout.startsWith('version: 1\n\ndn: associatedDomain=delinde.example,ou=se,dc=zorgmail\n'));
    const parsed = readLdif(ldif.stdout);
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.entries.length, total);
    const anna = parsed.entries.find((e) => e.dn === `uid=${ANNA},ou=se,dc=zorgmail`)!;
    assert.ok(anna.attributes.some((a) => a.name === 'cn' && a.value === 'Anna Öztürk'));
    assert.match(ldif.stdout, /^cn:: /m, 'non-ASCII values are base64 (RFC 2849)');
    assert.equal(ldif.stdout.match(/^zorgpostHidden: TRUE$/gm)?.length, 1);
    const ldifFile = join(dir, 'export.ldif');
    await writeFile(ldifFile, ldif.stdout);

    for (const file of [csvFile, ldifFile]) {
      const again = await runCliJson<{ created: number; updated: number }>([...data, 'directory', 'import', file]);
      assert.deepEqual(again, { created: 0, updated: total }, file);
    }
    const csvAgain = await runCli([...data, 'directory', 'export', '--format', 'csv']);
    assert.equal(csvAgain.stdout, csv, 'the CSV export is byte for byte the same');
    const ldifAgainFile = join(dir, 'again.ldif');
    // The --out file name says LDIF; no --format needed.
    const ldifAgain = await runCli([...data, 'directory', 'export', '--out', ldifAgainFile]);
    assert.equal(ldifAgain.code, 0, ldifAgain.stderr);
    assert.equal(await readFile(ldifAgainFile, 'utf8'), ldif.stdout, 'the LDIF export is byte for byte the same');
    assert.equal(await count(), total);
  });

  it('searches like the address book: diacritic-insensitive, in JSON', async () => {
    const found = await runCliJson<CliEntry[]>([...data, 'directory', 'search', '(cn=*muller*)']);
    assert.equal(found.length, 1);
    assert.deepEqual(Object.keys(found[0]!), ['dn', 'kind', 'hidden', 'attributes']);
    assert.deepEqual(
      [found[0]!.dn, found[0]!.kind, found[0]!.hidden],
      [`uid=${JAN},ou=se,dc=zorgmail`, 'person', false],
    );
    assert.deepEqual(found[0]!.attributes.cn, ['Dr. Jan Müller']);
    assert.deepEqual(found[0]!.attributes.objectClass, [
      'top',
      'person',
      'organizationalPerson',
      'inetOrgPerson',
      'zorgpostPerson',
    ]);
  });

  it('sets details, hides and unhides entries', async () => {
    const set = await runCliJson<CliEntry>([
      ...data,
      'directory',
      'set',
      'Jan.Muller@delinde.example',
      '--attr',
      'title=Huisarts',
      '--attr',
      'mobile=06 1234 5678',
      '--attr',
      'l=',
    ]);
    assert.equal(set.dn, `uid=${JAN},ou=se,dc=zorgmail`);
    assert.deepEqual(set.attributes.title, ['Huisarts']);
    assert.deepEqual(set.attributes.mobile, ['06 1234 5678']);
    assert.equal(set.attributes.l, undefined, 'an empty value clears the attribute');
    assert.deepEqual(set.attributes.specialism, ['huisarts', 'sportgeneeskunde'], 'other details stay');

    const hidden = await runCliJson<{ uid: string; hidden: boolean }>([...data, 'directory', 'hide', ANNA]);
    assert.deepEqual(hidden, { uid: ANNA, hidden: true });
    // Anna (just hidden) and Frédérique (hidden by the Excel import) are left out.
    const search = await runCli([...data, 'directory', 'search', '(|(sn=*ozturk*)(cn=*muller*)(o=ziekenhuis oost))']);
    assert.equal(search.code, 0, search.stderr);
    assert.deepEqual(search.stdout.match(/^dn: .*$/gm), [
      `dn: uid=${JAN},ou=se,dc=zorgmail`,
      'dn: uid=daniel.gross@ziekenhuis-oost.example,ou=se,dc=zorgmail',
    ]);
    assert.match(search.stdout, /^ {2}title: Huisarts$/m);
    assert.match(search.stdout, /^ {2}specialism: huisarts \| sportgeneeskunde$/m);

    const shown = await runCli([...data, 'directory', 'unhide', ANNA]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout, `${ANNA} is shown in the address book.\n`);
    await withServices(async ({ directory, audit }) => {
      const { entries } = await directory.search({
        baseDn: directory.baseDn,
        scope: 'one',
        filter: parseFilter('(sn=ozturk)'),
        after: -1,
        limit: 10,
      });
      assert.deepEqual(
        entries.map((e) => e.dn),
        [`uid=${ANNA},ou=se,dc=zorgmail`],
      );
      const actions = (await audit.list({})).filter((r) => r.actor?.startsWith('cli:')).map((r) => r.action);
      assert.deepEqual(actions.slice(-3), ['directory.update', 'directory.hide', 'directory.unhide']);
    });
  });

  it('removes a partner entry, but only hides can apply to a hosted mailbox', async () => {
    const removed = await runCli([...data, 'directory', 'remove', 'ijsbrand@apotheek-ijssel.example']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, 'ijsbrand@apotheek-ijssel.example removed from the directory.\n');
    await cliFails(
      ['directory', 'remove', JAN],
      new RegExp(`^error: ${JAN.replaceAll('.', '\\.')} belongs to a hosted mailbox: hide it instead\\n$`),
    );
    await withServices(async ({ directory }) => {
      assert.equal(await directory.findEntry('ijsbrand@apotheek-ijssel.example'), null);
      assert.notEqual(await directory.findEntry(JAN), null);
    });
  });

  it('refuses a bad file, a missing file and a bad filter clearly, with exit status 1', async () => {
    const before = await count();
    const bad = join(dir, 'fout.csv');
    await writeFile(
      bad,
      'naam,e-mailadres,functie\n' +
        'Goed,goed@partner.example,Arts\n' +
        'Fout,geen-adres,Arts\n' +
        'Twee,twee@partner.example,"Huis\narts"\n',
    );
    const stderr = await cliFails(['directory', 'import', bad], /was not imported/, false);
    assert.equal(
      stderr,
      `error: ${bad} was not imported:\n` +
        '  line 3: mail "geen-adres" is not a valid mail address\n' +
        '  line 4: title contains a line break or control character\n',
    );
    assert.equal(await count(), before, 'nothing imported, not even the good line');

    await cliFails(
      ['directory', 'import', join(dir, 'bestaat-niet.csv')],
      /^error: cannot read .*bestaat-niet\.csv: no such file$/m,
    );
    await cliFails(['directory', 'search', '(cn=*muller'], /^error: filter: \S/);
    await cliFails(['directory', 'export', '--format', 'xml'], /^error: --format xml: give csv or ldif$/m);
  });
});
