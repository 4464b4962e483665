// ldapsearch from Debian's ldap-utils, a client nobody here wrote, with exactly the manual's settings
// (chapter 3: server, port 636 with SSL, user name uid=<klantnummer>, the Hosted Mail Key, search base
// ou=se,dc=zorgmail), trusting the server's generated CA.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import type { DirectoryImportRecord } from '../../src/directory/types.ts';

const BASE = 'ou=se,dc=zorgmail';

interface LdapsearchResult {
  code: number;
  entries: Array<{ dn: string; attributes: Record<string, string[]> }>;
  stdout: string;
  stderr: string;
}

/** Runs ldapsearch; values come back decoded (base64 "::" values included). */
function ldapsearch(server: TestServer, args: string[]): Promise<LdapsearchResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'ldapsearch',
      ['-H', `ldaps://localhost:${server.ports.ldaps}`, '-x', '-o', 'ldif-wrap=no', ...args],
      { env: { ...process.env, LDAPTLS_CACERT: server.caFile, LDAPTLS_REQCERT: 'demand' }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? Number((error as NodeJS.ErrnoException & { code?: unknown }).code ?? -1) : 0;
        if (error && typeof (error as { code?: unknown }).code !== 'number') return reject(error);
        resolve({ code, entries: parseLdif(stdout), stdout, stderr });
      },
    );
  });
}

function parseLdif(text: string): LdapsearchResult['entries'] {
  const entries: LdapsearchResult['entries'] = [];
  for (const block of text.split(/\n\n+/)) {
    let current: LdapsearchResult['entries'][number] | null = null;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const match = /^([A-Za-z0-9;.-]+)(::?) ?(.*)$/.exec(line);
      if (!match) continue;
      const value = match[2] === '::' ? Buffer.from(match[3]!, 'base64').toString('utf8') : match[3]!;
      if (match[1] === 'dn') {
        current = { dn: value, attributes: {} };
        entries.push(current);
      } else if (current) {
        (current.attributes[match[1]!] ??= []).push(value);
      }
    }
  }
  return entries;
}

describe('ldapsearch with the manual’s settings', () => {
  let server: TestServer;
  let account: TestAccount;
  const bound = () => ['-D', `uid=${account.klantnummer}`, '-w', account.key, '-b', BASE];

  before(async () => {
    server = await startTestServer();
    account = await server.addMailbox('j.muller@delinde.nl', 'Dr. Jan Müller');
    await server.addMailbox('p.devries@delinde.nl', 'Petra de Vries');
    const people: DirectoryImportRecord[] = [];
    for (let i = 0; i < 5000; i++) {
      people.push({
        kind: 'person',
        source: `row ${i}`,
        attributes: {
          mail: [`medewerker${i}@ziekenhuis${i % 20}.example`],
          cn: [`Medewerker ${i} ${i % 2 ? 'Jansen' : 'Öztürk'}`],
          sn: [i % 2 ? 'Jansen' : 'Öztürk'],
          o: [`Ziekenhuis ${i % 20}`],
        },
      });
    }
    people.push({ kind: 'person', source: 'k', attributes: { mail: ['k.bakker@lab.example'], cn: ['Karin Bakker'], sn: ['Bakker'], o: ['Laboratorium Noord'], title: ['Klinisch chemicus'] } });
    await server.server.services.directory.importRecords(people, { actor: 'test' });
  });

  after(() => server.close());

  it('finds people by a name fragment, diacritics ignored', async () => {
    const result = await ldapsearch(server, [...bound(), '(cn=*muller*)', 'cn', 'mail', 'displayName']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.entries, [
      { dn: `uid=j.muller@delinde.nl,${BASE}`, attributes: { cn: ['Dr. Jan Müller'], displayName: ['Dr. Jan Müller'], mail: ['j.muller@delinde.nl'] } },
    ]);
  });

  it('finds people by mail and by organisation', async () => {
    const byMail = await ldapsearch(server, [...bound(), '(mail=K.Bakker@lab.example)', 'cn']);
    assert.deepEqual(byMail.entries.map((e) => e.attributes.cn), [['Karin Bakker']]);
    const byOrganisation = await ldapsearch(server, [...bound(), '(o=laboratorium noord)', 'mail', 'title']);
    assert.deepEqual(byOrganisation.entries, [
      { dn: `uid=k.bakker@lab.example,${BASE}`, attributes: { mail: ['k.bakker@lab.example'], title: ['Klinisch chemicus'] } },
    ]);
    const organisationEntry = await ldapsearch(server, [...bound(), '(&(objectClass=organization)(associatedDomain=delinde.nl))', 'o']);
    assert.deepEqual(organisationEntry.entries.map((e) => e.attributes.o), [['Praktijk delinde.nl']]);
  });

  it('also accepts the full bind DN uid=<klantnummer>,ou=se,dc=zorgmail', async () => {
    const result = await ldapsearch(server, ['-D', `uid=${account.klantnummer},${BASE}`, '-w', account.key, '-b', BASE, '(cn=petra de*)', 'mail']);
    assert.deepEqual(result.entries.map((e) => e.attributes.mail), [['p.devries@delinde.nl']]);
  });

  it('returns every entry of a 5,000-entry directory exactly once with paged results (RFC 2696)', async () => {
    const result = await ldapsearch(server, [...bound(), '-E', 'pr=500/noprompt', '(objectClass=person)', 'mail']);
    assert.equal(result.code, 0, result.stderr);
    const mails = result.entries.map((e) => e.attributes.mail?.[0]);
    assert.equal(mails.length, 5003);
    assert.equal(new Set(mails).size, 5003, 'no entry twice');
    assert.ok(mails.includes('medewerker4999@ziekenhuis19.example'));
  });

  it('stops at the server size limit without paging and says so', async () => {
    const result = await ldapsearch(server, [...bound(), '(sn=jansen)', 'mail']);
    assert.equal(result.code, 4, 'sizeLimitExceeded');
    assert.equal(result.entries.length, 1000);
    assert.match(result.stdout, /Size limit exceeded/);
    const limited = await ldapsearch(server, [...bound(), '-z', '5', '(sn=ozturk)', 'mail']);
    assert.equal(limited.code, 4);
    assert.equal(limited.entries.length, 5);
  });

  it('refuses a wrong key and an anonymous search', async () => {
    const wrong = await ldapsearch(server, ['-D', `uid=${account.klantnummer}`, '-w', 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg', '-b', BASE, '(cn=*)']);
    assert.equal(wrong.code, 49, 'invalidCredentials');
    assert.match(wrong.stderr, /Invalid credentials/);
    const anonymous = await ldapsearch(server, ['-b', BASE, '(cn=*)']);
    assert.notEqual(anonymous.code, 0);
    assert.deepEqual(anonymous.entries, []);
  });

  it('reads the root DSE', async () => {
    const result = await ldapsearch(server, ['-D', `uid=${account.klantnummer}`, '-w', account.key, '-b', '', '-s', 'base', '(objectClass=*)', '+']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.entries[0]!.attributes.namingContexts, [BASE]);
    assert.ok(result.entries[0]!.attributes.supportedControl!.includes('1.2.840.113556.1.4.319'));
  });
});
