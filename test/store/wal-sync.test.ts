// The deferred WAL sync behind every SQLite write (src/store/sql/wal-sync.ts): a write resolves
// only after an fsync that started after its commit, concurrent writes share fsyncs, a failed fsync
// fails the writes waiting on it, and the real store passes its writes through it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WalSync } from '../../src/store/sql/wal-sync.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

/** An fsync the test finishes by hand. */
function manualFsync() {
  const calls: Array<{ path: string; finish: (error?: Error) => void }> = [];
  const fsync = (path: string) =>
    new Promise<void>((resolve, reject) => calls.push({ path, finish: (error) => (error ? reject(error) : resolve()) }));
  return { calls, fsync };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

test('a sync asked for while one runs waits for the next one, which the waiting callers share', async () => {
  const { calls, fsync } = manualFsync();
  const wal = new WalSync('/data/zorgpost.db', fsync);
  const first = wal.sync();
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.path, '/data/zorgpost.db-wal');
  const second = wal.sync();
  const third = wal.sync();
  assert.equal(calls.length, 1, 'no second fsync while one runs');
  calls[0]!.finish();
  await first;
  assert.equal(await settled(second), false, 'the first fsync may have started before the second commit');
  assert.equal(calls.length, 2, 'one fsync for both waiting callers');
  calls[1]!.finish();
  await Promise.all([second, third]);
  assert.equal(calls.length, 2);
});

test('a failed fsync fails the writes that waited for it; the next one tries again', async () => {
  const { calls, fsync } = manualFsync();
  const wal = new WalSync('/data/zorgpost.db', fsync);
  const first = wal.sync();
  const second = wal.sync();
  calls[0]!.finish(new Error('EIO'));
  await assert.rejects(first, /EIO/);
  await new Promise((resolve) => setImmediate(resolve));
  calls[1]!.finish(new Error('EIO again'));
  await assert.rejects(second, /EIO again/);
  const third = wal.sync();
  calls[2]!.finish();
  await third;
});

test('the SQLite store writes and reads through it, and a missing WAL counts as synced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zorgpost-wal-'));
  try {
    const store = await openSqliteStore(join(dir, 'zorgpost.db'));
    const org = await store.accounts.insertOrganisation({ domain: 'wal.nl', name: 'WAL' });
    assert.equal((await store.accounts.findOrganisation({ id: org.id }))?.domain, 'wal.nl');
    await store.close();
    await new WalSync(join(dir, 'nothing-here.db')).sync();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
