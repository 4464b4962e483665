// The admin HTTP API (/api/admin) as a script uses it: real HTTPS requests with a bearer token made by
// `zorgpost admin token create`, against a running server. Checks authentication and throttling
// (SPEC R22, R24), the community directory (R9), domain books and the classifier (R12), and that every
// change is audited under the token's name.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { call, type RequestOptions } from '../helpers/https-api.ts';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { runCliJson } from '../helpers/cli.ts';

interface ApiError {
  error: string;
  problems?: string[];
}

interface ApiEntry {
  dn: string;
  kind: 'person' | 'organisation';
  hidden: boolean;
  hostedMailbox: boolean;
  attributes: Record<string, string[]>;
}

interface SearchPage {
  entries: ApiEntry[];
  next: number | null;
}

type ImportReply = { imported: true; created: number; updated: number } | { imported: false; errors: string[] };

const ACTOR = 'admin-api:beheer-script';
const JAN = 'jan.muller@huisarts.example';

describe('admin HTTP API', () => {
  let server: TestServer;
  let agent: Agent;
  let token: string;
  const api = <T = ApiError>(method: string, path: string, options: RequestOptions = {}) =>
    call<T>(server, agent, method, path, { token, ...options });

  /** Id of the newest audit record, to find the records a step adds. */
  async function auditMark(): Promise<number> {
    return (await server.server.services.audit.list({})).at(-1)?.id ?? 0;
  }
  async function auditSince(mark: number) {
    return server.server.services.audit.list({ afterId: mark });
  }
  /** The records since `mark` are exactly `actions`, each made by the API token from 127.0.0.1. */
  async function assertAudited(mark: number, actions: string[]) {
    const records = await auditSince(mark);
    assert.deepEqual(
      records.map((r) => r.action),
      actions,
    );
    for (const record of records) {
      assert.equal(record.actor, ACTOR, `${record.action} actor`);
      assert.equal(record.remoteAddress, '127.0.0.1', `${record.action} address`);
    }
    return records;
  }

  before(async () => {
    server = await startTestServer();
    agent = new Agent({ ca: server.ca, keepAlive: true });
    await server.addMailbox(JAN, 'Dr. Jan Müller');
    await server.addMailbox('balie@huisarts.example', 'Balie Huisartsenpraktijk');
    // The documented way to get a token: the CLI on the server's data directory, while it runs.
    const created = await runCliJson<{ token: string; id: number }>([
      '--data',
      server.dataDir,
      'admin',
      'token',
      'create',
      '--name',
      'beheer-script',
    ]);
    token = created.token;
    assert.match(token, /^zpadm_[A-Za-z0-9_-]{43}$/);
  });
  after(async () => {
    agent?.destroy();
    await server?.close();
  });

  describe('authentication', () => {
    it('asks for a bearer token when none is sent (RFC 6750 §3)', async () => {
      for (const authorization of [undefined, 'Basic YWRtaW46YWRtaW4=', 'Bearer']) {
        const reply = await api('GET', '/directory', { token: null, authorization });
        assert.equal(reply.status, 401, String(authorization));
        assert.equal(reply.headers['www-authenticate'], 'Bearer realm="zorgpost-admin"');
        assert.match(reply.json.error, /Authorization: Bearer <token>.*zorgpost admin token create/);
        assert.match(String(reply.headers['strict-transport-security']), /^max-age=\d+; includeSubDomains$/);
      }
    });

    it('refuses a wrong token and audits the failure with the source address', async () => {
      const mark = await auditMark();
      for (const wrong of ['zpadm_' + 'A'.repeat(43), 'not-even-a-token']) {
        const reply = await api('GET', '/directory', { token: wrong });
        assert.equal(reply.status, 401);
        assert.equal(reply.headers['www-authenticate'], 'Bearer realm="zorgpost-admin", error="invalid_token"');
        assert.equal(reply.json.error, 'Unknown or revoked admin token');
      }
      const records = await auditSince(mark);
      assert.deepEqual(
        records.map((r) => [r.action, r.actor, r.remoteAddress]),
        [
          ['admin-api.login.failure', null, '127.0.0.1'],
          ['admin-api.login.failure', null, '127.0.0.1'],
        ],
      );
      assert.ok(!JSON.stringify(records).includes('AAAA'), 'the presented token is not logged');
    });

    it('refuses a revoked token at once', async () => {
      const { adminTokens } = server.server.services;
      const extra = await adminTokens.create('tijdelijk', { actor: 'test' });
      assert.equal((await api('GET', '/directory', { token: extra.token })).status, 200);
      await adminTokens.revoke(extra.id, { actor: 'test' });
      const reply = await api('GET', '/directory', { token: extra.token });
      assert.equal(reply.status, 401);
      assert.match(String(reply.headers['www-authenticate']), /error="invalid_token"/);
      // The other token is unaffected.
      assert.equal((await api('GET', '/directory')).status, 200);
    });

    it('sets the security headers on every answer', async () => {
      for (const reply of [
        await api('GET', '/directory'),
        await api('GET', '/directory', { token: null }),
        await api('GET', '/directory/nobody@nowhere.example'),
        await api('GET', '/directory?limit=0'),
      ]) {
        assert.match(String(reply.headers['strict-transport-security']), /max-age=31536000/, String(reply.status));
        assert.equal(reply.headers['x-content-type-options'], 'nosniff');
        assert.equal(reply.headers['referrer-policy'], 'no-referrer');
        assert.match(String(reply.headers['content-security-policy']), /frame-ancestors 'none'/);
      }
    });
  });

  describe('directory', () => {
    it('searches with an LDAP filter, diacritic-insensitive, and explains a bad filter', async () => {
      const found = await api<SearchPage>('GET', `/directory?filter=${encodeURIComponent('(cn=*muller*)')}`);
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(
        found.json.entries.map((e) => [e.dn, e.kind, e.hostedMailbox, e.attributes.cn]),
        [[`uid=${JAN},ou=se,dc=zorgmail`, 'person', true, ['Dr. Jan Müller']]],
      );
      assert.equal(found.json.next, null);
      const entry = found.json.entries[0]!;
      assert.deepEqual(entry.attributes.mail, [JAN]);
      assert.deepEqual(entry.attributes.objectClass, [
        'top',
        'person',
        'organizationalPerson',
        'inetOrgPerson',
        'zorgpostPerson',
      ]);

      for (const filter of ['(cn=*muller*', 'cn=jan', '(&)(cn=x)', '(cn~~jan)']) {
        const bad = await api('GET', `/directory?filter=${encodeURIComponent(filter)}`);
        assert.equal(bad.status, 400, filter);
        assert.match(bad.json.error, /^filter: \S/, filter);
      }
    });

    it('validates query parameters with a list of problems', async () => {
      const bad = await api('GET', '/directory?limit=0&after=-5');
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error, 'Invalid request');
      assert.equal(bad.json.problems?.length, 2);
      assert.match(bad.json.problems![0]!, /^(limit|after): /);
      assert.match(bad.json.problems![1]!, /^(limit|after): /);
      const tooMany = await api('GET', '/directory?limit=1001');
      assert.equal(tooMany.status, 400);
      assert.match(tooMany.json.problems![0]!, /^limit: /);
    });

    it('imports CSV with Dutch column names and diacritics, and audits it', async () => {
      const mark = await auditMark();
      const csv =
        'soort,naam,voornaam,achternaam,e-mailadres,organisatie,functie,plaats,domein\r\n' +
        'persoon,Anna Öztürk,Anna,Öztürk,Anna.Ozturk@apotheek-zorg.example,Apotheek Zorg,Apotheker,Zwolle,\r\n' +
        'persoon,Ĳsbrand Ærts,Ĳsbrand,Ærts,ijsbrand@apotheek-zorg.example,Apotheek Zorg,,Ede,\r\n' +
        'organisatie,Apotheek Zorg,,,,Apotheek Zorg,,Zwolle,apotheek-zorg.example\r\n' +
        `persoon,Dr. Jan Müller,Jan,Müller,${JAN},,Huisarts,Utrecht,\r\n`;
      const reply = await api<ImportReply>('POST', '/directory/import', {
        body: csv,
        contentType: 'text/csv; charset=utf-8',
      });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json, { imported: true, created: 3, updated: 1 });
      await assertAudited(mark, ['directory.import']);

      const anna = await api<ApiEntry>('GET', '/directory/anna.ozturk@apotheek-zorg.example');
      assert.equal(anna.status, 200);
      assert.equal(anna.json.hostedMailbox, false);
      assert.deepEqual(anna.json.attributes.sn, ['Öztürk']);
      assert.deepEqual(anna.json.attributes.l, ['Zwolle']);
      const jan = await api<ApiEntry>('GET', `/directory/${JAN}`);
      assert.deepEqual([jan.json.attributes.title, jan.json.attributes.l], [['Huisarts'], ['Utrecht']]);
      assert.equal(jan.json.hostedMailbox, true);

      const ozturk = await api<SearchPage>('GET', `/directory?filter=${encodeURIComponent('(sn=ozturk)')}`);
      assert.deepEqual(
        ozturk.json.entries.map((e) => e.attributes.mail![0]),
        ['anna.ozturk@apotheek-zorg.example'],
      );
    });

    it('imports LDIF (base64 values, folded lines)', async () => {
      const mark = await auditMark();
      const name = 'Wilhelmina van Oranje-Nassau tot de Ĳsselmonde, specialist ouderengeneeskunde';
      const cn = `cn:: ${Buffer.from(name).toString('base64')}`;
      const folded = [cn.slice(0, 76), ...(cn.slice(76).match(/.{1,75}/g) ?? []).map((part) => ` ${part}`)].join('\n');
      const ldif =
        'version: 1\n\n' +
        '# een partner uit het ziekenhuis\n' +
        'dn: uid=w.oranje@ziekenhuis-oost.example,ou=se,dc=zorgmail\n' +
        'objectClass: inetOrgPerson\n' +
        `${folded}\n` +
        'sn: van Oranje-Nassau\n' +
        'mail: w.oranje@ziekenhuis-oost.example\n' +
        'telephoneNumber: +31 53 123 4567\n' +
        'zorgpostHidden: FALSE\n';
      const reply = await api<ImportReply>('POST', '/directory/import', { body: ldif, contentType: 'text/x-ldif' });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json, { imported: true, created: 1, updated: 0 });
      await assertAudited(mark, ['directory.import']);
      const entry = await api<ApiEntry>('GET', '/directory/W.Oranje@ziekenhuis-oost.example');
      assert.deepEqual(entry.json.attributes.cn, [name]);
      assert.deepEqual(entry.json.attributes.telephoneNumber, ['+31 53 123 4567']);
      // Telephone numbers match without spaces (RFC 4517 telephoneNumberMatch).
      const byPhone = await api<SearchPage>(
        'GET',
        `/directory?filter=${encodeURIComponent('(telephoneNumber=+31531234567)')}`,
      );
      assert.equal(byPhone.json.entries.length, 1);
    });

    it('refuses an erroneous file as a whole, with line numbers, and changes nothing', async () => {
      const before = await server.server.services.directory.count({ includeHidden: true });
      const mark = await auditMark();
      const csv =
        'naam,e-mailadres,functie,kleur\n' +
        'Goede Regel,goed@partner.example,Arts,\n' +
        'Foute Regel,geen-adres,Arts,\n' +
        '\n' +
        '"Jan ""Twee"" Regels",jan@partner.example,"Huis\narts",\n';
      const csvReply = await api<ImportReply>('POST', '/directory/import', { body: csv });
      assert.equal(csvReply.status, 422, csvReply.text);
      assert.equal(csvReply.json.imported, false);
      const csvErrors = (csvReply.json as { errors: string[] }).errors;
      assert.match(csvErrors[0]!, /^line 1: column "kleur": unknown attribute/);
      assert.ok(
        csvErrors.some((e) => /^line 3: mail "geen-adres" is not a valid mail address/.test(e)),
        csvErrors.join('\n'),
      );
      assert.ok(
        csvErrors.some((e) => /^line 5: title contains a line break/.test(e)),
        csvErrors.join('\n'),
      );

      const ldif =
        'version: 1\n\n' +
        'dn: uid=goed@partner.example,ou=se,dc=zorgmail\nmail: goed@partner.example\ncn: Goed\n\n' +
        'dn: uid=fout@partner.example,ou=se,dc=zorgmail\ncn: Fout\njpegPhoto:: /9j/4AAQ\n\n' +
        'dn: uid=x,ou=se,dc=zorgmail\nchangetype: delete\n';
      // Sent as text/plain, ?format=ldif says what it is; application/ldif says so by itself.
      for (const [query, contentType] of [
        ['?format=ldif', 'text/plain'],
        ['', 'application/ldif'],
      ]) {
        const ldifReply = await api<ImportReply>('POST', `/directory/import${query}`, { body: ldif, contentType });
        assert.equal(ldifReply.status, 422, ldifReply.text);
        assert.equal(ldifReply.json.imported, false);
        assert.deepEqual((ldifReply.json as { errors: string[] }).errors, [
          'entry 2 (line 7), line 9: jpegPhoto holds binary data, not UTF-8 text; the directory imports text only',
          'entry 2 (line 7): a person needs a mail address (mail)',
          'entry 3 (line 11), line 12: change records ("changetype:") are not imported; use content records',
        ]);
      }

      // Checks made against the directory while importing answer the same way.
      const twice = await api<ImportReply>('POST', '/directory/import', {
        body: 'naam,mail\nEen,dubbel@partner.example\nTwee,Dubbel@Partner.example\n',
      });
      assert.equal(twice.status, 422);
      assert.deepEqual(twice.json, {
        imported: false,
        errors: ['line 3: dubbel@partner.example appears twice in the file'],
      });

      assert.equal(await server.server.services.directory.count({ includeHidden: true }), before);
      assert.equal((await api('GET', '/directory/goed@partner.example')).status, 404);
      assert.deepEqual(await auditSince(mark), []);

      const json = await api('POST', '/directory/import', { json: { mail: 'x@partner.example' } });
      assert.equal(json.status, 400);
      assert.match(json.json.error, /Send the file as the request body/);
    });

    it('reads, changes, hides and removes entries', async () => {
      const mark = await auditMark();
      const changed = await api<ApiEntry>('PATCH', `/directory/${JAN}`, {
        json: {
          attributes: { title: 'Huisarts', telephoneNumber: ['030 123 4567', '06-12345678'], specialism: 'huisarts' },
        },
      });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(changed.json.attributes.telephoneNumber, ['030 123 4567', '06-12345678']);
      assert.deepEqual(changed.json.attributes.specialism, ['huisarts']);

      const cleared = await api<ApiEntry>('PATCH', `/directory/${JAN}`, { json: { attributes: { specialism: null } } });
      assert.equal(cleared.json.attributes.specialism, undefined);
      assert.deepEqual(cleared.json.attributes.title, ['Huisarts']);

      const hidden = await api<ApiEntry>('PATCH', `/directory/${JAN}`, { json: { hidden: true } });
      assert.equal(hidden.json.hidden, true);
      const search = await api<SearchPage>('GET', `/directory?filter=${encodeURIComponent('(cn=*muller*)')}`);
      assert.deepEqual(search.json.entries, [], 'hidden entries are left out of searches');
      assert.equal((await api<ApiEntry>('GET', `/directory/${JAN}`)).json.hidden, true, 'but can still be read');
      const shown = await api<ApiEntry>('PATCH', `/directory/${JAN}`, { json: { hidden: false } });
      assert.equal(shown.json.hidden, false);

      const removed = await api('DELETE', '/directory/ijsbrand@apotheek-zorg.example');
      assert.equal(removed.status, 204);
      assert.equal(removed.text, '');
      assert.equal((await api('GET', '/directory/ijsbrand@apotheek-zorg.example')).status, 404);

      await assertAudited(mark, [
        'directory.update',
        'directory.update',
        'directory.hide',
        'directory.unhide',
        'directory.remove',
      ]);
      const records = await auditSince(mark);
      assert.deepEqual(records[0]!.detail, { uid: JAN, attributes: ['title', 'telephoneNumber', 'specialism'] });
      assert.equal(records[2]!.mailboxId, (await server.server.services.directory.findEntry(JAN))!.mailboxId);
    });

    it('refuses changes it cannot make, with the reason, and records nothing', async () => {
      const mark = await auditMark();
      const hosted = await api('DELETE', `/directory/${JAN}`);
      assert.equal(hosted.status, 409);
      assert.match(hosted.json.error, /belongs to a hosted mailbox: hide it instead/);
      const org = await api('DELETE', '/directory/huisarts.example');
      assert.equal(org.status, 409);
      assert.match(org.json.error, /hosted organisation: hide it instead/);
      assert.equal((await api('DELETE', '/directory/niemand@nergens.example')).status, 404);

      const derived = await api('PATCH', `/directory/${JAN}`, { json: { attributes: { uid: 'iemand' } } });
      assert.equal(derived.status, 400);
      assert.match(derived.json.error, /uid cannot be set on a person/);
      const wrongKind = await api('PATCH', '/directory/huisarts.example', { json: { attributes: { title: 'x' } } });
      assert.equal(wrongKind.status, 400);
      assert.match(
        wrongKind.json.error,
        /title cannot be set on a organisation|title cannot be set on an organisation/,
      );

      for (const [body, problem] of [
        [{ colour: 'red' }, /^body: .*colour/],
        [{ hidden: 'yes' }, /^hidden: /],
        [{ attributes: { title: 42 } }, /^attributes\.title: /],
        [{ attributes: { title: ['x'.repeat(1025)] } }, /^attributes\.title(\.0)?: /],
      ] as const) {
        const reply = await api('PATCH', `/directory/${JAN}`, { json: body });
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.equal(reply.json.error, 'Invalid request');
        assert.ok(
          reply.json.problems?.some((p) => problem.test(p)),
          `${JSON.stringify(body)}: ${reply.json.problems?.join('; ')}`,
        );
      }
      const unknown = await api('PATCH', '/directory/niemand@nergens.example', { json: { hidden: true } });
      assert.equal(unknown.status, 404);
      const empty = await api('PATCH', '/directory/niemand@nergens.example', { json: {} });
      assert.equal(empty.status, 404, empty.text);
      assert.deepEqual(await auditSince(mark), []);
    });

    it('pages through a search with after/next, every entry once', async () => {
      const rows = Array.from(
        { length: 23 },
        (_, i) => `Partner ${String(i).padStart(2, '0')},partner${i}@ketenpartner.example`,
      );
      const imported = await api<ImportReply>('POST', '/directory/import', { body: `naam,mail\n${rows.join('\n')}\n` });
      assert.deepEqual(imported.json, { imported: true, created: 23, updated: 0 });

      const collect = async (filter: string, limit: number) => {
        const dns: string[] = [];
        let after = -1;
        for (let page = 0; page < 100; page++) {
          const reply = await api<SearchPage>(
            'GET',
            `/directory?filter=${encodeURIComponent(filter)}&limit=${limit}&after=${after}`,
          );
          assert.equal(reply.status, 200, reply.text);
          assert.ok(reply.json.entries.length <= limit);
          dns.push(...reply.json.entries.map((e) => e.dn));
          if (reply.json.next === null) return dns;
          assert.equal(reply.json.entries.length, limit, 'only the last page is short');
          after = reply.json.next;
        }
        throw new Error('paging did not end');
      };
      const partners = await collect('(mail=*@ketenpartner.example)', 5);
      assert.equal(partners.length, 23);
      assert.equal(new Set(partners).size, 23);
      const everything = await collect('(objectClass=*)', 7);
      assert.equal(new Set(everything).size, everything.length, 'no entry twice');
      assert.equal(everything.length, await server.server.services.directory.count({ includeHidden: false }));
      // A page size that divides the result exactly still ends with next: null, not an empty page.
      const exact = await collect('(|(mail=partner1@ketenpartner.example)(mail=partner2@ketenpartner.example))', 2);
      assert.equal(exact.length, 2);
    });

    it('exports CSV and LDIF that import back into the same directory unchanged', async () => {
      // One hidden entry, so the hidden flag makes the round trip too.
      assert.equal(
        (await api('PATCH', '/directory/anna.ozturk@apotheek-zorg.example', { json: { hidden: true } })).status,
        200,
      );
      const total = await server.server.services.directory.count({ includeHidden: true });

      const csv = await api('GET', '/directory/export');
      assert.equal(csv.status, 200);
      assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(csv.headers['content-disposition'], 'attachment; filename="directory.csv"');
      assert.match(String(csv.headers['strict-transport-security']), /max-age/);
      assert.ok(csv.text.startsWith('\uFEFFkind,hidden,cn,'), csv.text.slice(0, 40));
      assert.equal(csv.text.trimEnd().split('\r\n').length, total + 1);
      assert.match(csv.text, /person,yes,Anna Öztürk,/);
      assert.match(csv.text, /Dr\. Jan Müller/);

      const visible = await api('GET', '/directory/export?includeHidden=false');
      assert.equal(visible.text.trimEnd().split('\r\n').length, total);
      assert.doesNotMatch(visible.text, /Öztürk/);

      const ldif = await api('GET', '/directory/export?format=ldif');
      assert.equal(ldif.status, 200);
      assert.equal(ldif.headers['content-type'], 'text/x-ldif; charset=utf-8');
      assert.equal(ldif.headers['content-disposition'], 'attachment; filename="directory.ldif"');
      assert.ok(ldif.text.startsWith('version: 1\n\ndn: '));
      assert.equal(ldif.text.match(/^dn: /gm)?.length, total);
      assert.equal(ldif.text.match(/^zorgpostHidden: TRUE$/gm)?.length, 1);

      const mark = await auditMark();
      for (const [file, contentType] of [
        [csv.text, 'text/csv'],
        [ldif.text, 'text/x-ldif'],
      ] as const) {
        const again = await api<ImportReply>('POST', '/directory/import', { body: file, contentType });
        assert.deepEqual(again.json, { imported: true, created: 0, updated: total }, contentType);
        assert.equal((await api('GET', '/directory/export')).text, csv.text, `${contentType}: CSV export unchanged`);
        assert.equal(
          (await api('GET', '/directory/export?format=ldif')).text,
          ldif.text,
          `${contentType}: LDIF unchanged`,
        );
      }
      // Every export is audited too: who took the directory matters (SPEC R22).
      await assertAudited(mark, [
        ...['directory.import', 'directory.export', 'directory.export'],
        ...['directory.import', 'directory.export', 'directory.export'],
      ]);

      const bad = await api('GET', '/directory/export?format=xml');
      assert.equal(bad.status, 400);
      assert.match(bad.json.problems![0]!, /^format: /);
    });
  });

  describe('domain books and the classifier', () => {
    // Canonical form (domains sorted): the export gives back exactly this.
    const REGIO_CSV =
      'domain,note\nlab.example,Laboratorium\nxn--zrg-sna.example,"Zörg, Enschede"\nziekenhuis-oost.example,\n';

    it('lists the default books and creates, fills and renames a book', async () => {
      const list = await api<{ books: Array<{ name: string; domainCount: number }> }>('GET', '/domain-books');
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.json.books.map((b) => b.name),
        ['SIGRA', 'ZorgMail'],
      );

      const mark = await auditMark();
      const created = await api<{ name: string; description: string | null }>('POST', '/domain-books', {
        json: { name: 'Regio West', description: 'Ketenpartners in het westen' },
      });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual([created.json.name, created.json.description], ['Regio West', 'Ketenpartners in het westen']);
      const twice = await api('POST', '/domain-books', { json: { name: 'regio west' } });
      assert.equal(twice.status, 409);
      assert.match(twice.json.error, /already exists/);

      const added = await api('POST', '/domain-books/Regio West/domains'.replace(' ', '%20'), {
        json: {
          domains: [
            'Ziekenhuis-Oost.example',
            { domain: 'lab.example', note: 'Laboratorium' },
            'ziekenhuis-oost.example',
          ],
        },
      });
      assert.equal(added.status, 200, added.text);
      assert.deepEqual(added.json, { added: 2, removed: 0, total: 2 });

      const renamed = await api<{ name: string }>('PATCH', '/domain-books/regio%20west', {
        json: { name: 'Regio Oost' },
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.json.name, 'Regio Oost');
      const book = await api<{
        name: string;
        domainCount: number;
        domains: Array<{ domain: string; note: string | null }>;
      }>('GET', '/domain-books/Regio%20Oost');
      assert.deepEqual(book.json.domains, [
        { domain: 'lab.example', note: 'Laboratorium' },
        { domain: 'ziekenhuis-oost.example', note: null },
      ]);
      assert.equal(book.json.domainCount, 2);
      await assertAudited(mark, ['domainbook.create', 'domainbook.add', 'domainbook.rename']);
    });

    it('takes a CSV file in and gives the same file back', async () => {
      const mark = await auditMark();
      const put = await api('PUT', '/domain-books/Regio%20Oost/csv', { body: REGIO_CSV });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.json, { book: 'Regio Oost', created: false, read: 3, added: 1, removed: 0, total: 3 });
      const get = await api('GET', '/domain-books/regio%20oost/csv');
      assert.equal(get.status, 200);
      assert.equal(get.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(get.text, REGIO_CSV);

      // A bad file changes nothing, and says which lines are wrong.
      const bad = await api('PUT', '/domain-books/Regio%20Oost/csv', {
        body: 'domain,note\nok.example,\n@fout.example,\n',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.json.error, /^line 3: "@fout\.example": .*Nothing was imported\.$/);
      assert.equal((await api('GET', '/domain-books/Regio%20Oost/csv')).text, REGIO_CSV);

      // Semicolons from Dutch Excel; a new book is created by the upload; replace=false adds only.
      const semicolons = await api('PUT', '/domain-books/Excel/csv?replace=false', {
        body: 'domain;note\nexcel.example;Uit Excel\n',
      });
      assert.deepEqual(semicolons.json, { book: 'Excel', created: true, read: 1, added: 1, removed: 0, total: 1 });
      assert.equal((await api('DELETE', '/domain-books/Excel/domains/excel.example')).status, 204);
      assert.equal((await api('DELETE', '/domain-books/Excel/domains/excel.example')).status, 404);
      assert.equal((await api('DELETE', '/domain-books/Excel')).status, 204);
      assert.equal((await api('GET', '/domain-books/Excel')).status, 404);

      const json = await api('PUT', '/domain-books/Regio%20Oost/csv', { json: { domains: [] } });
      assert.equal(json.status, 400);
      assert.match(json.json.error, /Send the CSV file as the request body/);

      await assertAudited(mark, [
        'domainbook.import',
        'domainbook.create',
        'domainbook.import',
        'domainbook.remove',
        'domainbook.remove',
        'domainbook.delete',
      ]);
    });

    it('assigns a book to an organisation and classifies recipients with it', async () => {
      const mark = await auditMark();
      const assigned = await api('PUT', '/organisations/huisarts.example/domain-book', {
        json: { book: 'Regio Oost' },
      });
      assert.equal(assigned.status, 204, assigned.text);
      const classified = await api<{ sender: string; recipients: Array<Record<string, string>> }>('POST', '/classify', {
        json: {
          sender: JAN,
          recipients: [
            'balie@huisarts.example',
            'poli@ziekenhuis-oost.example',
            'info@zörg.example',
            'iemand@gmail.example',
          ],
        },
      });
      assert.equal(classified.status, 200, classified.text);
      assert.deepEqual(classified.json, {
        sender: JAN,
        recipients: [
          { recipient: 'balie@huisarts.example', class: 'community', reason: 'hosted' },
          { recipient: 'poli@ziekenhuis-oost.example', class: 'community', reason: 'domain-book', book: 'Regio Oost' },
          { recipient: 'info@zörg.example', class: 'community', reason: 'domain-book', book: 'Regio Oost' },
          { recipient: 'iemand@gmail.example', class: 'external' },
        ],
      });
      // One recipient that is no address refuses the request, naming it.
      const notAnAddress = await api('POST', '/classify', {
        json: { sender: JAN, recipients: [JAN, 'Jan <jan@lab.example>'] },
      });
      assert.equal(notAnAddress.status, 400);
      assert.match(notAnAddress.json.error, /"Jan <jan@lab\.example>" is not a bare e-mail address/);
      // A sender from elsewhere has no book: only hosted domains are community.
      const outsider = await api<{ recipients: Array<{ class: string }> }>('POST', '/classify', {
        json: { sender: 'iemand@gmail.example', recipients: ['poli@ziekenhuis-oost.example', JAN] },
      });
      assert.deepEqual(
        outsider.json.recipients.map((r) => r.class),
        ['external', 'community'],
      );

      const inUse = await api('DELETE', '/domain-books/Regio%20Oost');
      assert.equal(inUse.status, 409);
      assert.match(inUse.json.error, /in use by huisarts\.example/);
      const builtIn = await api('DELETE', '/domain-books/ZorgMail');
      assert.equal(builtIn.status, 409);
      assert.match(builtIn.json.error, /default domain book/);
      const noOrg = await api('PUT', '/organisations/elders.example/domain-book', { json: { book: 'Regio Oost' } });
      assert.equal(noOrg.status, 404);
      const noBook = await api('PUT', '/organisations/huisarts.example/domain-book', {
        json: { book: 'Bestaat Niet' },
      });
      assert.equal(noBook.status, 404);

      assert.equal(
        (await api('PUT', '/organisations/huisarts.example/domain-book', { json: { book: null } })).status,
        204,
      );
      const after = await api<{ recipients: Array<{ class: string }> }>('POST', '/classify', {
        json: { sender: JAN, recipients: ['poli@ziekenhuis-oost.example'] },
      });
      assert.equal(after.json.recipients[0]!.class, 'external');
      assert.equal((await api('DELETE', '/domain-books/Regio%20Oost')).status, 204);

      const records = await assertAudited(mark, ['domainbook.assign', 'domainbook.assign', 'domainbook.delete']);
      assert.deepEqual(records[0]!.detail, { organisation: 'huisarts.example', book: 'Regio Oost' });
      assert.deepEqual(records[1]!.detail, { organisation: 'huisarts.example', book: null });
    });

    it('answers invalid requests with 400 and a list of problems', async () => {
      const cases: Array<[string, string, unknown, RegExp]> = [
        ['POST', '/domain-books', {}, /^name: /],
        ['POST', '/domain-books', { name: 'x'.repeat(101) }, /^name: /],
        ['POST', '/domain-books', { name: 'Boek', owner: 'ik' }, /^body: .*owner/],
        ['POST', '/domain-books/ZorgMail/domains', { domains: [] }, /^domains: /],
        ['POST', '/domain-books/ZorgMail/domains', { domains: [{ note: 'geen domein' }] }, /^domains\.0/],
        ['PUT', '/organisations/huisarts.example/domain-book', {}, /^book: /],
        ['POST', '/classify', { sender: JAN, recipients: [] }, /^recipients: /],
        ['POST', '/classify', { recipients: ['a@b.example'] }, /^sender: /],
      ];
      const mark = await auditMark();
      for (const [method, path, body, problem] of cases) {
        const reply = await api(method, path, { json: body });
        assert.equal(reply.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${reply.text}`);
        assert.equal(reply.json.error, 'Invalid request');
        assert.ok(
          reply.json.problems?.some((p) => problem.test(p)),
          `${method} ${path}: ${reply.json.problems?.join('; ')}`,
        );
      }
      const notJson = await api('POST', '/classify', { body: '{"sender":', contentType: 'application/json' });
      assert.equal(notJson.status, 400);
      assert.equal(typeof notJson.json.error, 'string');
      const badDomain = await api('POST', '/domain-books/ZorgMail/domains', { json: { domains: ['niet een domein'] } });
      assert.equal(badDomain.status, 400);
      assert.match(badDomain.json.error, /not a valid domain/);
      assert.deepEqual(await auditSince(mark), []);
    });
  });
});

describe('admin HTTP API throttling', () => {
  it('answers 429 with Retry-After once an address has failed too often, even with a good token', async () => {
    const server = await startTestServer({ security: { maxFailuresPerAddress: 3, failureWindowSeconds: 120 } });
    const agent = new Agent({ ca: server.ca, keepAlive: true });
    try {
      const { token } = await server.server.services.adminTokens.create('beheer-script', { actor: 'test' });
      assert.equal((await call(server, agent, 'GET', '/directory', { token })).status, 200);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const reply = await call(server, agent, 'GET', '/directory', { token: `zpadm_guess${attempt}` });
        assert.equal(reply.status, 401, `attempt ${attempt}`);
      }
      for (const tried of [`zpadm_guess4`, token]) {
        const reply = await call<ApiError>(server, agent, 'GET', '/directory', { token: tried });
        assert.equal(reply.status, 429);
        const retryAfter = Number(reply.headers['retry-after']);
        assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 120, String(retryAfter));
        assert.match(reply.json.error, new RegExp(`try again in ${retryAfter} s`));
        assert.match(String(reply.headers['strict-transport-security']), /max-age/);
      }
      const failures = await server.server.services.audit.list({ action: 'admin-api.login.failure' });
      assert.equal(failures.length, 3, 'throttled attempts are refused before the token is looked at');
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
