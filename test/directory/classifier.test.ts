// The recipient classifier: community (hosted here, or in the sender organisation's domain book) or
// external, with exact matching after normalisation and indexed lookups only.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { configSchema } from '../../src/config/schema.ts';
import { openServices, type Services } from '../../src/main.ts';
import { normaliseDomain, RecipientClassifier } from '../../src/directory/classifier.ts';
import type { Store } from '../../src/store/store.ts';

const by = { actor: 'test' };

describe('normaliseDomain', () => {
  it('lower-cases, converts IDN to punycode and drops the trailing dot', () => {
    assert.equal(normaliseDomain(' ZorgMail.NL. '), 'zorgmail.nl');
    assert.equal(normaliseDomain('Zörg.nl'), 'xn--zrg-sna.nl');
    assert.equal(normaliseDomain('xn--zrg-sna.nl'), 'xn--zrg-sna.nl');
    // Full-width dots and letters map to their ASCII forms (UTS #46).
    assert.equal(normaliseDomain('ｚｏｒｇ。nl'), 'zorg.nl');
  });

  it('refuses what is not a domain, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['@zorgmail.nl', /without "@"/],
      ['*.zorgmail.nl', /wildcards are not supported/],
      ['jan@zorgmail.nl', /is an e-mail address/],
      ['zorgmail', /not a valid domain/],
      ['zorg mail.nl', /not a valid domain/],
      ['zorg_mail.nl', /not a valid domain/],
      ['-zorg.nl', /not a valid domain/],
      ['', /not a valid domain/],
      ['.', /not a valid domain/],
      [`${'a'.repeat(64)}.nl`, /not a valid domain/],
    ];
    for (const [input, message] of cases)
      assert.throws(() => normaliseDomain(input), { code: 'BADINPUT', message }, input);
  });
});

