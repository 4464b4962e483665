// POP3 (RFC 1939, RFC 2449 CAPA, RFC 5034 AUTH) as transcripts on the wire against the complete
// server: every command, the errors for bad commands and unknown message numbers, DELE/RSET/QUIT
// semantics (checked from IMAP too), the maildrop lock, and RFC 1939 §3 dot-stuffing byte by byte.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { Pop3Wire, multilineEndFinder } from '../helpers/pop3-wire.ts';
import { connectImap } from '../helpers/clients.ts';
import { authPlain } from '../helpers/smtp-wire.ts';

let server: TestServer;
let account: TestAccount;
let uidValidity = 0;

const MESSAGES = [
  Buffer.from('From: a@praktijk.nl\r\nSubject: een\r\n\r\nRegel 1\r\nRegel 2\r\nRegel 3\r\n'),
  // Lines starting with "." after CRLF and after a bare LF, a lone ".", and no final CRLF.
  Buffer.from('From: a@praktijk.nl\r\nSubject: punten\r\n\r\n.begint met punt\r\n.\r\n..twee\nbare LF\n.na bare LF\r\nslot zonder CRLF'),
  Buffer.from('From: a@praktijk.nl\r\nSubject: drie\r\n\r\nBericht drie\r\n'),
];

before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('pop@praktijk-pop3.nl');
  const { mail } = server.server.services;
  const inbox = await mail.getFolder(account.mailboxId, 'INBOX');
  uidValidity = inbox!.uidValidity;
  for (const message of MESSAGES) await mail.append(inbox!.id, message);
});
after(() => server.close());

const login = () => Pop3Wire.login(server.ports.pop3s, server.ca, account.klantnummer, account.key);

test('greeting, CAPA before and after login, NOOP, QUIT', async () => {
  const client = await Pop3Wire.connect(server.ports.pop3s, server.ca);
  try {
    assert.match(client.greeting, /^\+OK /);
    const before = await client.multiline('CAPA');
    assert.equal(before.status.slice(0, 3), '+OK');
    for (const capability of ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'SASL PLAIN']) {
      assert.ok(before.lines.includes(capability), `CAPA lacks ${capability}: ${before.lines.join(', ')}`);
    }
    // RFC 1939 §3: commands of the TRANSACTION state are refused before login.
    assert.match(await client.command('STAT'), /^-ERR /);
    assert.match(await client.command('NOOP'), /^-ERR /);
    assert.match(await client.command(`USER ${account.klantnummer}`), /^\+OK/);
    assert.match(await client.command(`PASS ${account.key}`), /^\+OK 3 messages/);
    const afterLogin = await client.multiline('CAPA');
    assert.ok(!afterLogin.lines.includes('USER') && !afterLogin.lines.includes('SASL PLAIN'), 'no login mechanisms after login');
    assert.equal(await client.command('NOOP'), '+OK');
    assert.match(await client.quit(), /^\+OK/);
  } finally {
    client.destroy();
  }
});

test('QUIT in the AUTHORIZATION state ends the session', async () => {
  const client = await Pop3Wire.connect(server.ports.pop3s, server.ca);
  assert.match(await client.command('QUIT'), /^\+OK/);
  await client.wire.waitClosed(2_000);
});

test('USER/PASS: the address works as user name too; a wrong key is -ERR [AUTH]; PASS needs USER', async () => {
  const client = await Pop3Wire.connect(server.ports.pop3s, server.ca);
  try {
    assert.match(await client.command(`PASS ${account.key}`), /^-ERR /);
    await client.command(`USER ${account.klantnummer}`);
    assert.match(await client.command('PASS verkeerde-sleutel'), /^-ERR \[AUTH\] /);
    await client.command(`USER ${account.address.toUpperCase()}`);
    // RFC 1939 §7: PASS takes the rest of the line; a key pasted with a trailing space still works.
    assert.match(await client.command(`PASS ${account.key} `), /^\+OK 3 messages \(\d+ octets\)$/);
    await client.quit();
  } finally {
    client.destroy();
  }
});

