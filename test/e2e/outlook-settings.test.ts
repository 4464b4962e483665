// The mail client settings of the manual (README "Mail client settings"): user name = klantnummer
// (the e-mail address is accepted too), password = Hosted Mail Key, implicit TLS on the SMTPS, IMAPS
// and POP3S ports. Checked with real clients: nodemailer, imapflow, curl and Python's smtplib,
// imaplib and poplib. Keys are accepted as users type them (any case, without the dashes).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { connectImap, smtpTransport } from '../helpers/clients.ts';
import { runPython } from '../helpers/python.ts';

const run = promisify(execFile);

let server: TestServer;
let account: TestAccount;
let colleague: TestAccount;
let workDir: string;

before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('j.jansen@delinde-outlook.nl');
  colleague = await server.addMailbox('assistent@delinde-outlook.nl');
  workDir = await mkdtemp(join(tmpdir(), 'zorgpost-outlook-'));
});
after(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

/** The user names and key spellings a user may type into Outlook. */
function logins(): Array<{ user: string; pass: string; label: string }> {
  return [
    { user: account.klantnummer, pass: account.key, label: 'klantnummer' },
    { user: account.address, pass: account.key, label: 'address' },
    { user: account.address.toUpperCase(), pass: account.key.toUpperCase().replaceAll('-', ''), label: 'ADDRESS, KEY WITHOUT DASHES' },
  ];
}

function curl(url: string, user: string, extra: string[] = []) {
  const port = new URL(url).port;
  return run('curl', ['--silent', '--show-error', '--cacert', server.caFile, '--resolve', `localhost:${port}:127.0.0.1`, '--user', user, ...extra, url], {
    encoding: 'buffer',
    timeout: 20_000,
  });
}

test('SMTPS (implicit TLS): nodemailer, curl and smtplib log in with klantnummer or address and send', async () => {
  for (const { user, pass, label } of logins()) {
    const transport = smtpTransport(server, { user, pass });
    try {
      const info = await transport.sendMail({
        envelope: { from: account.address, to: [colleague.address] },
        raw: Buffer.from(`From: ${account.address}\r\nTo: ${colleague.address}\r\nSubject: nodemailer ${label}\r\n\r\nHallo\r\n`),
      });
      assert.match(info.response, /^250 /, label);
    } finally {
      transport.close();
    }
  }
  const file = join(workDir, 'curl.eml');
  await writeFile(file, `From: ${account.address}\r\nTo: ${colleague.address}\r\nSubject: curl\r\n\r\nHallo\r\n`);
  const port = server.ports.smtps;
  await curl(`smtps://localhost:${port}`, `${account.klantnummer}:${account.key}`, ['--mail-from', account.address, '--mail-rcpt', colleague.address, '--upload-file', file]);
  const python = await runPython<{ results: Array<{ code: number }> }>('smtp_submit.py', {
    host: 'localhost',
    port,
    cafile: server.caFile,
    user: account.address,
    password: account.key,
    mail_from: account.address,
    rcpt_to: [colleague.address],
    files: [file],
  });
  assert.equal(python.results[0]!.code, 250);
  const { mail } = server.server.services;
  const inbox = await mail.getFolder(colleague.mailboxId, 'INBOX');
  assert.equal(inbox!.messages, logins().length + 2);
});

test('IMAPS (implicit TLS): imapflow, curl and imaplib log in with klantnummer or address', async () => {
  for (const { user, pass, label } of logins()) {
    const client = await connectImap(server, { user, pass });
    assert.ok(client.authenticated, label);
    const folders = (await client.list()).map((f) => f.path);
    assert.ok(folders.includes('INBOX') && folders.includes('Sent'), folders.join(', '));
    await client.logout();
  }
  const { stdout } = await curl(`imaps://localhost:${server.ports.imaps}/`, `${account.address}:${account.key}`);
  assert.match(stdout.toString(), /\* LIST \(.*\) "\/" "?INBOX"?/);
  const python = await runPython<{ login: string }>('imap_fetch.py', {
    host: 'localhost',
    port: server.ports.imaps,
    cafile: server.caFile,
    user: account.klantnummer,
    password: account.key,
    outdir: workDir,
  });
  assert.equal(python.login, 'OK');
});

test('POP3S (implicit TLS): curl and poplib (USER/PASS and AUTH PLAIN) log in with klantnummer or address', async () => {
  for (const { user, pass, label } of logins()) {
    const { stdout } = await curl(`pop3s://localhost:${server.ports.pop3s}/`, `${user}:${pass}`);
    // An empty LIST: curl writes only the CRLF that starts the end-of-body marker (see
    // expectedCurlPop3Output in test/helpers/corpus.ts).
    assert.equal(stdout.toString(), '\r\n', `${label}: an empty maildrop lists nothing`);
  }
  for (const auth of ['user', 'plain']) {
    for (const user of [account.klantnummer, account.address]) {
      const python = await runPython<{ auth: string; stat: number[] }>('pop3_retr.py', {
        host: 'localhost',
        port: server.ports.pop3s,
        cafile: server.caFile,
        user,
        password: account.key,
        outdir: workDir,
        auth,
      });
      assert.match(python.auth, /^\+OK/, `${auth} ${user}`);
      assert.deepEqual(python.stat, [0, 0]);
    }
  }
});

test('the implicit-TLS ports do not talk in plaintext', async () => {
  for (const port of [server.ports.smtps, server.ports.imaps, server.ports.pop3s]) {
    const received = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
      // A plaintext client waits for a greeting and then speaks; the server must give neither
      // a greeting nor anything readable before the TLS handshake.
      setTimeout(() => socket.write('a1 LOGIN x y\r\nUSER x\r\nEHLO x\r\n'), 300);
      setTimeout(() => socket.destroy(), 1_500);
    });
    assert.doesNotMatch(received, /\+OK|\* OK|220|ESMTP|IMAP|POP3/, `port ${port} answered in plaintext: ${JSON.stringify(received.slice(0, 80))}`);
  }
});
