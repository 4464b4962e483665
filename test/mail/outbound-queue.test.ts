// The outbound queue (src/mail/outbound-queue.ts) with the development outbox as its transport:
// queued mail is durable before `send` resolves and reaches the transport only while the runner
// runs; failures are tried again later; mail queued by another process is found; a batch handed
// on twice (a crash before the queue heard back) leaves one copy.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { OutboundQueue } from '../../src/mail/outbound-queue.ts';
import { MailOutbox } from '../../src/mail/mail-outbox.ts';
import type { OutboundTransport } from '../../src/mail/outbound.ts';
import type { QueuedMail } from '../../src/store/store.ts';
import { readOutboxFiles } from '../helpers/outbox.ts';
import { DurableWriter } from '../../src/store/durable-writer.ts';

const logger = pino({ level: 'silent' });
let dir: string;
let store: SqliteStore;
const writer = new DurableWriter(2);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zorgpost-queue-'));
  store = await openSqliteStore(join(dir, 'zorgpost.db'));
});
after(async () => {
  await store.close();
  await writer.close();
  await rm(dir, { recursive: true, force: true });
});

const outboxDir = (name: string) => join(dir, name, 'outbox', 'mail');

test('queued mail waits in the store until the runner starts, then reaches the outbox in order, byte for byte', async () => {
  const queue = new OutboundQueue(store, new MailOutbox(outboxDir('a'), writer), logger);
  const bodies = [Buffer.from('Subject: een\r\n\r\n\u00e9\r\n', 'latin1'), Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x2e]), Buffer.from('drie')];
  const ids: string[] = [];
  for (const [i, raw] of bodies.entries()) ids.push((await queue.send({ mailFrom: 'no-reply@p.test', recipients: [`r${i}@extern.test`], kind: 'viewer-code' }, raw)).id);
  assert.equal((await store.outbound.list(10)).length, 3, 'durable in the queue before anything is handed on');
  assert.deepEqual(await readOutboxFiles(join(dir, 'a')), []);

  queue.start();
  await queue.idle();
  const mails = await readOutboxFiles(join(dir, 'a'));
  assert.deepEqual(mails.map((m) => m.raw), bodies);
  assert.deepEqual(mails.map((m) => m.recipients), [['r0@extern.test'], ['r1@extern.test'], ['r2@extern.test']]);
  assert.deepEqual(mails.map((m) => m.kind), ['viewer-code', 'viewer-code', 'viewer-code']);
  assert.ok(mails.every((m, i) => m.id.endsWith(ids[i]!.padStart(10, '0'))), 'files are named after their queue entries');
  assert.deepEqual(await store.outbound.list(10), []);
  assert.ok(!(await readdir(outboxDir('a'))).some((n) => n.endsWith('.part')));

  // While running, a send is handed on without further ado.
  await queue.send({ mailFrom: '', recipients: ['later@extern.test'], kind: 'ordinary' }, Buffer.from('later'));
  await queue.idle();
  assert.equal((await readOutboxFiles(join(dir, 'a'))).length, 4);
  await queue.stop();
});

