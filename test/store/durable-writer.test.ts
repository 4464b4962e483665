// Whole-file durable writes on writer threads (src/store/durable-writer.ts), and the blob store
// that uses them for messages that fit in memory and streams larger ones.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DurableWriter } from '../../src/store/durable-writer.ts';
import { FileBlobStore } from '../../src/store/blob-store.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zorgpost-writer-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('writes the buffers in order, creates the directory when asked, and many writes run at once', async () => {
  const writer = new DurableWriter(2);
  try {
    const parts = [Buffer.from('Subject: a\r\n'), Buffer.alloc(0), Buffer.alloc(300_000, 0xe9), Buffer.from([0, 0x0d, 0x0a])];
    await writer.write(join(dir, 'new', 'sub', 'one'), parts, { makeDirectory: true });
    assert.deepEqual(await readFile(join(dir, 'new', 'sub', 'one')), Buffer.concat(parts));
    await Promise.all(Array.from({ length: 40 }, (_, i) => writer.write(join(dir, 'new', `f${i}`), [Buffer.from(`file ${i}`)], { syncDirectory: i % 2 === 0 })));
    for (let i = 0; i < 40; i++) assert.equal(await readFile(join(dir, 'new', `f${i}`), 'utf8'), `file ${i}`);
  } finally {
    await writer.close();
  }
});

test('refuses to replace a file, reports a missing directory, and leaves nothing behind', async () => {
  const writer = new DurableWriter(1);
  try {
    await writeFile(join(dir, 'taken'), 'original');
    await assert.rejects(writer.write(join(dir, 'taken'), [Buffer.from('other')]), { code: 'EEXIST' });
    assert.equal(await readFile(join(dir, 'taken'), 'utf8'), 'original');
    await assert.rejects(writer.write(join(dir, 'absent', 'x'), [Buffer.from('x')]), { code: 'ENOENT' });
    // The thread goes on serving after failures.
    await writer.write(join(dir, 'after-failures'), [Buffer.from('ok')]);
    assert.equal(await readFile(join(dir, 'after-failures'), 'utf8'), 'ok');
  } finally {
    await writer.close();
  }
});

test('the blob store keeps small and large messages byte for byte; an oversized one leaves no file', async () => {
  const writer = new DurableWriter();
  const blobs = new FileBlobStore(join(dir, 'blobs'), writer);
  async function* chunked(bytes: Buffer, size: number) {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  try {
    const small = Buffer.alloc(150_000, 'abc');
    const large = Buffer.alloc(3 * 1024 * 1024 + 17, 'xyz');
    const a = await blobs.write(chunked(small, 16_384));
    const b = await blobs.write(chunked(large, 65_536));
    assert.deepEqual([a.size, b.size], [small.length, large.length]);
    assert.deepEqual(await blobs.read(a.id), small);
    assert.deepEqual(await blobs.read(b.id), large);
    assert.deepEqual(await blobs.read(b.id, { start: 3 * 1024 * 1024, end: 3 * 1024 * 1024 + 17 }), large.subarray(3 * 1024 * 1024));
    const files = async () => (await readdir(join(dir, 'blobs'), { recursive: true })).filter((n) => /[0-9a-f]{32}$/.test(n)).length;
    const before = await files();
    await assert.rejects(blobs.write(chunked(small, 16_384), { maxBytes: 100_000 }), { code: 'TOOBIG' });
    await assert.rejects(blobs.write(chunked(large, 65_536), { maxBytes: 2 * 1024 * 1024 }), { code: 'TOOBIG' });
    assert.equal(await files(), before);
  } finally {
    await writer.close();
  }
});
