// `zorgpost serve` as `npm start` runs it: listeners on configured ports (0 disables one), the local
// CA on first start, real certificate files when configured, TLS policy (SPEC R21) and the health page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

function handshake(port: number, options: ConnectionOptions): Promise<{ protocol: string | null; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.destroy();
      resolve(result);
    });
    socket.once('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

function httpsGet(port: number, path: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('zorgpost serve', () => {
  let dir: string;
  let server: ServeProcess;
  let ca: Buffer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-serve-'));
    server = await startServeProcess(join(dir, 'data'), { ports: { pop3s: 0 } });
    ca = await readFile(join(dir, 'data', 'tls', 'ca.pem'));
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints every listener and the CA file, and leaves a disabled listener off', async () => {
    const out = server.stdout();
    for (const [name, port] of [['IMAPS', server.ports.imaps], ['SMTPS', server.ports.smtps], ['Submission', server.ports.submission], ['HTTPS', server.ports.https]] as const) {
      assert.match(out, new RegExp(`${name}.*port ${port}\\b`));
    }
    assert.doesNotMatch(out, /POP3S +port/);
    assert.match(out, /disabled: pop3s/);
    assert.match(out, /ca\.pem/);
    assert.ok(existsSync(join(dir, 'data', 'zorgpost.db')));
  });

  it('refuses a second server on the same data directory, and keeps its files private', async () => {
    await assert.rejects(startServeProcess(join(dir, 'data')), /already using/);
    for (const file of ['zorgpost.db', 'zorgpost.db-wal', join('tls', 'server-key.pem')]) {
      assert.equal((await stat(join(dir, 'data', file))).mode & 0o077, 0, `${file} is private`);
    }
  });

  it('serves TLS 1.2 and 1.3 with forward-secret AEAD suites only', async () => {
    const tls13 = await handshake(server.ports.imaps, { ca });
    assert.equal(tls13.protocol, 'TLSv1.3');
    const tls12 = await handshake(server.ports.smtps, { ca, maxVersion: 'TLSv1.2' });
    assert.equal(tls12.protocol, 'TLSv1.2');
    assert.match(tls12.cipher, /^ECDHE-/);
    // Static-RSA and CBC suites are refused outright.
    await assert.rejects(handshake(server.ports.imaps, { ca, maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA256:ECDHE-ECDSA-AES128-SHA' }));
    await assert.rejects(handshake(server.ports.imaps, { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }));
  });

  it('answers the health check over HTTPS with HSTS', async () => {
    const health = await httpsGet(server.ports.https, '/healthz', ca);
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).status, 'ok');
    assert.match(String(health.headers['strict-transport-security']), /max-age=\d+/);
    const page = await httpsGet(server.ports.https, '/', ca);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});

describe('zorgpost serve with configured certificate files', () => {
  it('presents the configured certificate instead of the local CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zorgpost-cert-'));
    try {
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
        '-days', '2', '-subj', '/CN=mail.configured.example', '-addext', 'subjectAltName=DNS:mail.configured.example'], { stdio: 'ignore' });
      const server = await startServeProcess(join(dir, 'data'), {
        ports: { smtps: 0, submission: 0, pop3s: 0, https: 0 },
        env: { ZORGPOST_TLS_CERT: cert, ZORGPOST_TLS_KEY: key, ZORGPOST_HOSTNAME: 'mail.configured.example' },
      });
      try {
        const result = await handshake(server.ports.imaps, { ca: await readFile(cert), servername: 'mail.configured.example' });
        assert.equal(result.protocol, 'TLSv1.3');
        assert.equal(existsSync(join(dir, 'data', 'tls', 'ca.pem')), false, 'no local CA when real files are configured');
      } finally {
        await server.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a clear error when a configured file is missing or unusable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zorgpost-cert-'));
    try {
      await assert.rejects(
        startServeProcess(join(dir, 'data'), { env: { ZORGPOST_TLS_CERT: join(dir, 'nope.pem'), ZORGPOST_TLS_KEY: join(dir, 'nope-key.pem') } }),
        /nope\.pem/,
      );
      await writeFile(join(dir, 'junk.pem'), 'not a certificate');
      await assert.rejects(
        startServeProcess(join(dir, 'data'), { env: { ZORGPOST_TLS_CERT: join(dir, 'junk.pem'), ZORGPOST_TLS_KEY: join(dir, 'junk.pem') } }),
        /junk\.pem .*not a usable certificate/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