test('a message the transport refuses is tried again later, with a growing delay; the others go on', async () => {
  const delivered: string[] = [];
  let refuse = 2;
  const transport: OutboundTransport = {
    async deliver(batch: readonly QueuedMail[]) {
      return batch.map((mail) => {
        if (mail.raw.toString() === 'flaky' && refuse-- > 0) return new Error('451 try again');
        delivered.push(mail.raw.toString());
        return null;
      });
    },
  };
  const queue = new OutboundQueue(store, transport, logger, { retryDelayMs: 100, pollMs: 20 });
  queue.start();
  const sent = Date.now();
  await queue.send({ mailFrom: '', recipients: ['x@extern.test'], kind: 'ordinary' }, Buffer.from('flaky'));
  await queue.send({ mailFrom: '', recipients: ['y@extern.test'], kind: 'ordinary' }, Buffer.from('steady'));
  await queue.idle();
  assert.deepEqual(delivered, ['steady']);
  const [waiting] = await store.outbound.list(10);
  assert.equal(waiting!.attempts, 1);
  assert.equal(waiting!.lastError, '451 try again');
  // Second attempt after 100 ms fails again; the third, 200 ms later, succeeds.
  while (!delivered.includes('flaky')) {
    assert.ok(Date.now() - sent < 5000, 'the refused message was never delivered');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(Date.now() - sent >= 300, 'retries wait: 100 ms, then 200 ms');
  assert.deepEqual(await store.outbound.list(10), []);
  await queue.stop();
});

test('batches hold no more bytes than allowed, so large messages are not all read into memory at once', async () => {
  const batches: number[][] = [];
  const transport: OutboundTransport = {
    async deliver(batch: readonly QueuedMail[]) {
      batches.push(batch.map((m) => m.size));
      return batch.map(() => null);
    },
  };
  for (const raw of ['four', 'four', 'sixteen bytes!!!', 'four']) {
    await store.outbound.enqueue({ kind: 'ordinary', mailFrom: '', recipients: ['x@extern.test'], raw: Buffer.from(raw) });
  }
  const queue = new OutboundQueue(store, transport, logger, { batchBytes: 10 });
  queue.start();
  await queue.idle();
  await queue.stop();
  assert.deepEqual(batches, [[4, 4], [16], [4]]);
});

test('a transport that fails the whole batch leaves every message queued for later', async () => {
  const queue = new OutboundQueue(store, { deliver: async () => Promise.reject(new Error('outbox not writable')) }, logger, { retryDelayMs: 60_000 });
  queue.start();
  await queue.send({ mailFrom: '', recipients: ['x@extern.test'], kind: 'ordinary' }, Buffer.from('a'));
  await queue.send({ mailFrom: '', recipients: ['y@extern.test'], kind: 'ordinary' }, Buffer.from('b'));
  await queue.idle();
  const waiting = await store.outbound.list(10);
  assert.deepEqual(waiting.map((m) => [m.attempts, m.lastError]), [[1, 'outbox not writable'], [1, 'outbox not writable']]);
  await queue.stop();
  await store.outbound.remove(waiting.map((m) => m.id));
});

test('mail queued by another process (the CLI) is found by the running server', async () => {
  const queue = new OutboundQueue(store, new MailOutbox(outboxDir('b'), writer), logger, { pollMs: 50 });
  queue.start();
  const cli = await openSqliteStore(join(dir, 'zorgpost.db'));
  try {
    await new OutboundQueue(cli, new MailOutbox(outboxDir('b'), writer), logger).send({ mailFrom: '', recipients: ['c@extern.test'], kind: 'ordinary' }, Buffer.from('from the CLI'));
  } finally {
    await cli.close();
  }
  const started = Date.now();
  while ((await readOutboxFiles(join(dir, 'b'))).length === 0) {
    assert.ok(Date.now() - started < 5000, 'not picked up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual((await readOutboxFiles(join(dir, 'b'))).map((m) => m.raw.toString()), ['from the CLI']);
  await queue.stop();
});

test('the outbox writes a batch handed on twice only once', async () => {
  const outbox = new MailOutbox(outboxDir('c'), writer);
  const mail: QueuedMail = {
    id: 7, kind: 'ordinary', mailFrom: 'a@p.test', recipients: ['b@extern.test'], raw: Buffer.from('twice'), size: 5,
    queuedAt: new Date('2026-12-04T10:00:00Z'), nextAttemptAt: new Date(), attempts: 0, lastError: null,
  };
  assert.deepEqual(await outbox.deliver([mail]), [null]);
  assert.deepEqual(await outbox.deliver([mail]), [null]);
  assert.deepEqual((await readdir(outboxDir('c'))).sort(), ['20261204T100000000Z-0000000007.eml', '20261204T100000000Z-0000000007.json']);
});

test('idle() refuses to wait for a queue that is not running', async () => {
  const queue = new OutboundQueue(store, new MailOutbox(outboxDir('d'), writer), logger);
  await queue.send({ mailFrom: '', recipients: ['x@extern.test'], kind: 'ordinary' }, Buffer.from('x'));
  await assert.rejects(queue.idle(), /not running/);
  await store.outbound.remove((await store.outbound.list(10)).map((m) => m.id));
});
