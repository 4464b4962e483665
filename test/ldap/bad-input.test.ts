// What a hostile or broken LDAP client can throw at the LDAPS address book, written byte by byte on a
// raw TLS socket: malformed BER, oversized messages, filters nested thousands deep or with thousands of
// parts, invalid enumerations, pipelined floods, abandon of a big scan, a reader that stops reading,
// brute-force binds and idle connections. Each gets the answer RFC 4511 prescribes — protocolError for
// that message, or a Notice of Disconnection (§4.4.1) and a closed connection when the stream itself
// is broken (§4.1.1) — and the server keeps serving: a fresh client binds and searches at the end.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import {
  BASE_DN,
  LdapWire,
  NOTICE_OF_DISCONNECTION,
  abandonPdu,
  bindPdu,
  boundClient,
  searchPdu,
  type LdapResponse,
} from '../helpers/ldap.ts';
import { sleep, withTimeout } from '../helpers/async.ts';
import type { DirectoryImportRecord } from '../../src/directory/types.ts';
import { FILTER_LIMITS } from '../../src/directory/filter.ts';
import { contextTag } from '../../src/ldap/ber/reader.ts';
import { tlvSize, writeHeader } from '../../src/ldap/ber/writer.ts';
import { Op, ResultCode } from '../../src/ldap/protocol/types.ts';

const MAX_FAILURES = 3;
/** Partner entries with a large postal address: one unpaged search of them is about 16 MB, several
 * times what the kernel's socket buffers hold for a reader that stopped reading (about 4 MB here). */
const BIG_ENTRIES = 400;
const BIG_VALUE = 'Postbus 1234$1000 AB Amsterdam$'.repeat(1300);
/** Small partner entries, for searches that are many entries but few bytes. */
const SMALL_ENTRIES = 600;
const PROMPTLY_MS = 2_000;

let server: TestServer;
let account: TestAccount;

before(async () => {
  server = await startTestServer({
    security: { maxFailuresPerAccount: MAX_FAILURES },
    // Big enough that the big scan below is one unpaged search.
    ldap: { maxSizeLimit: 5000 },
  });
  account = await server.addMailbox('balie@huisarts-noord.nl', 'Balie Huisarts');
  await server.addMailbox('jan.devries@huisarts-noord.nl', 'Jan de Vries');
  const records: DirectoryImportRecord[] = [];
  for (let n = 1; n <= BIG_ENTRIES; n++) {
    records.push({
      kind: 'person',
      source: `entry ${n}`,
      attributes: { mail: [`groot${n}@regio-bulk.nl`], cn: [`Groot ${n}`], sn: ['Groot'], postaladdress: [BIG_VALUE] },
    });
  }
  for (let n = 1; n <= SMALL_ENTRIES; n++) {
    records.push({
      kind: 'person',
      source: `entry ${n}`,
      attributes: { mail: [`klein${n}@regio-bulk.nl`], cn: [`Klein ${n}`], sn: ['Klein'] },
    });
  }
  await server.server.services.directory.importRecords(records, { actor: 'test' });
});
after(() => server?.close());

/** RFC 4511 §4.4.1: an unsolicited extendedResponse, messageID 0, responseName 1.3.6.1.4.1.1466.20036. */
function assertNotice(response: LdapResponse, resultCode: number = ResultCode.protocolError): void {
  assert.equal(response.messageId, 0, JSON.stringify(response));
  assert.equal(response.op, Op.extendedResponse);
  assert.equal(response.responseName, NOTICE_OF_DISCONNECTION);
  assert.equal(response.resultCode, resultCode);
}

