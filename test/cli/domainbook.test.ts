// `zorgpost domainbook …` and `zorgpost classify` as an operator uses them: import a partner list,
// check it, hand it to an organisation and see what a sender's recipients become.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliJson } from '../helpers/cli.ts';

// Canonical form (normalised, sorted, `domain,note` header): an export reproduces it byte for byte.
const ZORGMAIL_CSV =
  'domain,note\nalpha.example,Huisarts\nbeta.example,\nxn--zrg-sna.example,"Praktijk ""Zörg"", Utrecht"\n';

describe('zorgpost domainbook and classify', () => {
  let dir: string;
  let data: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-cli-domainbook-'));
    data = ['--data', join(dir, 'data')];
    for (const [name, domain] of [
      ['Huisarts', 'huisarts.example'],
      ['Apotheek', 'apotheek.example'],
    ]) {
      const result = await runCli([...data, 'org', 'add', '--name', name!, '--domain', domain!]);
      assert.equal(result.code, 0, result.stderr);
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('imports a CSV file, lists the books and exports the same bytes', async () => {
    const file = join(dir, 'zorgmail.csv');
    await writeFile(file, ZORGMAIL_CSV);
    const imported = await runCli([...data, 'domainbook', 'import', '--name', 'ZorgMail', file]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      imported.stdout,
      /Domain book ZorgMail created\. Imported 3 domains into ZorgMail: 3 added, 0 removed; the book now has 3 domains\./,
    );

    const list = await runCliJson<Array<{ name: string; domains: number; organisations: string[] }>>([
      ...data,
      'domainbook',
      'list',
    ]);
    assert.deepEqual(list, [{ name: 'ZorgMail', description: null, domains: 3, organisations: [] }]);

    const exported = await runCli([...data, 'domainbook', 'export', '--name', 'zorgmail']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout, ZORGMAIL_CSV);
    const out = join(dir, 'export.csv');
    const written = await runCli([...data, 'domainbook', 'export', '--name', 'ZorgMail', '--out', out]);
    assert.match(written.stdout, /Wrote 3 domains to/);
    assert.equal(await readFile(out, 'utf8'), ZORGMAIL_CSV);
  });

  it('imports a plain list with comments, IDN and upper case into a new book, and edits it', async () => {
    const file = join(dir, 'regio.txt');
    await writeFile(file, '# Regio Noord\n\nGAMMA.example\nzörg-noord.example.\n');
    const result = await runCliJson<{ book: string; created: boolean; added: number; total: number }>([
      ...data,
      'domainbook',
      'import',
      '--name',
      'Regio',
      file,
    ]);
    assert.deepEqual([result.book, result.created, result.added, result.total], ['Regio', true, 2, 2]);
    const added = await runCli([...data, 'domainbook', 'add', '--name', 'Regio', 'delta.example', 'Gamma.example']);
    assert.match(added.stdout, /1 added, 0 removed; the book now has 3 domains/);
    const removed = await runCli([
      ...data,
      'domainbook',
      'remove',
      '--name',
      'Regio',
      'delta.example',
      'nooit.example',
    ]);
    assert.match(removed.stdout, /^1 domain removed\.$/m);
    const shown = await runCliJson<{ domains: Array<{ domain: string }> }>([
      ...data,
      'domainbook',
      'show',
      '--name',
      'Regio',
    ]);
    assert.deepEqual(
      shown.domains.map((d) => d.domain),
      ['gamma.example', 'xn--zrg-noord-07a.example'],
    );
  });

  it('assigns books to organisations and classifies recipients for a sender', async () => {
    const assigned = await runCli([...data, 'domainbook', 'assign', '--org', 'huisarts.example', '--name', 'ZorgMail']);
    assert.equal(assigned.code, 0, assigned.stderr);
    assert.match(assigned.stdout, /huisarts\.example now uses domain book ZorgMail/);

    const rows = await runCliJson<Array<{ recipient: string; class: string; reason?: string; book?: string }>>([
      ...data,
      'classify',
      '--from',
      'dokter@huisarts.example',
      'balie@apotheek.example',
      'poli@alpha.example',
      'info@zörg.example',
      'jan@gamma.example',
    ]);
    assert.deepEqual(rows, [
      { recipient: 'balie@apotheek.example', class: 'community', reason: 'hosted' },
      { recipient: 'poli@alpha.example', class: 'community', reason: 'domain-book', book: 'ZorgMail' },
      { recipient: 'info@zörg.example', class: 'community', reason: 'domain-book', book: 'ZorgMail' },
      { recipient: 'jan@gamma.example', class: 'external' },
    ]);

    // apotheek.example uses no book: only hosted domains are community.
    const text = await runCli([
      ...data,
      'classify',
      '--from',
      'balie@apotheek.example',
      'poli@alpha.example',
      'dokter@huisarts.example',
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /poli@alpha\.example\s+external\n/);
    assert.match(text.stdout, /dokter@huisarts\.example\s+community \(hosted here\)/);

    const none = await runCli([...data, 'domainbook', 'assign', '--org', 'huisarts.example', '--none']);
    assert.match(none.stdout, /now uses no domain book/);
    const after = await runCliJson<Array<{ class: string }>>([
      ...data,
      'classify',
      '--from',
      'dokter@huisarts.example',
      'poli@alpha.example',
    ]);
    assert.equal(after[0]?.class, 'external');
  });

  it('refuses bad input with one clear line and exit status 1', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'domain,note\nok.example,\n@zorgmail.example,\n*.sigra.example,\n');
    const cases: Array<[string[], RegExp]> = [
      [
        ['domainbook', 'import', '--name', 'Fout', bad],
        /line 3: "@zorgmail\.example": give the domain without "@"; line 4: "\*\.sigra\.example": wildcards/,
      ],
      [
        ['domainbook', 'import', '--name', 'Fout', join(dir, 'missing.csv')],
        /cannot read .*missing\.csv: no such file/,
      ],
      [['domainbook', 'export', '--name', 'Onbekend'], /No domain book named Onbekend/],
      [['domainbook', 'create', '--name', 'zorgmail'], /already exists/],
      [['domainbook', 'add', '--name', 'Regio', 'not a domain'], /not a valid domain/],
      [
        ['domainbook', 'assign', '--org', 'elders.example', '--name', 'Regio'],
        /No organisation has the domain elders\.example/,
      ],
      [['classify', '--from', 'dokter@huisarts.example', 'Jan <jan@alpha.example>'], /not a bare e-mail address/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...data, ...args]);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
    }
    const list = await runCliJson<Array<{ name: string }>>([...data, 'domainbook', 'list']);
    assert.ok(!list.some((b) => b.name === 'Fout'), 'a bad file creates no book');
  });

  it('refuses to delete a book in use, and deletes it once unassigned', async () => {
    await runCliJson([...data, 'domainbook', 'assign', '--org', 'apotheek.example', '--name', 'Regio']);
    const refused = await runCli([...data, 'domainbook', 'delete', '--name', 'Regio']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /in use by apotheek\.example/);
    await runCliJson([...data, 'domainbook', 'assign', '--org', 'apotheek.example', '--none']);
    const deleted = await runCli([...data, 'domainbook', 'delete', '--name', 'regio']);
    assert.equal(deleted.code, 0, deleted.stderr);
  });

  it('treats usage mistakes as exit status 2', async () => {
    for (const args of [
      ['domainbook', 'assign', '--org', 'huisarts.example'],
      ['domainbook', 'assign', '--org', 'huisarts.example', '--name', 'ZorgMail', '--none'],
      ['classify', 'jan@alpha.example'],
    ]) {
      const result = await runCli([...data, ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /error/);
    }
  });
});
