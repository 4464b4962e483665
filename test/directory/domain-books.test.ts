// Domain books through the service the CLI and admin API use: validation and normalisation of what
// operators import, the default books, assignment to organisations, and the audit trail.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { configSchema } from '../../src/config/schema.ts';
import { openServices, type Services } from '../../src/main.ts';
import { parseDomainList } from '../../src/directory/domain-books.ts';

const by = { actor: 'test' };

describe('parseDomainList', () => {
  it('reads a CSV file with a domain,note header, skipping comments and blank lines', () => {
    const text =
      '\uFEFF# Partners, export 2025\n\ndomain,note\nZorgMail.nl , Het netwerk \n  # ingesprongen commentaar\n"ziekenhuis.nl","Afdeling A, B"\nzörg.nl.\n';
    assert.deepEqual(parseDomainList(text), [
      { domain: 'zorgmail.nl', note: 'Het netwerk' },
      { domain: 'ziekenhuis.nl', note: 'Afdeling A, B' },
      { domain: 'xn--zrg-sna.nl', note: null },
    ]);
  });

  it('reads a plain list, a header in another column order and a Dutch Excel file with semicolons', () => {
    assert.deepEqual(parseDomainList('a.nl\nB.NL\r\n\r\nc.nl,met notitie\n'), [
      { domain: 'a.nl', note: null },
      { domain: 'b.nl', note: null },
      { domain: 'c.nl', note: 'met notitie' },
    ]);
    assert.deepEqual(parseDomainList('Note,Domain\nhuisarts,d.nl\n'), [{ domain: 'd.nl', note: 'huisarts' }]);
    assert.deepEqual(parseDomainList('domain;note\ne.nl;Praktijk\n'), [{ domain: 'e.nl', note: 'Praktijk' }]);
    assert.deepEqual(parseDomainList('# nothing yet\n'), []);
  });

  it('names every bad line and explains what is wrong', () => {
    const text = 'domain,note\ngoed.nl\n@zorgmail.nl\n*.sigra.nl,regio\nan@address.nl\nnot a domain\nlocalhost\n';
    assert.throws(
      () => parseDomainList(text),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'BADINPUT');
        assert.match(error.message, /line 3: "@zorgmail\.nl": give the domain without "@"/);
        assert.match(
          error.message,
          /line 4: "\*\.sigra\.nl": wildcards are not supported, list the domain itself \(sigra\.nl\)/,
        );
        assert.match(error.message, /line 5: "an@address\.nl" is an e-mail address/);
        assert.match(error.message, /and 2 more bad lines\. Nothing was imported\.$/);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
    );
    assert.throws(
      () => parseDomainList('domain,owner\na.nl,x\n'),
      /line 1: unknown column owner; the columns are domain and note/,
    );
    assert.throws(() => parseDomainList('a.nl,b,c\n'), /line 1: expected domain,note, found 3 columns/);
    assert.throws(() => parseDomainList('domain\na.nl,b\n'), /line 2: expected domain, found 2 columns/);
    assert.throws(() => parseDomainList('domain,note\n"a.nl,b\n'), /Not a readable CSV file: Quote Not Closed/);
  });
});

