// The development outbox page /dev/outbox through fastify's inject: SMS and mail listed newest first,
// everything escaped, no script or inline style, downloads behind a strict name check, loopback only.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { OutboxSmsGateway, smsOutboxDir } from '../../src/secure/sms/outbox-gateway.ts';
import { devOutboxRoutes, mailOutboxDir } from '../../src/web/dev-outbox.ts';

describe('development outbox page', () => {
  let dataDir: string;
  let app: FastifyInstance;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'zorgpost-dev-outbox-'));
    let clock = Date.parse('2025-05-06T07:08:00Z');
    const sms = new OutboxSmsGateway(smsOutboxDir(dataDir), { now: () => new Date((clock += 1000)) });
    await sms.send({ to: '+31612345678', text: 'Uw code is 111111', reference: 'first' });
    await sms.send({ to: '+4915123456789', text: '<script>alert(1)</script> & "quotes"\nline two', reference: 'second' });
    const mailDir = mailOutboxDir(dataDir);
    await mkdir(mailDir, { recursive: true });
    await writeFile(join(mailDir, 'older.eml'), 'Subject: older\r\n\r\nbody\r\n');
    await utimes(join(mailDir, 'older.eml'), new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    await writeFile(join(mailDir, 'newer-<b>.eml'), 'Subject: odd name\r\n\r\n'); // not a valid name: never listed
    await writeFile(join(mailDir, '20250506-newer.eml'), 'Subject: newer\r\n\r\nhello\r\n');
    await writeFile(join(mailDir, 'notes.txt'), 'not mail');
    await writeFile(join(dataDir, 'secret.eml'), 'outside the outbox');
    await symlink(join(dataDir, 'secret.eml'), join(mailDir, 'link.eml'));

    app = Fastify();
    await app.register(devOutboxRoutes, { dataDir });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists SMS newest first and the mail files, escaped', async () => {
    const response = await app.inject({ method: 'GET', url: '/dev/outbox' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/html; charset=utf-8/);
    assert.equal(response.headers['cache-control'], 'no-store');
    const html = response.body;
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<meta name="robots" content="noindex, nofollow">/);
    // newest SMS first, its text escaped and its line break kept
    const second = html.indexOf('+4915123456789');
    const first = html.indexOf('+31612345678');
    assert.ok(second > 0 && first > second, 'newest SMS first');
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quotes&#34;<br>line two'));
    assert.ok(html.includes('Uw code is 111111'));
    assert.ok(html.includes('2025-05-06 07:08:02'));
    // no script, no inline style, no event handlers anywhere
    assert.doesNotMatch(html, /<script|<style|\sstyle=|\son[a-z]+=/i);
    // mail: plain .eml files with valid names only (no symlinks), newest first
    const newer = html.indexOf('href="/dev/outbox/mail/20250506-newer.eml"');
    const older = html.indexOf('href="/dev/outbox/mail/older.eml"');
    assert.ok(newer > 0 && older > newer, 'newest mail first');
    assert.ok(!html.includes('notes.txt') && !html.includes('newer-&#60;b&#62;') && !html.includes('newer-<b>') && !html.includes('link.eml'));
  });

  it('serves a mail file for download', async () => {
    const response = await app.inject({ method: 'GET', url: '/dev/outbox/mail/older.eml' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'message/rfc822');
    assert.equal(response.headers['content-disposition'], 'attachment; filename="older.eml"');
    assert.equal(response.body, 'Subject: older\r\n\r\nbody\r\n');
  });

  it('serves nothing but plain .eml files from the mail outbox', async () => {
    for (const name of [
      'missing.eml',
      'notes.txt',
      '..%2Fsecret.eml',
      '%2E%2E%2Fsecret.eml',
      '.hidden.eml',
      'a..eml',
      'link.eml', // a symlink out of the outbox
      'newer-%3Cb%3E.eml',
    ]) {
      const response = await app.inject({ method: 'GET', url: `/dev/outbox/mail/${name}` });
      assert.equal(response.statusCode, 404, name);
      assert.ok(!response.body.includes('outside the outbox'), name);
    }
    const traversal = await app.inject({ method: 'GET', url: '/dev/outbox/mail/../../secret.eml' });
    assert.equal(traversal.statusCode, 404);
    // fastify itself refuses over-long path parameters
    const long = await app.inject({ method: 'GET', url: `/dev/outbox/mail/${'a'.repeat(300)}.eml` });
    assert.ok(long.statusCode === 404 || long.statusCode === 414, String(long.statusCode));
  });

  it('shows empty outboxes', async () => {
    const empty = Fastify();
    const emptyDir = await mkdtemp(join(tmpdir(), 'zorgpost-dev-outbox-'));
    try {
      await empty.register(devOutboxRoutes, { dataDir: emptyDir });
      const response = await empty.inject({ method: 'GET', url: '/dev/outbox' });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /No SMS yet/);
      assert.match(response.body, /No e-mail yet/);
    } finally {
      await empty.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('answers only to this machine unless told otherwise', async () => {
    const remote = await app.inject({ method: 'GET', url: '/dev/outbox', remoteAddress: '192.0.2.10' });
    assert.equal(remote.statusCode, 404);
    assert.ok(!remote.body.includes('111111'));
    const download = await app.inject({ method: 'GET', url: '/dev/outbox/mail/older.eml', remoteAddress: '2001:db8::1' });
    assert.equal(download.statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/dev/outbox', remoteAddress: '::1' })).statusCode, 200);

    const open = Fastify();
    try {
      await open.register(devOutboxRoutes, { dataDir, loopbackOnly: false });
      assert.equal((await open.inject({ method: 'GET', url: '/dev/outbox', remoteAddress: '192.0.2.10' })).statusCode, 200);
    } finally {
      await open.close();
    }
  });
});