describe('RecipientClassifier', () => {
  let dir: string;
  let services: Services;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-classifier-'));
    const config = configSchema.parse({ hostname: 'mail.test', dataDir: dir, log: { level: 'silent' } });
    services = await openServices(config, pino({ level: 'silent' }));
    await services.identity.addOrganisation({ name: 'Huisarts', domain: 'huisarts.test' }, by);
    await services.identity.addOrganisation({ name: 'Apotheek', domain: 'apotheek.test' }, by);
    await services.domainBooks.ensureDefaultBooks();
    await services.domainBooks.importCsv(
      'ZorgMail',
      'domain,note\nziekenhuis.test,\nzörg.test,IDN\n',
      { replace: false },
      by,
    );
    await services.domainBooks.importCsv('SIGRA', 'lab.test\n', { replace: false }, by);
    await services.domainBooks.assign('huisarts.test', 'ZorgMail', by);
  });
  after(async () => {
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  const classify = (sender: string, recipient: string) => services.classifier.classify(sender, recipient);

  it('counts domains hosted here as community for every sender', async () => {
    assert.deepEqual(await classify('dokter@huisarts.test', 'balie@apotheek.test'), {
      class: 'community',
      reason: 'hosted',
    });
    assert.deepEqual(await classify('apotheker@apotheek.test', 'Dokter@HUISARTS.test'), {
      class: 'community',
      reason: 'hosted',
    });
    assert.deepEqual(await classify('iemand@gmail.test', 'dokter@huisarts.test'), {
      class: 'community',
      reason: 'hosted',
    });
  });

  it("counts domains in the sender organisation's book, and only that book", async () => {
    const inBook = { class: 'community', reason: 'domain-book', book: 'ZorgMail' };
    assert.deepEqual(await classify('dokter@huisarts.test', 'poli@ziekenhuis.test'), inBook);
    assert.deepEqual(await classify('Dokter@Huisarts.Test', 'poli@ZIEKENHUIS.test.'), inBook);
    // SIGRA is not the book huisarts.test uses.
    assert.deepEqual(await classify('dokter@huisarts.test', 'uitslag@lab.test'), { class: 'external' });
    // Exact match: a book listing ziekenhuis.test does not cover its subdomains.
    assert.deepEqual(await classify('dokter@huisarts.test', 'poli@mail.ziekenhuis.test'), { class: 'external' });
    assert.deepEqual(await classify('dokter@huisarts.test', 'jan@gmail.test'), { class: 'external' });
  });

  it('matches internationalised domains in either form', async () => {
    const inBook = { class: 'community', reason: 'domain-book', book: 'ZorgMail' };
    assert.deepEqual(await classify('dokter@huisarts.test', 'info@zörg.test'), inBook);
    assert.deepEqual(await classify('dokter@huisarts.test', 'info@ZÖRG.test'), inBook);
    assert.deepEqual(await classify('dokter@huisarts.test', 'info@xn--zrg-sna.test'), inBook);
  });

  it('gives a sender without a book (or from elsewhere) only the hosted domains', async () => {
    assert.deepEqual(await classify('balie@apotheek.test', 'poli@ziekenhuis.test'), { class: 'external' });
    assert.deepEqual(await classify('iemand@gmail.test', 'poli@ziekenhuis.test'), { class: 'external' });
    // The null reverse-path of a bounce (RFC 5321 §4.5.5).
    assert.deepEqual(await classify('', 'poli@ziekenhuis.test'), { class: 'external' });
    assert.deepEqual(await classify('', 'dokter@huisarts.test'), { class: 'community', reason: 'hosted' });
  });

  it('follows a change of book at once', async () => {
    await services.domainBooks.assign('apotheek.test', 'SIGRA', by);
    assert.deepEqual(await classify('balie@apotheek.test', 'uitslag@lab.test'), {
      class: 'community',
      reason: 'domain-book',
      book: 'SIGRA',
    });
    await services.domainBooks.removeDomains('SIGRA', ['lab.test'], by);
    assert.deepEqual(await classify('balie@apotheek.test', 'uitslag@lab.test'), { class: 'external' });
  });

  it('takes bare addresses only and refuses malformed ones', async () => {
    for (const address of [
      'Jan <jan@ziekenhuis.test>',
      'jan',
      '@ziekenhuis.test',
      'jan@',
      'jan@zieken huis.test',
      'jan@*.test',
      'a,b@c.test',
      'jan@@c.test',
    ]) {
      await assert.rejects(classify('dokter@huisarts.test', address), { code: 'BADINPUT' }, address);
    }
    await assert.rejects(classify('Dokter <dokter@huisarts.test>', 'jan@ziekenhuis.test'), {
      code: 'BADINPUT',
      message: /bare e-mail address/,
    });
    // A quoted local part may hold what a bare one may not; an address literal is never community.
    assert.deepEqual(await classify('dokter@huisarts.test', '"jan de vries"@ziekenhuis.test'), {
      class: 'community',
      reason: 'domain-book',
      book: 'ZorgMail',
    });
    assert.deepEqual(await classify('dokter@huisarts.test', 'jan@[192.0.2.1]'), { class: 'external' });
  });

  it('classifies many recipients with one book lookup and indexed queries only', async () => {
    const calls: string[] = [];
    const spy = <T extends object>(target: T, name: string): T =>
      new Proxy(target, {
        get(object, property, receiver) {
          const value = Reflect.get(object, property, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(`${name}.${String(property)}`);
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        },
      });
    const store = {
      accounts: spy(services.store.accounts, 'accounts'),
      domainBooks: spy(services.store.domainBooks, 'domainBooks'),
    } as unknown as Store;
    const classifier = new RecipientClassifier(store);
    const results = await classifier.classifyMany('dokter@huisarts.test', [
      'poli@ziekenhuis.test',
      'balie@apotheek.test',
      'jan@gmail.test',
      'arts@ziekenhuis.test',
    ]);
    assert.deepEqual(
      results.map((r) => (r.class === 'community' ? r.reason : r.class)),
      ['domain-book', 'hosted', 'external', 'domain-book'],
    );
    assert.equal(calls.filter((c) => c === 'domainBooks.assignedBook').length, 1);
    assert.ok(!calls.some((c) => c === 'domainBooks.listDomains' || c === 'domainBooks.list'), calls.join(', '));
    // Each distinct domain once: ziekenhuis.test, apotheek.test, gmail.test.
    assert.equal(calls.filter((c) => c === 'domainBooks.contains').length, 2);
  });

  it('stays fast with a large book', async () => {
    const domains = Array.from({ length: 20_000 }, (_, i) => `praktijk-${i}.test`);
    await services.domainBooks.addDomains('ZorgMail', domains, by);
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const result = await classify('dokter@huisarts.test', `x@praktijk-${i * 97}.test`);
      assert.equal(result.class, 'community');
    }
    const perCall = (performance.now() - started) / 200;
    assert.ok(perCall < 5, `${perCall.toFixed(2)} ms per classification`);
  });
});
