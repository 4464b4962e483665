// A 50,000-message folder on the real store, over TLS: SELECT must not load messages (only the UID
// list and counts) and FETCH 1:* (UID FLAGS RFC822.SIZE) must stream. The measured times are printed
// as test diagnostics; the assertions are loose bounds so slow CI machines do not flap.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { TestClient } from './helpers/imap-client.ts';

const COUNT = Number(process.env.ZORGPOST_IMAP_PERF_COUNT ?? 50_000);

let server: TestServer;
let account: TestAccount;
before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('perf@ziekenhuis-test.nl');
  const { mail, store } = server.server.services;
  const inbox = (await mail.getFolder(account.mailboxId, 'INBOX'))!;
  // One stored blob, referenced by every row: the test measures the IMAP path, not blob writes.
  const first = await mail.append(inbox.id, Buffer.from('From: a@b.nl\r\nSubject: perf\r\n\r\nbody\r\n'));
  const [meta] = await (async () => {
    for await (const chunk of mail.fetchMeta(inbox.id, [{ start: first.uid, end: first.uid }])) return chunk;
    return [];
  })();
  const body = (await store.messages.getBody(meta!.bodyId))!;
  for (let done = 1; done < COUNT; ) {
    const batch = Math.min(5000, COUNT - done);
    const targets = Array.from({ length: batch }, (_, i) => ({
      folderId: inbox.id,
      flags: (done + i) % 3 === 0 ? ['\\Seen'] : [],
      internalDate: new Date(),
    }));
    await store.messages.insert({ blobId: body.blobId, size: body.size, structure: body.structure }, targets);
    done += batch;
  }
});
after(() => server.close());

test(`SELECT and FETCH 1:* (UID FLAGS RFC822.SIZE) on ${COUNT} messages`, async (t) => {
  const c = await TestClient.open(server.ports.imaps, { tls: true, ca: server.ca });
  await c.readResponse();
  await c.command('l', `LOGIN ${account.klantnummer} ${account.key}`);

  // Two rounds: the first includes SQLite's cold page cache; the second is the steady state.
  const rounds: Array<{ selectMs: number; fetchMs: number }> = [];
  for (let round = 0; round < 2; round++) {
    let started = performance.now();
    const select = await c.command(`s${round}`, 'SELECT INBOX', 30_000);
    const selectMs = performance.now() - started;
    assert.ok(select.untagged.includes(`* ${COUNT} EXISTS`));

    started = performance.now();
    c.write(`f${round} FETCH 1:* (UID FLAGS RFC822.SIZE)\r\n`);
    let responses = 0;
    for (;;) {
      const line = await c.readResponse(60_000);
      if (line.startsWith(`f${round} `)) {
        assert.equal(line, `f${round} OK FETCH completed`);
        break;
      }
      responses++;
    }
    rounds.push({ selectMs, fetchMs: performance.now() - started });
    assert.equal(responses, COUNT);
  }

  const started = performance.now();
  const search = await c.command('q', 'UID SEARCH UNSEEN', 60_000);
  const searchMs = performance.now() - started;
  assert.equal(search.untagged[0]!.split(' ').length - 2, COUNT - Math.floor((COUNT - 1) / 3));

  for (const [i, { selectMs, fetchMs }] of rounds.entries()) {
    t.diagnostic(`round ${i + 1}: SELECT ${selectMs.toFixed(0)} ms, FETCH 1:* ${fetchMs.toFixed(0)} ms`);
    assert.ok(selectMs < 2000, `SELECT took ${selectMs} ms`);
    assert.ok(fetchMs < 10_000, `FETCH took ${fetchMs} ms`);
  }
  t.diagnostic(`UID SEARCH UNSEEN ${searchMs.toFixed(0)} ms`);
  c.close();
});
