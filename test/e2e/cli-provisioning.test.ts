// The admin CLI as an operator uses it, against a real `zorgpost serve` in another process:
// `mailbox add` without --klantnummer assigns a unique 9-digit klantnummer, the key from
// `key generate` logs in, a mailbox of a second organisation sends to the first organisation, and
// `key generate` run while the server is up revokes the old key there too, closing its open session.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildServer, runCli } from '../helpers/child-server.ts';
import { connectImap, fetchSources, smtpTransport } from '../helpers/clients.ts';
import { splitTracePrefix } from '../helpers/corpus.ts';
import { withTimeout } from '../helpers/async.ts';

interface CliMailbox {
  klantnummer: string;
  address: string;
  displayName: string;
}

let dataDir: string;
let server: ChildServer | null = null;
const mailboxes: CliMailbox[] = [];
const keys = new Map<string, string>();

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'zorgpost-cli-'));
});
after(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test('org add and mailbox add: every mailbox gets a unique 9-digit klantnummer', { timeout: 120_000 }, async () => {
  const first = await runCli<{ domain: string }>(dataDir, ['org', 'add', '--name', 'Huisartsenpraktijk De Linde', '--domain', 'delinde-cli.nl']);
  assert.equal(first.domain, 'delinde-cli.nl');
  await runCli(dataDir, ['org', 'add', '--name', 'Apotheek Centrum', '--domain', 'apotheek-cli.nl']);
  for (const [address, name] of [
    ['j.jansen@delinde-cli.nl', 'Dr. J. Jansen'],
    ['assistent@delinde-cli.nl', 'Assistent'],
    ['recepten@apotheek-cli.nl', 'Apotheek'],
  ]) {
    mailboxes.push(await runCli<CliMailbox>(dataDir, ['mailbox', 'add', '--address', address!, '--name', name!]));
  }
  for (const mailbox of mailboxes) assert.match(mailbox.klantnummer, /^\d{9}$/, mailbox.address);
  assert.equal(new Set(mailboxes.map((m) => m.klantnummer)).size, mailboxes.length, 'klantnummers are unique');
  // A klantnummer already in use is refused (exit status 1).
  await assert.rejects(
    runCli(dataDir, ['mailbox', 'add', '--address', 'dubbel@delinde-cli.nl', '--name', 'Dubbel', '--klantnummer', mailboxes[0]!.klantnummer]),
    /exited 1: .*already in use/,
  );
  const listed = await runCli<CliMailbox[]>(dataDir, ['mailbox', 'list']);
  assert.deepEqual(listed.map((m) => m.klantnummer).sort(), mailboxes.map((m) => m.klantnummer).sort());
});

test('a key from the CLI logs in; the second organisation sends to the first', { timeout: 120_000 }, async () => {
  assert.equal(mailboxes.length, 3, 'the previous test made the mailboxes');
  const [jansen, , apotheek] = mailboxes as [CliMailbox, CliMailbox, CliMailbox];
  for (const mailbox of [jansen, apotheek]) {
    const generated = await runCli<{ klantnummer: string; key: string }>(dataDir, ['key', 'generate', '--mailbox', mailbox.address]);
    assert.equal(generated.klantnummer, mailbox.klantnummer);
    keys.set(mailbox.address, generated.key);
  }
  server = await ChildServer.start(dataDir);

  const bytes = Buffer.from(`From: ${apotheek.address}\r\nTo: ${jansen.address}\r\nSubject: Medicatieoverzicht\r\n\r\nZie bijlage.\r\n`);
  const transport = smtpTransport(server, { user: apotheek.klantnummer, pass: keys.get(apotheek.address)! });
  try {
    await transport.sendMail({ envelope: { from: apotheek.address, to: [jansen.address] }, raw: bytes });
  } finally {
    transport.close();
  }
  const imap = await connectImap(server, { user: jansen.klantnummer, pass: keys.get(jansen.address)! });
  try {
    const [received] = await fetchSources(imap);
    assert.ok(received, 'delivered');
    splitTracePrefix(received.source, bytes);
  } finally {
    await imap.logout();
  }
});

test('key generate in another process while the server runs: the open session closes, the old key fails', { timeout: 120_000 }, async () => {
  assert.ok(server, 'the previous test started the server');
  const jansen = mailboxes[0]!;
  const oldKey = keys.get(jansen.address)!;
  const imap = await connectImap(server, { user: jansen.klantnummer, pass: oldKey });
  await imap.mailboxOpen('INBOX');
  const closed = new Promise<void>((resolve) => imap.once('close', () => resolve()));

  const { key: newKey } = await runCli<{ key: string }>(dataDir, ['key', 'generate', '--mailbox', jansen.klantnummer]);
  // The server learns of the change from the database (it polls every 200 ms).
  await withTimeout(closed, 3_000, 'the old-key IMAP session to be closed');
  await assert.rejects(connectImap(server, { user: jansen.klantnummer, pass: oldKey }));
  const again = await connectImap(server, { user: jansen.klantnummer, pass: newKey });
  await again.logout();
});
