// Wrong Hosted Mail Keys and throttling, on all three protocols, each with its protocol's error:
// IMAP NO [AUTHENTICATIONFAILED] / NO [UNAVAILABLE] (RFC 5530), SMTP 535 / 454 (RFC 4954 §6),
// POP3 -ERR [AUTH] / -ERR [SYS/TEMP] (RFC 3206). After maxFailuresPerAccount failures even the right
// key is refused for a while (SPEC R24), other accounts are still served, and once the window has
// passed the right key works again.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { imapLoginReply } from '../helpers/wire-socket.ts';
import { SmtpWire, authPlain } from '../helpers/smtp-wire.ts';
import { Pop3Wire } from '../helpers/pop3-wire.ts';
import { sleep } from '../helpers/async.ts';

const MAX_FAILURES = 3;
const WINDOW_SECONDS = 3;
const WRONG_KEY = 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg';

let server: TestServer;
before(async () => {
  server = await startTestServer({ security: { maxFailuresPerAccount: MAX_FAILURES, failureWindowSeconds: WINDOW_SECONDS } });
});
after(() => server.close());

const imapLogin = (user: string, pass: string) => imapLoginReply(server.ports.imaps, server.ca, user, pass);

async function smtpLogin(user: string, pass: string): Promise<{ code: number; text: string }> {
  const client = await SmtpWire.tls(server.ports.smtps, server.ca);
  try {
    await client.expect('EHLO client.test', 250);
    return await client.command(`AUTH PLAIN ${authPlain(user, pass)}`);
  } finally {
    client.destroy();
  }
}

async function pop3Login(user: string, pass: string): Promise<string> {
  const client = await Pop3Wire.connect(server.ports.pop3s, server.ca);
  try {
    await client.command(`USER ${user}`);
    const reply = await client.command(`PASS ${pass}`);
    if (reply.startsWith('+OK')) await client.quit();
    return reply;
  } finally {
    client.destroy();
  }
}

interface Protocol {
  name: string;
  fail(account: TestAccount): Promise<void>;
}

const PROTOCOLS: Protocol[] = [
  {
    name: 'IMAP',
    async fail(account) {
      assert.match(await imapLogin(account.klantnummer, WRONG_KEY), /^a1 NO \[AUTHENTICATIONFAILED\] /);
    },
  },
  {
    name: 'SMTP',
    async fail(account) {
      const reply = await smtpLogin(account.klantnummer, WRONG_KEY);
      assert.equal(reply.code, 535, reply.text);
    },
  },
  {
    name: 'POP3',
    async fail(account) {
      assert.match(await pop3Login(account.klantnummer, WRONG_KEY), /^-ERR \[AUTH\] /);
    },
  },
];

/** The right key is refused on every protocol, with each protocol's "try later" reply. */
async function assertThrottledEverywhere(account: TestAccount, user = account.klantnummer): Promise<void> {
  assert.match(await imapLogin(user, account.key), /^a1 NO \[UNAVAILABLE\] /);
  const smtp = await smtpLogin(user, account.key);
  assert.equal(smtp.code, 454, smtp.text);
  assert.match(await pop3Login(user, account.key), /^-ERR \[SYS\/TEMP\] /);
}

async function assertLoginWorksEverywhere(account: TestAccount, user = account.klantnummer): Promise<void> {
  assert.match(await imapLogin(user, account.key), /^a1 OK /);
  assert.equal((await smtpLogin(user, account.key)).code, 235);
  assert.match(await pop3Login(user, account.key), /^\+OK /);
}

for (const protocol of PROTOCOLS) {
  test(`${protocol.name}: ${MAX_FAILURES} wrong keys throttle the account on every protocol; others are still served; it passes`, async () => {
    const victim = await server.addMailbox(`${protocol.name.toLowerCase()}-doelwit@praktijk-throttle.nl`);
    const bystander = await server.addMailbox(`${protocol.name.toLowerCase()}-collega@praktijk-throttle.nl`);
    const started = Date.now();
    for (let i = 0; i < MAX_FAILURES; i++) await protocol.fail(victim);
    await assertThrottledEverywhere(victim);
    await assertLoginWorksEverywhere(bystander);
    // "For a while": the failures age out of the window.
    await sleep(Math.max(0, started + WINDOW_SECONDS * 1000 + 300 - Date.now()));
    await assertLoginWorksEverywhere(victim);
  });
}

test('fewer failures than the limit do not throttle, and a success starts the count again', async () => {
  const account = await server.addMailbox('bijna@praktijk-throttle.nl');
  for (let i = 0; i < MAX_FAILURES - 1; i++) await PROTOCOLS[i % 3]!.fail(account);
  await assertLoginWorksEverywhere(account);
  for (let i = 0; i < MAX_FAILURES - 1; i++) await PROTOCOLS[i % 3]!.fail(account);
  await assertLoginWorksEverywhere(account);
});

test('regression: failures by klantnummer also throttle logins by address (same account)', async () => {
  const account = await server.addMailbox('naamwissel@praktijk-throttle.nl');
  for (let i = 0; i < MAX_FAILURES; i++) await PROTOCOLS[0]!.fail(account);
  await assertThrottledEverywhere(account, account.klantnummer);
  // The address names the same mailbox: a guesser must not get a second allowance by switching.
  await assertThrottledEverywhere(account, account.address);
});
