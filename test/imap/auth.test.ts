// Greeting, CAPABILITY, LOGIN, AUTHENTICATE PLAIN (RFC 3501 §6.1-6.2, RFC 4616, RFC 4959 SASL-IR),
// ID (RFC 2971), NAMESPACE (RFC 2342), ENABLE (RFC 5161), LOGOUT, timeouts and forced closes.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { openServices } from '../../src/main.ts';
import { startImapTestServer, type ImapTestServer } from './helpers/imap-test-server.ts';

const plain = (authzid: string, user: string, pass: string): string => Buffer.from(`${authzid}\0${user}\0${pass}`).toString('base64');

let s: ImapTestServer;
before(async () => {
  s = await startImapTestServer({ maxMessageSize: 5000 });
});
after(() => s.close());

test('greeting carries the pre-login capabilities (RFC 3501 §7.1.1); login drops AUTH=', async () => {
  const c = await s.connect();
  const greeting = await c.readResponse();
  const caps = 'IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT SPECIAL-USE CHILDREN APPENDLIMIT=5000';
  assert.equal(greeting, `* OK [CAPABILITY ${caps} AUTH=PLAIN] imap.test Zorgpost IMAP ready`);
  const capability = await c.command('a1', 'CAPABILITY');
  assert.deepEqual(capability.all, [`* CAPABILITY ${caps} AUTH=PLAIN`, 'a1 OK CAPABILITY completed']);
  const login = await c.command('a2', `LOGIN ${s.user.klantnummer} "${s.user.key}"`);
  assert.deepEqual(login.all, [`a2 OK [CAPABILITY ${caps}] Logged in`]);
  const after = await c.command('a3', 'CAPABILITY');
  assert.equal(after.untagged[0], `* CAPABILITY ${caps}`);
  const logout = await c.command('a4', 'LOGOUT');
  assert.deepEqual(logout.all, ['* BYE Logging out', 'a4 OK LOGOUT completed']);
  await c.waitClosed();
});

test('LOGIN by address and by literal; wrong key → AUTHENTICATIONFAILED', async () => {
  const c = await s.connect();
  await c.readResponse();
  assert.equal((await c.command('b1', `LOGIN ${s.user.klantnummer} wrong`)).tagged, 'b1 NO [AUTHENTICATIONFAILED] Invalid credentials');
  assert.equal((await c.command('b2', `LOGIN nobody@x.nl ${s.user.key}`)).tagged, 'b2 NO [AUTHENTICATIONFAILED] Invalid credentials');
  c.write(`b3 LOGIN {${s.user.address.length}}\r\n`);
  assert.equal(await c.readResponse(), '+ Ready for literal data');
  c.write(`${s.user.address} {${s.user.key.length}+}\r\n${s.user.key}\r\n`);
  assert.match((await c.until('b3')).tagged, /^b3 OK \[CAPABILITY .*\] Logged in$/);
  // The authenticator audits every login with the protocol it came through.
  const success = (await s.services.audit.list({ mailboxId: s.user.mailboxId, action: 'login.success' })).at(-1);
  assert.equal(success?.actor, s.user.address);
  assert.equal(success?.detail?.protocol, 'imap');
  assert.equal((await c.command('b4', `LOGIN ${s.user.klantnummer} ${s.user.key}`)).tagged, 'b4 BAD Already logged in');
  c.close();
});

test('throttled logins get NO [UNAVAILABLE], even with the right key (SPEC R24)', async () => {
  const strict = await startImapTestServer({ security: { maxFailuresPerAccount: 3 } });
  try {
    const c = await strict.connect();
    await c.readResponse();
    for (let i = 1; i <= 3; i++) {
      assert.equal((await c.command(`t${i}`, `LOGIN ${strict.user.klantnummer} wrong-key`)).tagged, `t${i} NO [AUTHENTICATIONFAILED] Invalid credentials`);
    }
    const right = `LOGIN ${strict.user.klantnummer} ${strict.user.key}`;
    assert.equal((await c.command('t4', right)).tagged, 't4 NO [UNAVAILABLE] Too many failed attempts, try again later');
    c.close();
    assert.equal((await strict.services.audit.list({ action: 'login.throttled' })).length, 1);
    // The limit is per account: the other mailbox still logs in from the same address.
    (await strict.login(strict.other)).close();
  } finally {
    await strict.close();
  }
});

// SPEC R24 throttles per account; KeyAuthenticator keys its count by the login name as typed, so the
// account's address still has a full allowance after its klantnummer is throttled.
test('the throttle covers an account under both of its login names (SPEC R24)', async () => {
  const strict = await startImapTestServer({ security: { maxFailuresPerAccount: 2 } });
  try {
    const c = await strict.connect();
    await c.readResponse();
    for (let i = 1; i <= 2; i++) await c.command(`w${i}`, `LOGIN ${strict.user.klantnummer} wrong-key`);
    const byAddress = await c.command('w3', `LOGIN ${strict.user.address} ${strict.user.key}`);
    assert.equal(byAddress.tagged, 'w3 NO [UNAVAILABLE] Too many failed attempts, try again later');
    c.close();
  } finally {
    await strict.close();
  }
});

test('five failures on one connection end it', async () => {
  const c = await s.connect();
  await c.readResponse();
  for (let i = 1; i <= 4; i++) assert.match((await c.command(`f${i}`, 'LOGIN x y')).tagged, /NO \[AUTHENTICATIONFAILED\]/);
  c.write('f5 LOGIN x y\r\n');
  assert.match(await c.readResponse(), /^f5 NO/);
  assert.equal(await c.readResponse(), '* BYE Too many failed login attempts');
  await c.waitClosed();
});