test('AUTH PLAIN: initial response, continuation, cancel, mechanism list, bad base64', async () => {
  const client = await Pop3Wire.connect(server.ports.pop3s, server.ca);
  try {
    const mechanisms = await client.multiline('AUTH');
    assert.deepEqual(mechanisms.lines, ['PLAIN']);
    assert.match(await client.command('AUTH CRAM-MD5'), /^-ERR /);
    assert.match(await client.command('AUTH PLAIN ***'), /^-ERR /);
    // RFC 5034 §4: "*" cancels.
    assert.equal(await client.command('AUTH PLAIN'), '+ ');
    assert.match(await client.command('*'), /^-ERR /);
    assert.match(await client.command(`AUTH PLAIN ${authPlain(account.klantnummer, 'fout')}`), /^-ERR \[AUTH\] /);
    // Continuation form: the response on its own line.
    assert.equal(await client.command('AUTH PLAIN'), '+ ');
    assert.match(await client.command(authPlain(account.klantnummer, account.key)), /^\+OK 3 messages/);
    await client.quit();
  } finally {
    client.destroy();
  }
  const initial = await Pop3Wire.connect(server.ports.pop3s, server.ca);
  try {
    assert.match(await initial.command(`AUTH PLAIN ${authPlain(account.address, account.key)}`), /^\+OK 3 messages/);
    await initial.quit();
  } finally {
    initial.destroy();
  }
});

test('STAT, LIST, UIDL (all and one), and their errors', async () => {
  const client = await login();
  try {
    const total = MESSAGES.reduce((n, m) => n + m.length, 0);
    assert.equal(await client.command('STAT'), `+OK 3 ${total}`);
    const list = await client.multiline('LIST');
    assert.deepEqual(list.lines, MESSAGES.map((m, i) => `${i + 1} ${m.length}`));
    assert.equal(await client.command('LIST 2'), `+OK 2 ${MESSAGES[1]!.length}`);
    const uidl = await client.multiline('UIDL');
    assert.deepEqual(uidl.lines, MESSAGES.map((_, i) => `${i + 1} ${i + 1}.${uidValidity}`));
    assert.equal(await client.command('UIDL 3'), `+OK 3 3.${uidValidity}`);
    for (const bad of ['LIST 4', 'LIST 0', 'LIST -1', 'LIST abc', 'LIST 1 2', 'UIDL 9', 'UIDL x']) {
      assert.match(await client.command(bad), /^-ERR /, bad);
    }
    assert.match(await client.command('STAT'), /^\+OK 3 /, 'errors change nothing');
    await client.quit();
  } finally {
    client.destroy();
  }
});

test('RETR: exact bytes; the wire form is dot-stuffed after any LF and terminated per RFC 1939 §3', async () => {
  const client = await login();
  try {
    for (const [i, message] of MESSAGES.entries()) assert.ok((await client.retr(i + 1)).equals(message), `message ${i + 1}`);
    // The raw wire form of message 2, checked by hand.
    client.send('RETR 2');
    assert.equal(await client.readLine(), `+OK ${MESSAGES[1]!.length} octets`);
    const wire = await client.wire.readUntil(multilineEndFinder());
    assert.equal(
      wire.toString('latin1'),
      'From: a@praktijk.nl\r\nSubject: punten\r\n\r\n..begint met punt\r\n..\r\n...twee\nbare LF\n..na bare LF\r\nslot zonder CRLF\r\n.\r\n',
    );
    for (const bad of ['RETR 4', 'RETR 0', 'RETR', 'RETR 1 2', 'RETR een']) assert.match(await client.command(bad), /^-ERR /, bad);
    await client.quit();
  } finally {
    client.destroy();
  }
});

test('TOP: the header, the blank line and n body lines', async () => {
  const client = await login();
  try {
    assert.match(await client.command('TOP 1 0'), /^\+OK/);
    assert.equal((await client.readMultilineBody()).toString(), 'From: a@praktijk.nl\r\nSubject: een\r\n\r\n');
    assert.match(await client.command('TOP 1 2'), /^\+OK/);
    assert.equal((await client.readMultilineBody()).toString(), 'From: a@praktijk.nl\r\nSubject: een\r\n\r\nRegel 1\r\nRegel 2\r\n');
    // More lines than the body has: the whole message.
    assert.match(await client.command('TOP 1 100'), /^\+OK/);
    assert.ok((await client.readMultilineBody()).equals(MESSAGES[0]!));
    // Stuffed like RETR. The third body line ends with a bare LF, so the server puts CRLF before
    // the terminator (RFC 1939 §3) and the reader sees it as part of the reply.
    assert.match(await client.command('TOP 2 3'), /^\+OK/);
    assert.equal((await client.readMultilineBody()).toString(), 'From: a@praktijk.nl\r\nSubject: punten\r\n\r\n.begint met punt\r\n.\r\n..twee\n\r\n');
    for (const bad of ['TOP 4 1', 'TOP 1', 'TOP 1 -1', 'TOP x 1']) assert.match(await client.command(bad), /^-ERR /, bad);
    await client.quit();
  } finally {
    client.destroy();
  }
});