/** Sends `bytes` on a fresh connection; expects a notice of disconnection, then the close. */
async function expectDisconnect(bytes: Buffer, what: string): Promise<LdapResponse> {
  const ldap = await LdapWire.connect(server);
  try {
    ldap.send(bytes);
    const notice = await ldap.read(PROMPTLY_MS);
    assertNotice(notice);
    await ldap.waitClosed(PROMPTLY_MS);
    return notice;
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  } finally {
    ldap.destroy();
  }
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** A search still works on this connection (the stream is in step after an error). */
async function assertStillServes(ldap: LdapWire, messageId: number): Promise<void> {
  ldap.send(searchPdu(messageId, { filter: '(mail=jan.devries@huisarts-noord.nl)', attributes: ['cn'] }));
  const { entries, done } = await ldap.result(messageId);
  assert.equal(done.resultCode, ResultCode.success);
  assert.deepEqual(entries[0]!.attributes, [{ type: 'cn', values: ['Jan de Vries'] }]);
}

// ── Broken streams: Notice of Disconnection (RFC 4511 §4.1.1, §4.4.1) ─────────────────────────────

test('RFC 4511 §4.1.1: garbage that is not an LDAPMessage SEQUENCE gets a notice of disconnection', async () => {
  await expectDisconnect(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), 'HTTP request');
  await expectDisconnect(hex('02 01 01'), 'bare INTEGER');
  await expectDisconnect(Buffer.from([0xff, 0x00, 0x13, 0x37]), 'random bytes');
});

test('RFC 4511 §5.1: indefinite and over-long length encodings get a notice of disconnection', async () => {
  // An unbind request in the indefinite form (X.690 §8.1.3.6), which LDAP does not allow.
  await expectDisconnect(hex('30 80 02 01 01 42 00 00 00'), 'indefinite length');
  await expectDisconnect(hex('30 85 00 00 00 00 05 02 01 01 42 00'), 'five length octets');
});

test('RFC 4511 §4.1.1: a length that runs past its frame, an unreadable messageID or operation: notice', async () => {
  // The frame is 3 bytes; the INTEGER inside claims 5.
  await expectDisconnect(hex('30 03 02 05 01'), 'INTEGER longer than the frame');
  // messageID 0 is reserved for the server (§4.1.1.1); an intermediateResponse is no request.
  await expectDisconnect(hex('30 05 02 01 00 42 00'), 'messageID 0');
  await expectDisconnect(hex('30 05 02 01 07 79 00'), 'a response sent as a request');
  // A well-formed bind first: answered, then the garbage after it ends the session.
  const ldap = await LdapWire.connect(server);
  try {
    ldap.send(bindPdu(1, `uid=${account.klantnummer}`, account.key), Buffer.from('garbage'));
    const bound = await ldap.read();
    assert.equal(bound.op, Op.bindResponse);
    assert.equal(bound.resultCode, ResultCode.success);
    assertNotice(await ldap.read());
    await ldap.waitClosed(PROMPTLY_MS);
  } finally {
    ldap.destroy();
  }
});

test('RFC 4511 §4.1.1: a lying length inside a search with a readable messageID ends the session with a notice', async () => {
  const ldap = await LdapWire.bound(server, account);
  try {
    // A search whose baseObject claims 0x30 bytes of the 0x0c the search holds: a broken encoding
    // structure, which the RFC says ends the session.
    ldap.send(hex('30 11 02 01 02 63 0c 04 30 6f 75 3d 73 65 0a 01 02 0a 01'));
    assertNotice(await ldap.read());
    await ldap.waitClosed(PROMPTLY_MS);
  } finally {
    ldap.destroy();
  }
});

test('an oversized message (over ldap.maxMessageBytes) is refused from its header, before its body arrives', async () => {
  const limit = server.config.ldap.maxMessageBytes;
  // Announces a 1 MiB message, sends 64 bytes of it and then waits: the server must not.
  const header = hex('30 84 00 10 00 00');
  const notice = await expectDisconnect(Buffer.concat([header, Buffer.alloc(64)]), 'announced 1 MiB');
  assert.match(notice.diagnosticMessage!, new RegExp(`larger than ${limit} bytes`));
  // Sent in full, one byte over the limit.
  const body = Buffer.alloc(limit + 1 - 6);
  const whole = Buffer.concat([hex('30 84'), Buffer.from([0, 0, 0, 0]), body]);
  whole.writeUInt32BE(body.length, 2);
  assert.equal(whole.length, limit + 1);
  await expectDisconnect(whole, 'one byte over the limit');
});