test('AUTHENTICATE PLAIN with SASL-IR, with a continuation, cancelled, and with a foreign authzid', async () => {
  const c1 = await s.connect();
  await c1.readResponse();
  assert.match((await c1.command('p1', `AUTHENTICATE PLAIN ${plain('', s.user.klantnummer, s.user.key)}`)).tagged, /^p1 OK \[CAPABILITY/);
  c1.close();

  const c2 = await s.connect();
  await c2.readResponse();
  c2.write('p2 AUTHENTICATE PLAIN\r\n');
  assert.equal(await c2.readResponse(), '+ ');
  c2.write(`${plain(s.user.address, s.user.address, s.user.key)}\r\n`);
  assert.match((await c2.until('p2')).tagged, /^p2 OK/);
  c2.close();

  const c3 = await s.connect();
  await c3.readResponse();
  c3.write('p3 AUTHENTICATE PLAIN\r\n');
  await c3.readResponse();
  c3.write('*\r\n');
  assert.equal((await c3.until('p3')).tagged, 'p3 BAD Authentication cancelled');
  assert.equal((await c3.command('p4', `AUTHENTICATE PLAIN ${plain(s.other.address, s.user.klantnummer, s.user.key)}`)).tagged, 'p4 NO [AUTHORIZATIONFAILED] Not authorised to act as that user');
  assert.equal((await c3.command('p5', 'AUTHENTICATE PLAIN !!!')).tagged, 'p5 BAD Invalid base64 initial response');
  assert.equal((await c3.command('p6', 'AUTHENTICATE CRAM-MD5')).tagged, 'p6 NO [CANNOT] Unsupported authentication mechanism');
  assert.equal((await c3.command('p7', `AUTHENTICATE PLAIN ${plain('', s.user.klantnummer, 'nope')}`)).tagged, 'p7 NO [AUTHENTICATIONFAILED] Invalid credentials');
  assert.equal((await c3.command('p8', 'SELECT INBOX')).tagged, 'p8 BAD Log in first');
  c3.close();
});

test('ID, NAMESPACE, ENABLE, NOOP', async () => {
  const c = await s.login();
  const id = await c.command('i1', 'ID ("name" "Thunderbird" "version" "128.0")');
  assert.deepEqual(id.all, ['* ID ("name" "Zorgpost" "vendor" "Zorgpost" "support-url" "https://imap.test/")', 'i1 OK ID completed']);
  assert.equal((await c.command('i2', 'ID NIL')).tagged, 'i2 OK ID completed');
  assert.equal((await c.command('i3', 'ID ("name")')).tagged, 'i3 BAD ID needs field-value pairs');
  assert.deepEqual((await c.command('n1', 'NAMESPACE')).all, ['* NAMESPACE (("" "/")) NIL NIL', 'n1 OK NAMESPACE completed']);
  assert.deepEqual((await c.command('e1', 'ENABLE CONDSTORE UTF8=ACCEPT')).all, ['* ENABLED', 'e1 OK ENABLE completed']);
  assert.deepEqual((await c.command('o1', 'NOOP')).all, ['o1 OK NOOP completed']);
  c.close();
});

test('a Hosted Mail Key replaced by another process closes the sessions opened with the old one (SPEC R3)', async () => {
  const idle = await s.login();
  await idle.command('s1', 'SELECT INBOX');
  idle.write('s2 IDLE\r\n');
  assert.equal(await idle.readResponse(), '+ idling');
  const busy = await s.login();
  const otherMailbox = await s.login(s.other);

  // `zorgpost key generate` while the server runs: a second process on the same database. The
  // server hears of it when it polls for foreign changes, which this test does by hand.
  const cli = await openServices(s.services.config, pino({ level: 'silent' }));
  const { key } = await cli.identity.generateHostedMailKey(await cli.identity.requireMailbox(s.user.klantnummer), { actor: 'cli' });
  await cli.close();
  s.user.key = key;
  // A session opened with the new key before the server heard of the change must survive it.
  const fresh = await s.login();
  await s.services.store.pollForeignChanges();

  assert.equal(await idle.readResponse(), '* BYE Hosted Mail Key changed, please log in again');
  await idle.waitClosed();
  assert.equal(await busy.readResponse(), '* BYE Hosted Mail Key changed, please log in again');
  await busy.waitClosed();
  assert.equal((await fresh.command('s3', 'NOOP')).tagged, 's3 OK NOOP completed');
  assert.equal((await otherMailbox.command('s4', 'NOOP')).tagged, 's4 OK NOOP completed');
  fresh.close();
  otherMailbox.close();
});

test('inactivity timeouts: short before login, longer after (RFC 3501 §5.4)', async () => {
  // Wide gaps between the two timeouts, so a loaded machine cannot make one look like the other.
  const quick = await startImapTestServer({ limits: { authTimeoutMs: 600, idleTimeoutMs: 2500 } });
  try {
    const c = await quick.connect();
    await c.readResponse();
    assert.equal(await c.readResponse(10_000), '* BYE Timeout waiting for login');
    await c.waitClosed();
    const d = await quick.login();
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal((await d.command('x', 'NOOP')).tagged, 'x OK NOOP completed');
    assert.equal(await d.readResponse(15_000), '* BYE Autologout; idle for too long');
    await d.waitClosed();
  } finally {
    await quick.close();
  }
});

test('close() says BYE to every connection', async () => {
  const other = await startImapTestServer();
  const c = await other.login();
  const closing = other.service.close();
  assert.equal(await c.readResponse(), '* BYE Server shutting down');
  await c.waitClosed();
  await closing;
  await other.close();
});
