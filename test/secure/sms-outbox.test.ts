// The development SMS gateway: durable JSON files in <dataDir>/outbox/sms, read back newest first.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { OutboxSmsGateway, readSmsOutbox, smsOutboxDir } from '../../src/secure/sms/outbox-gateway.ts';
import { createSmsGateway } from '../../src/secure/sms/create-sms-gateway.ts';
import { CmSmsGateway } from '../../src/secure/sms/cm-gateway.ts';

describe('outbox SMS gateway', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'zorgpost-sms-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes one private JSON file per SMS and reads it back', async () => {
    const dir = join(dataDir, 'one');
    const at = new Date('2025-03-01T10:20:30.456Z');
    const gateway = new OutboxSmsGateway(dir, { now: () => at });
    assert.equal(gateway.name, 'outbox');
    const { providerMessageId } = await gateway.send({ to: '+31612345678', text: 'Uw code: 123456', reference: 'abc123' });
    const names = await readdir(dir);
    assert.deepEqual(names, [providerMessageId]);
    assert.match(providerMessageId, /^20250301T102030456Z-\d{6}-[0-9a-f]{8}\.json$/);
    const info = await stat(join(dir, providerMessageId));
    assert.equal(info.mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(join(dir, providerMessageId), 'utf8')), {
      to: '+31612345678',
      text: 'Uw code: 123456',
      reference: 'abc123',
      createdAt: '2025-03-01T10:20:30.456Z',
    });
    assert.deepEqual(await readSmsOutbox(dir), [
      { to: '+31612345678', text: 'Uw code: 123456', reference: 'abc123', createdAt: at, id: providerMessageId },
    ]);
  });

  it('lists newest first, honours the limit and ignores foreign and temporary files', async () => {
    const dir = join(dataDir, 'order');
    let clock = Date.parse('2025-01-01T00:00:00Z');
    const gateway = new OutboxSmsGateway(dir, { now: () => new Date((clock += 1000)) });
    for (let i = 1; i <= 5; i++) await gateway.send({ to: '+31612345678', text: `code ${i}`, reference: `ref${i}` });
    await writeFile(join(dir, 'notes.txt'), 'not an SMS');
    await writeFile(join(dir, '.20990101T000000000Z-000001-00000000.json.tmp'), '{');
    await writeFile(join(dir, '20990101T000000000Z-000001-0000000f.json'), '{ broken');
    const all = await readSmsOutbox(dir);
    assert.deepEqual(all.map((m) => m.text), ['code 5', 'code 4', 'code 3', 'code 2', 'code 1']);
    assert.deepEqual((await readSmsOutbox(dir, { limit: 2 })).map((m) => m.reference), ['ref5', 'ref4']);
  });

  it('gives concurrent sends distinct files, all readable', async () => {
    const dir = join(dataDir, 'concurrent');
    const sameInstant = new Date('2025-02-02T02:02:02.002Z');
    const gateways = [new OutboxSmsGateway(dir, { now: () => sameInstant }), new OutboxSmsGateway(dir, { now: () => sameInstant })];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => gateways[i % 2]!.send({ to: '+31612345678', text: `code ${i}`, reference: `r${i}` })),
    );
    const ids = new Set(results.map((r) => r.providerMessageId));
    assert.equal(ids.size, 60);
    const read = await readSmsOutbox(dir);
    assert.equal(read.length, 60);
    assert.deepEqual(new Set(read.map((m) => m.reference)), new Set(Array.from({ length: 60 }, (_, i) => `r${i}`)));
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
  });

  it('an outbox that does not exist yet is empty', async () => {
    assert.deepEqual(await readSmsOutbox(join(dataDir, 'nothing-here')), []);
  });

  it('refuses messages no gateway may send', async () => {
    const gateway = new OutboxSmsGateway(join(dataDir, 'refused'));
    const bad = [
      { to: '0612345678', text: 'x', reference: 'r1' },
      { to: '+31612345678', text: '', reference: 'r1' },
      { to: '+31612345678', text: 'x'.repeat(2000), reference: 'r1' },
      { to: '+31612345678', text: 'x', reference: 'has space' },
      { to: '+31612345678', text: 'x', reference: 'r'.repeat(33) },
    ];
    for (const message of bad) {
      await assert.rejects(gateway.send(message), (e: unknown) => e instanceof UserError && e.code === 'BADINPUT', JSON.stringify(message).slice(0, 60));
    }
    assert.deepEqual(await readSmsOutbox(join(dataDir, 'refused')), []);
  });
});

describe('createSmsGateway', () => {
  it('builds the outbox gateway in <dataDir>/outbox/sms', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'zorgpost-sms-'));
    try {
      const gateway = createSmsGateway({ gateway: 'outbox', cm: { endpoint: 'https://gw.messaging.cm.com/v1.0/message', sender: 'Zorgpost' } }, dataDir);
      assert.equal(gateway.name, 'outbox');
      await gateway.send({ to: '+31612345678', text: 'hallo', reference: 'x1' });
      assert.equal((await readSmsOutbox(smsOutboxDir(dataDir))).length, 1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('builds the CM.com gateway, and refuses it without a product token', () => {
    const cm = { endpoint: 'https://gw.messaging.cm.com/v1.0/message', sender: 'Zorgpost' };
    assert.ok(createSmsGateway({ gateway: 'cm', cm: { ...cm, productToken: '00000000-0000-0000-0000-000000000000' } }, '/nonexistent') instanceof CmSmsGateway);
    assert.throws(() => createSmsGateway({ gateway: 'cm', cm }, '/nonexistent'), /productToken is required/);
  });
});
