// The development CA (SPEC R26): created once, the server certificate re-issued whenever it would
// not verify against data/tls/ca.pem or no longer names the host.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ensureLocalCertificates } from '../../src/tls/local-ca.ts';

const verifies = (dir: string) => {
  try {
    execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'server.pem')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

it('keeps, re-issues and repairs the local certificates', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zorgpost-ca-'));
  try {
    const first = await ensureLocalCertificates(dir, 'mail.test.example');
    assert.equal(first.created.length, 2);
    assert.ok(verifies(dir));
    assert.deepEqual((await ensureLocalCertificates(dir, 'mail.test.example')).created, [], 'nothing changes on a second start');

    const renamed = await ensureLocalCertificates(dir, 'mail.other.example');
    assert.deepEqual(renamed.created, [join(dir, 'server.pem')], 'a new host name gets a new server certificate from the same CA');
    assert.match(execFileSync('openssl', ['x509', '-in', join(dir, 'server.pem'), '-noout', '-ext', 'subjectAltName']).toString(), /mail\.other\.example/);

    await writeFile(join(dir, 'server-key.pem'), 'garbage');
    const rekeyed = await ensureLocalCertificates(dir, 'mail.other.example');
    assert.deepEqual(rekeyed.created, [join(dir, 'server.pem')], 'an unreadable key means a new server certificate');
    assert.ok(verifies(dir));

    await rm(join(dir, 'ca.pem'));
    const repaired = await ensureLocalCertificates(dir, 'mail.other.example');
    assert.equal(repaired.created.length, 2, 'a lost CA certificate means a new CA and a server certificate it signed');
    assert.ok(verifies(dir));
    assert.match((await readFile(join(dir, 'server-key.pem'), 'utf8')), /BEGIN PRIVATE KEY/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