// ── Requests that decode to nonsense: protocolError for that message (RFC 4511 §4.1.1) ────────────

/** A NOT filter nested `depth` times around (a=*), encoded inside out in one buffer. */
function nestedNotFilter(depth: number): Buffer {
  const present = hex('87 01 61');
  const lengths = [present.length];
  for (let i = 0; i < depth; i++) lengths.push(tlvSize(lengths[lengths.length - 1]!));
  const buffer = Buffer.alloc(lengths[depth]!);
  let offset = 0;
  for (let i = depth; i > 0; i--) offset = writeHeader(buffer, offset, contextTag(2, true), lengths[i - 1]!);
  present.copy(buffer, offset);
  return buffer;
}

/** An OR filter (RFC 4511 §4.5.1.7) of `count` present filters. */
function wideOrFilter(count: number): Buffer {
  const children = Buffer.concat(Array.from({ length: count }, () => hex('87 01 61')));
  const header = Buffer.alloc(6);
  return Buffer.concat([header.subarray(0, writeHeader(header, 0, contextTag(1, true), children.length)), children]);
}

test('a filter nested 10,000 deep and one with 10,000 parts get protocolError; the connection keeps working', async () => {
  const deep = nestedNotFilter(10_000);
  const wide = wideOrFilter(10_000);
  assert.ok(deep.length < server.config.ldap.maxMessageBytes && wide.length < server.config.ldap.maxMessageBytes);
  const ldap = await LdapWire.bound(server, account);
  try {
    ldap.send(searchPdu(2, { rawFilter: deep }));
    const deepReply = await ldap.result(2);
    assert.equal(deepReply.entries.length, 0);
    assert.equal(deepReply.done.resultCode, ResultCode.protocolError);
    assert.match(deepReply.done.diagnosticMessage!, new RegExp(`deeper than ${FILTER_LIMITS.maxDepth}`));
    ldap.send(searchPdu(3, { rawFilter: wide }));
    const wideReply = await ldap.result(3);
    assert.equal(wideReply.done.resultCode, ResultCode.protocolError);
    assert.match(wideReply.done.diagnosticMessage!, new RegExp(`more than ${FILTER_LIMITS.maxNodes} parts`));
    // Just inside the limits: an ordinary search.
    ldap.send(searchPdu(4, { rawFilter: nestedNotFilter(FILTER_LIMITS.maxDepth - 2), attributes: ['1.1'] }));
    assert.equal((await ldap.result(4)).done.resultCode, ResultCode.success);
    await assertStillServes(ldap, 5);
  } finally {
    ldap.destroy();
  }
});

test('RFC 4511 §4.5.1.2: a bad scope enumeration gets protocolError for that search; the connection keeps working', async () => {
  const ldap = await LdapWire.bound(server, account);
  try {
    for (const [id, scope] of [
      [2, 7],
      [3, 3],
      [4, -1],
    ] as const) {
      ldap.send(searchPdu(id, { scope, filter: '(cn=*)' }));
      const { entries, done } = await ldap.result(id);
      assert.equal(entries.length, 0);
      assert.equal(done.op, Op.searchResultDone);
      assert.equal(done.resultCode, ResultCode.protocolError, `scope ${scope}`);
      assert.match(done.diagnosticMessage!, /scope/);
    }
    await assertStillServes(ldap, 5);
  } finally {
    ldap.destroy();
  }
});

// ── Floods, abandon, slow readers ────────────────────────────────────────────────────────────────

