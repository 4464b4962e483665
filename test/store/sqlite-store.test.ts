import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { ChangeEvent } from '../../src/mail/types.ts';
import { storeConformance } from './conformance.ts';

storeConformance('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zorgpost-store-'));
  const store = await openSqliteStore(join(dir, 'test.db'));
  return { store, cleanup: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
});

it('SQLite: a change committed by another process reaches this one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zorgpost-store-'));
  const file = join(dir, 'shared.db');
  const server = await openSqliteStore(file);
  const cli = await openSqliteStore(file);
  try {
    server.watchForeignChanges();
    const events: ChangeEvent[] = [];
    server.onChange((event) => events.push(event));
    const org = await cli.accounts.insertOrganisation({ name: 'P', domain: 'p.test' });
    const mailbox = await cli.accounts.insertMailbox({ orgId: org.id, address: 'x@p.test', displayName: 'X', klantnummer: '500000009', quotaBytes: null }, []);
    const keyId = await cli.accounts.replaceHostedMailKey(mailbox.id, 'h');
    const started = Date.now();
    while (!events.some((e) => e.type === 'credentials') && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(events, [
      { type: 'folders', mailboxId: mailbox.id },
      { type: 'credentials', mailboxId: mailbox.id, keyId },
    ]);
    assert.ok(Date.now() - started < 1000, 'announced within a second');
  } finally {
    await server.close();
    await cli.close();
    await rm(dir, { recursive: true, force: true });
  }
});