describe('DomainBookService', () => {
  let dir: string;
  let services: Services;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-domainbooks-'));
    const config = configSchema.parse({ hostname: 'mail.test', dataDir: dir, log: { level: 'silent' } });
    services = await openServices(config, pino({ level: 'silent' }));
    await services.identity.addOrganisation({ name: 'Praktijk', domain: 'praktijk.test' }, by);
  });
  after(async () => {
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the default books once, empty, and keeps them', async () => {
    assert.deepEqual(await services.domainBooks.ensureDefaultBooks(), ['ZorgMail', 'SIGRA']);
    assert.deepEqual(await services.domainBooks.ensureDefaultBooks(), []);
    const books = await services.domainBooks.list();
    assert.deepEqual(
      books.map((b) => [b.name, b.domainCount]),
      [
        ['SIGRA', 0],
        ['ZorgMail', 0],
      ],
    );
    const created = await services.audit.list({ action: 'domainbook.create' });
    assert.deepEqual(
      created.map((r) => [r.actor, r.detail?.book]),
      [
        ['system', 'ZorgMail'],
        ['system', 'SIGRA'],
      ],
    );
    await assert.rejects(services.domainBooks.delete('zorgmail', by), {
      code: 'CANNOT',
      message: /default domain book/,
    });
    await assert.rejects(services.domainBooks.rename('SIGRA', 'Oud', by), { code: 'CANNOT' });
  });

  it('refuses duplicate and empty names, whatever their case', async () => {
    await assert.rejects(services.domainBooks.create({ name: 'zorgmail' }, by), { code: 'ALREADYEXISTS' });
    await assert.rejects(services.domainBooks.create({ name: '  ' }, by), { code: 'BADINPUT' });
    await assert.rejects(services.domainBooks.get('Onbekend'), {
      code: 'NONEXISTENT',
      message: 'No domain book named Onbekend',
    });
  });

  it('imports into a new book, merges a second import and replaces on request', async () => {
    const first = await services.domainBooks.importCsv(
      'Regio',
      'domain,note\na.nl,Huisarts\nb.nl,\n',
      { replace: false },
      by,
    );
    assert.deepEqual(first, { book: 'Regio', created: true, read: 2, added: 2, removed: 0, total: 2 });
    // A domain already there keeps its note unless the file gives one.
    const second = await services.domainBooks.importCsv('regio', 'a.nl\nb.nl,Apotheek\nc.nl\n', { replace: false }, by);
    assert.deepEqual(second, { book: 'Regio', created: false, read: 3, added: 1, removed: 0, total: 3 });
    assert.deepEqual(await services.domainBooks.domains('Regio'), [
      { domain: 'a.nl', note: 'Huisarts' },
      { domain: 'b.nl', note: 'Apotheek' },
      { domain: 'c.nl', note: null },
    ]);
    const replaced = await services.domainBooks.importCsv('Regio', 'b.nl\nd.nl,Nieuw\n', { replace: true }, by);
    assert.deepEqual(replaced, { book: 'Regio', created: false, read: 2, added: 1, removed: 2, total: 2 });
    assert.deepEqual(await services.domainBooks.domains('Regio'), [
      { domain: 'b.nl', note: null },
      { domain: 'd.nl', note: 'Nieuw' },
    ]);
    const [record] = await services.audit.list({ action: 'domainbook.import', limit: 10 }).then((r) => r.slice(-1));
    assert.deepEqual(record?.detail, {
      book: 'Regio',
      created: false,
      read: 2,
      added: 1,
      removed: 2,
      total: 2,
      replace: true,
    });
  });

  it('changes nothing when a line is bad', async () => {
    await assert.rejects(services.domainBooks.importCsv('Nieuw boek', 'ok.nl\n*.fout.nl\n', { replace: false }, by), {
      code: 'BADINPUT',
    });
    assert.equal(await services.store.domainBooks.find({ name: 'Nieuw boek' }), null);
    await assert.rejects(services.domainBooks.importCsv('Regio', 'x.nl\n@y.nl\n', { replace: true }, by), {
      code: 'BADINPUT',
    });
    assert.equal((await services.domainBooks.get('Regio')).domainCount, 2);
  });

  it('imports thousands of domains in one quick transaction', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `partner-${i}.zorg.nl,Praktijk ${i}`);
    const started = performance.now();
    const result = await services.domainBooks.importCsv(
      'Groot',
      `domain,note\n${lines.join('\n')}\n`,
      { replace: false },
      by,
    );
    const elapsed = performance.now() - started;
    assert.equal(result.total, 5000);
    assert.ok(elapsed < 3000, `5,000 domains took ${elapsed.toFixed(0)} ms`);
    const again = await services.domainBooks.importCsv('Groot', lines.slice(0, 10).join('\n'), { replace: true }, by);
    assert.deepEqual([again.added, again.removed, again.total], [0, 4990, 10]);
  });

  it('exports CSV that imports back to the same book', async () => {
    await services.domainBooks.addDomains(
      'Regio',
      [{ domain: 'Zörg.nl', note: 'Zegt "hoi", met komma' }, 'E.NL.', { domain: 'f.nl', note: 'regel\nnieuw' }],
      by,
    );
    const csv = await services.domainBooks.exportCsv('Regio');
    assert.equal(
      csv,
      'domain,note\nb.nl,\nd.nl,Nieuw\ne.nl,\nf.nl,"regel\nnieuw"\nxn--zrg-sna.nl,"Zegt ""hoi"", met komma"\n',
    );
    await services.domainBooks.importCsv('Kopie', csv, { replace: false }, by);
    assert.equal(await services.domainBooks.exportCsv('Kopie'), csv);
  });

  it('adds and removes single domains, normalised', async () => {
    await assert.rejects(services.domainBooks.addDomains('Kopie', ['*.g.nl'], by), {
      code: 'BADINPUT',
      message: /wildcards/,
    });
    const change = await services.domainBooks.addDomains('Kopie', ['G.nl', 'g.nl', 'd.nl'], by);
    assert.deepEqual(change, { added: 1, removed: 0, total: 6 });
    assert.equal(await services.domainBooks.removeDomains('Kopie', ['G.NL', 'zörg.nl', 'nooit.nl'], by), 2);
    const [record] = (await services.audit.list({ action: 'domainbook.remove' })).slice(-1);
    assert.deepEqual(record?.detail, { book: 'Kopie', removed: 2, domains: ['g.nl', 'xn--zrg-sna.nl', 'nooit.nl'] });
  });

  it('assigns a book to an organisation and refuses to delete a book in use', async () => {
    await assert.rejects(services.domainBooks.assign('elders.test', 'Regio', by), {
      code: 'NONEXISTENT',
      message: /elders\.test/,
    });
    await assert.rejects(services.domainBooks.assign('praktijk.test', 'Onbekend', by), { code: 'NONEXISTENT' });
    await services.domainBooks.assign('Praktijk.Test', 'regio', by);
    assert.deepEqual((await services.domainBooks.get('Regio')).organisations, ['praktijk.test']);
    await assert.rejects(services.domainBooks.delete('Regio', by), {
      code: 'INUSE',
      message: /in use by praktijk\.test/,
    });
    const renamed = await services.domainBooks.rename('Regio', 'Regio Noord', by);
    assert.deepEqual([renamed.name, renamed.organisations], ['Regio Noord', ['praktijk.test']]);
    await assert.rejects(services.domainBooks.rename('Kopie', 'regio noord', by), { code: 'ALREADYEXISTS' });
    await services.domainBooks.assign('praktijk.test', null, by);
    await services.domainBooks.delete('Regio Noord', by);
    assert.equal(await services.store.domainBooks.find({ name: 'Regio Noord' }), null);
    const assigned = await services.audit.list({ action: 'domainbook.assign' });
    assert.deepEqual(
      assigned.map((r) => r.detail),
      [
        { organisation: 'praktijk.test', book: 'Regio' },
        { organisation: 'praktijk.test', book: null },
      ],
    );
  });
});