test('more than 8 pipelined searches: the surplus gets busy, every search exactly one answer, no crash', async () => {
  // Searches waiting together for the socket to drain must not pile up listeners on it.
  const warnings: string[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  const ldap = await LdapWire.bound(server, account);
  const count = 24;
  // Each search stops at this sizeLimit (sizeLimitExceeded): enough to keep it running a while.
  const PIPELINED_LIMIT = 250;
  try {
    const ids = Array.from({ length: count }, (_, i) => i + 2);
    ldap.send(
      ...ids.map((id) => searchPdu(id, { filter: '(sn=klein)', sizeLimit: PIPELINED_LIMIT, attributes: ['1.1'] })),
    );
    const done = new Map<number, number>();
    const entries = new Map<number, number>();
    while (done.size < count) {
      const response = await ldap.read();
      assert.ok(ids.includes(response.messageId), JSON.stringify(response));
      if (response.op === Op.searchResultEntry) {
        assert.ok(!done.has(response.messageId), 'an entry after its searchResultDone');
        entries.set(response.messageId, (entries.get(response.messageId) ?? 0) + 1);
      } else {
        assert.equal(response.op, Op.searchResultDone);
        assert.ok(!done.has(response.messageId), `two answers to ${response.messageId}`);
        done.set(response.messageId, response.resultCode!);
      }
    }
    const busy = [...done.values()].filter((code) => code === ResultCode.busy).length;
    const ran = [...done].filter(([, code]) => code === ResultCode.sizeLimitExceeded);
    assert.equal(busy + ran.length, count, JSON.stringify([...done]));
    assert.ok(busy >= 1, 'some searches were told the server is busy');
    assert.ok(ran.length >= 8, `at least 8 ran (${ran.length})`);
    for (const [id] of ran) assert.equal(entries.get(id), PIPELINED_LIMIT, `search ${id} returned its entries`);
    await assertStillServes(ldap, 100);
    // Warnings are emitted on the next tick.
    await sleep(50);
  } finally {
    ldap.destroy();
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});

test('RFC 4511 §4.11: abandon stops a big scan (no searchResultDone for it) while the reader is stalled; the next request is answered', async () => {
  const ldap = await LdapWire.bound(server, account);
  try {
    // The client stops reading: the server must wait for the socket to drain rather than buffer
    // megabytes of entries, so the scan is still running when the abandon arrives.
    ldap.wire.socket.pause();
    ldap.send(searchPdu(2, { filter: '(sn=groot)' }));
    await sleep(300);
    ldap.send(abandonPdu(3, 2), searchPdu(4, { filter: '(mail=jan.devries@huisarts-noord.nl)', attributes: ['cn'] }));
    await sleep(100);
    ldap.wire.socket.resume();
    let abandonedEntries = 0;
    for (;;) {
      const response = await ldap.read();
      if (response.messageId === 2) {
        assert.equal(response.op, Op.searchResultEntry, 'no searchResultDone for an abandoned search');
        abandonedEntries++;
        continue;
      }
      assert.equal(response.messageId, 4, JSON.stringify(response));
      if (response.op === Op.searchResultDone) {
        assert.equal(response.resultCode, ResultCode.success);
        break;
      }
    }
    assert.ok(
      abandonedEntries < BIG_ENTRIES,
      `the scan stopped early (${abandonedEntries} of ${BIG_ENTRIES} entries sent)`,
    );
    // Nothing more for the abandoned search arrives later either.
    await sleep(200);
    const late = ldap.wire.takeBuffered();
    assert.equal(late.length, 0, `${late.length} bytes after the last answer`);
    await assertStillServes(ldap, 5);
  } finally {
    ldap.destroy();
  }
});

// ── Brute force and idle connections ─────────────────────────────────────────────────────────────

test('SPEC R24: brute-force binds are throttled (unwillingToPerform "Too many failed logins") and audited', async () => {
  const victim = await server.addMailbox('doelwit@huisarts-noord.nl', 'Doel Wit');
  // A guesser pipelines ten binds; binds run in order (RFC 4511 §4.2.1).
  const attempts = 10;
  const ldap = await LdapWire.connect(server);
  try {
    ldap.send(...Array.from({ length: attempts }, (_, i) => bindPdu(i + 1, `uid=${victim.klantnummer}`, `gok-${i}`)));
    const codes: number[] = [];
    for (let i = 1; i <= attempts; i++) {
      const reply = await ldap.read();
      assert.equal(reply.messageId, i);
      assert.equal(reply.op, Op.bindResponse);
      codes.push(reply.resultCode!);
      if (reply.resultCode === ResultCode.unwillingToPerform)
        assert.match(reply.diagnosticMessage!, /Too many failed logins/);
    }
    assert.deepEqual(codes, [
      ...Array<number>(MAX_FAILURES).fill(ResultCode.invalidCredentials),
      ...Array<number>(attempts - MAX_FAILURES).fill(ResultCode.unwillingToPerform),
    ]);
    // Now even the right key is refused, on this connection and a new one.
    ldap.send(bindPdu(20, `uid=${victim.klantnummer},${BASE_DN}`, victim.key));
    assert.equal((await ldap.read()).resultCode, ResultCode.unwillingToPerform);
  } finally {
    ldap.destroy();
  }
  const { audit } = server.server.services;
  const failures = (await audit.list({ mailboxId: victim.mailboxId, action: 'login.failure' })).filter(
    (r) => r.detail?.protocol === 'ldap',
  );
  assert.equal(failures.length, MAX_FAILURES);
  const throttled = (await audit.list({ mailboxId: victim.mailboxId, action: 'login.throttled' })).filter(
    (r) => r.detail?.protocol === 'ldap',
  );
  assert.equal(throttled.length, attempts - MAX_FAILURES + 1);
  assert.equal(throttled[0]!.remoteAddress, '127.0.0.1');
  // Another account from the same address is not affected.
  const other = await LdapWire.bound(server, account);
  other.destroy();
});

test('an idle connection is closed after ldap.idleTimeoutSeconds with a notice of disconnection', async () => {
  const idle = await startTestServer({ ldap: { idleTimeoutSeconds: 1 } });
  try {
    const sleeper = await idle.addMailbox('slaper@huisarts-noord.nl', 'Slaper');
    const quiet = await LdapWire.bound(idle, sleeper);
    const started = Date.now();
    const busy = await LdapWire.bound(idle, sleeper);
    // The busy connection sends a search every 400 ms and is never idle for a whole second.
    let id = 2;
    while (Date.now() - started < 1_800) {
      busy.send(searchPdu(id, { filter: '(mail=slaper@huisarts-noord.nl)', attributes: ['1.1'] }));
      assert.equal((await busy.result(id)).done.resultCode, ResultCode.success);
      id++;
      if (id === 3) {
        // Half a second in, the quiet connection is still open.
        await sleep(500);
        assert.ok(!quiet.closed, 'closed before the idle timeout');
        assert.equal(quiet.wire.takeBuffered().length, 0);
      } else {
        await sleep(400);
      }
    }
    assert.ok(!busy.closed, 'an active connection stays open');
    const notice = await withTimeout(quiet.read(5_000), 5_000, 'the idle notice');
    // RFC 4511 §4.4.1: unavailable — the server is closing this session.
    assertNotice(notice, ResultCode.unavailable);
    await quiet.waitClosed(PROMPTLY_MS);
    quiet.destroy();
    busy.destroy();
  } finally {
    await idle.close();
  }
});

test('after all of it the server still answers a fresh client: bind and search', async () => {
  const client = await boundClient(server, account);
  try {
    const { searchEntries } = await client.search(BASE_DN, { filter: '(cn=jan de*)', attributes: ['mail'] });
    assert.deepEqual(searchEntries, [
      { dn: `uid=jan.devries@huisarts-noord.nl,${BASE_DN}`, mail: 'jan.devries@huisarts-noord.nl' },
    ]);
  } finally {
    await client.unbind();
  }
});