test('bad commands: unknown, empty, too long, control characters; the session keeps working', async () => {
  const client = await login();
  try {
    assert.match(await client.command('XYZZY'), /^-ERR /);
    assert.match(await client.command('APOP user digest'), /^-ERR /);
    assert.match(await client.command(''), /^-ERR /);
    assert.match(await client.command(`NOOP ${'x'.repeat(300)}`), /^-ERR /);
    assert.match(await client.command(`LIST ${'9'.repeat(50)}`), /^-ERR /);
    assert.match(await client.command('NO\u0001OP'), /^-ERR /);
    assert.match(await client.command('USER someone'), /^-ERR /, 'USER in TRANSACTION');
    assert.equal(await client.command('NOOP'), '+OK');
    assert.match(await client.command('STAT'), /^\+OK 3 /);
    await client.quit();
  } finally {
    client.destroy();
  }
});

test('pipelined commands (RFC 2449 PIPELINING) are answered in order', async () => {
  const client = await login();
  try {
    client.wire.write('NOOP\r\nSTAT\r\nLIST 1\r\nRETR 3\r\nUIDL 1\r\nNOOP\r\n');
    assert.equal(await client.readLine(), '+OK');
    assert.match(await client.readLine(), /^\+OK 3 \d+$/);
    assert.equal(await client.readLine(), `+OK 1 ${MESSAGES[0]!.length}`);
    const retr = await client.readRetr();
    assert.ok(retr.bytes.equals(MESSAGES[2]!));
    assert.equal(await client.readLine(), `+OK 1 1.${uidValidity}`);
    assert.equal(await client.readLine(), '+OK');
    await client.quit();
  } finally {
    client.destroy();
  }
});

test('a second concurrent login to the same maildrop gets -ERR [IN-USE]; it works after QUIT', async () => {
  const first = await login();
  const second = await Pop3Wire.connect(server.ports.pop3s, server.ca);
  try {
    await second.command(`USER ${account.address}`);
    assert.match(await second.command(`PASS ${account.key}`), /^-ERR \[IN-USE\] /);
    // The first session is unaffected.
    assert.match(await first.command('STAT'), /^\+OK 3 /);
    await first.quit();
    await second.command(`USER ${account.klantnummer}`);
    assert.match(await second.command(`PASS ${account.key}`), /^\+OK 3 messages/);
    await second.quit();
  } finally {
    first.destroy();
    second.destroy();
  }
});

test('the lock is released when a client disconnects without QUIT', async () => {
  const first = await login();
  first.destroy();
  await first.wire.waitClosed(2_000);
  // The server sees the close a moment later.
  let reply = '';
  for (let attempt = 0; attempt < 40; attempt++) {
    const next = await Pop3Wire.connect(server.ports.pop3s, server.ca);
    await next.command(`USER ${account.klantnummer}`);
    reply = await next.command(`PASS ${account.key}`);
    if (reply.startsWith('+OK')) {
      // No QUIT: RFC 1939 §6, nothing marked is deleted when the connection just ends.
      next.destroy();
      await next.wire.waitClosed(2_000);
      break;
    }
    next.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(reply, /^\+OK 3 messages/);
});

test('DELE marks, RSET unmarks, DELE+QUIT deletes (and IMAP sees it gone)', async () => {
  const client = await login();
  try {
    assert.match(await client.command('DELE 2'), /^\+OK/);
    assert.match(await client.command('DELE 2'), /^-ERR /, 'already marked');
    assert.match(await client.command('RETR 2'), /^-ERR /, 'a marked message is gone for this session');
    assert.match(await client.command('LIST 2'), /^-ERR /);
    assert.deepEqual((await client.multiline('LIST')).lines.map((l) => l.split(' ')[0]), ['1', '3'], 'message numbers do not shift');
    assert.match(await client.command('STAT'), new RegExp(`^\\+OK 2 ${MESSAGES[0]!.length + MESSAGES[2]!.length}$`));
    assert.match(await client.command('DELE 9'), /^-ERR /);
    assert.match(await client.command('RSET'), /^\+OK/);
    assert.match(await client.command('STAT'), /^\+OK 3 /);
    assert.ok((await client.retr(2)).equals(MESSAGES[1]!));
    // Marked and then the connection dropped without QUIT: nothing is deleted (RFC 1939 §6).
    assert.match(await client.command('DELE 1'), /^\+OK/);
    client.destroy();
    await client.wire.waitClosed(2_000);
  } finally {
    client.destroy();
  }

  const again = await retryLogin();
  try {
    assert.match(await again.command('STAT'), /^\+OK 3 /, 'no QUIT, no deletion');
    assert.match(await again.command('DELE 2'), /^\+OK/);
    assert.match(await again.quit(), /^\+OK/);
  } finally {
    again.destroy();
  }

  const imap = await connectImap(server, { user: account.klantnummer, pass: account.key });
  try {
    const status = await imap.status('INBOX', { messages: true });
    assert.equal(status && status.messages, 2);
    const lock = await imap.getMailboxLock('INBOX');
    const uids: number[] = [];
    for await (const message of imap.fetch('1:*', { uid: true })) uids.push(message.uid);
    lock.release();
    assert.deepEqual(uids, [1, 3]);
  } finally {
    await imap.logout();
  }

  const last = await retryLogin();
  try {
    assert.deepEqual((await last.multiline('UIDL')).lines, [`1 1.${uidValidity}`, `2 3.${uidValidity}`], 'renumbered, same unique ids');
    assert.ok((await last.retr(2)).equals(MESSAGES[2]!));
    await last.quit();
  } finally {
    last.destroy();
  }
});

test('multi-line replies are not held back by Nagle + delayed ACK (20 LIST/RETR round trips < 400 ms)', async () => {
  const client = await retryLogin();
  try {
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      await client.multiline('LIST');
      await client.retr(1);
    }
    const elapsed = Date.now() - started;
    // ~40 ms each when the status line and the body wait for an ACK; ~1 ms each otherwise.
    assert.ok(elapsed < 400, `20 multi-line round trips took ${elapsed} ms`);
    await client.quit();
  } finally {
    client.destroy();
  }
});

test('many RETRs in one session leave no listeners behind on the connection (no MaxListenersExceededWarning)', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  const client = await retryLogin();
  try {
    for (let i = 0; i < 15; i++) await client.retr(1);
    await client.quit();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    client.destroy();
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});

/** Logs in, waiting briefly for the server to release the lock of a session that just ended. */
async function retryLogin(): Promise<Pop3Wire> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await login();
    } catch (error) {
      if (attempt > 40 || !/IN-USE/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

test('a message expunged over IMAP during a POP3 session is refused before +OK (RFC 2180 §4.1)', async () => {
  const extra = await server.addMailbox('gedeeld@praktijk-pop3.nl');
  const { mail } = server.server.services;
  const inbox = (await mail.getFolder(extra.mailboxId, 'INBOX'))!;
  await mail.append(inbox.id, Buffer.from('Subject: weg\r\n\r\nwordt verwijderd\r\n'));
  await mail.append(inbox.id, Buffer.from('Subject: blijft\r\n\r\nblijft staan\r\n'));
  const client = await Pop3Wire.login(server.ports.pop3s, server.ca, extra.klantnummer, extra.key);
  try {
    await mail.deleteMessages(inbox.id, [1]);
    assert.match(await client.command('RETR 1'), /^-ERR .*deleted/);
    assert.match(await client.command('TOP 1 0'), /^-ERR .*deleted/);
    const second = await client.multiline('RETR 2');
    assert.match(second.status, /^\+OK/);
    assert.ok(second.lines.includes('blijft staan'));
    assert.match(await client.quit(), /^\+OK/);
  } finally {
    client.destroy();
  }
});
