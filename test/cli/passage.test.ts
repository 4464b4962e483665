// `zorgpost passage invite|list` and `zorgpost mailbox activation` (SPEC R1, R2) as an operator
// uses them: the first operator of a fresh installation, invitations for an organisation's admin and
// users, the account list, and activation data for linking a mailbox.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { configSchema } from '../../src/config/schema.ts';
import { openServices } from '../../src/main.ts';
import { totp } from '../identity/passage-fixture.ts';

describe('zorgpost passage and mailbox activation', () => {
  let dir: string;
  let data: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-cli-passage-'));
    data = ['--data', join(dir, 'data')];
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("invites the first operator of a fresh installation, then an organisation's admin and users", async () => {
    const first = await runCli([...data, 'passage', 'invite', '--email', 'Beheer@Zorgpost.example', '--admin']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Created a new Zorgpost data directory/);
    assert.match(first.stdout, /Invitation for beheer@zorgpost\.example \(platform operator\)/);
    assert.match(first.stdout, /https:\/\/[^\s/]+(:\d+)?\/invite#[A-Za-z0-9_-]{43}\n/);

    await runCliJson([...data, 'org', 'add', '--name', 'De Linde', '--domain', 'delinde.nl']);
    const admin = await runCliJson<{
      email: string;
      role: string;
      organisation: string;
      url: string;
      expiresAt: string;
    }>([...data, 'passage', 'invite', '--email', 'manager@delinde.nl', '--org', 'DeLinde.nl', '--admin']);
    assert.deepEqual(
      { email: admin.email, role: admin.role, organisation: admin.organisation },
      { email: 'manager@delinde.nl', role: 'admin', organisation: 'delinde.nl' },
    );
    assert.match(admin.url, /\/invite#[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(admin.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `valid 7 days, not ${days}`);
    const user = await runCliJson<{ role: string }>([
      ...data,
      'passage',
      'invite',
      '--email',
      'dokter@delinde.nl',
      '--org',
      'delinde.nl',
    ]);
    assert.equal(user.role, 'user');
  });

  it('refuses unclear or impossible invitations with a one-line reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['passage', 'invite', '--email', 'iemand@delinde.nl'], /--org DOMAIN.*--admin alone for a platform operator/],
      [
        ['passage', 'invite', '--email', 'iemand@elders.nl', '--org', 'elders.nl'],
        /No organisation has the domain elders\.nl/,
      ],
      [['passage', 'invite', '--email', 'geen adres', '--admin'], /not a valid e-mail address/],
      [['mailbox', 'activation', '--mailbox', '999999999'], /No mailbox/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...data, ...args]);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
    }
    // Only an operator invitation may start an installation: a typo in --data is not one.
    const typo = await runCli([
      '--data',
      join(dir, 'typo'),
      'passage',
      'invite',
      '--email',
      'x@delinde.nl',
      '--org',
      'delinde.nl',
    ]);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /no Zorgpost data in/);
  });

  it('issues activation data for a mailbox by klantnummer or address', async () => {
    await runCliJson([
      ...data,
      'mailbox',
      'add',
      '--address',
      'balie@delinde.nl',
      '--name',
      'Balie',
      '--klantnummer',
      '500123456',
    ]);
    const issued = await runCliJson<{ klantnummer: string; address: string; code: string; expiresAt: string }>([
      ...data,
      'mailbox',
      'activation',
      '--mailbox',
      'balie@delinde.nl',
    ]);
    assert.equal(issued.klantnummer, '500123456');
    assert.equal(issued.address, 'balie@delinde.nl');
    assert.match(issued.code, /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    const days = (Date.parse(issued.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30);

    const text = await runCli([...data, 'mailbox', 'activation', '--mailbox', '500123456']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Klantnummer: +500123456/);
    assert.match(text.stdout, /Activation code: +[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}/);
    assert.match(text.stdout, /works once/);
  });

  it('lists accounts, and says how to start when there are none', async () => {
    const empty = await runCli([...data, 'passage', 'list']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /No Passage ID accounts yet.*passage invite/);
    assert.deepEqual(await runCliJson([...data, 'passage', 'list']), []);

    // An account made the way the portal makes one, with a linked mailbox.
    const config = configSchema.parse({ hostname: 'mail.test', dataDir: join(dir, 'data'), log: { level: 'silent' } });
    const services = await openServices(config, pino({ level: 'silent' }));
    try {
      const { passage, identity } = services;
      const invited = await passage.invite(
        { email: 'dokter@delinde.nl', role: 'user', orgDomain: 'delinde.nl' },
        { actor: 'test' },
      );
      const { totp: enrolment } = await passage.inspectInvitation(invited.token);
      const client = { remoteAddress: '127.0.0.1', userAgent: 'test' };
      const { account } = await passage.acceptInvitation(
        { token: invited.token, password: 'een lang wachtwoord', totpCode: totp(enrolment.secret, new Date()) },
        client,
      );
      const activation = await passage.issueActivation(await identity.requireMailbox('500123456'), { actor: 'test' });
      await passage.linkMailbox(account, { klantnummer: activation.klantnummer, code: activation.code }, client);
    } finally {
      await services.close();
    }
    const list = await runCliJson<
      Array<{ email: string; role: string; organisation: string | null; linkedMailboxes: number; disabled: boolean }>
    >([...data, 'passage', 'list']);
    assert.deepEqual(
      list.map(({ email, role, organisation, linkedMailboxes, disabled }) => ({
        email,
        role,
        organisation,
        linkedMailboxes,
        disabled,
      })),
      [{ email: 'dokter@delinde.nl', role: 'user', organisation: 'delinde.nl', linkedMailboxes: 1, disabled: false }],
    );
    const text = await runCli([...data, 'passage', 'list']);
    assert.match(text.stdout, /^dokter@delinde\.nl +user +delinde\.nl +created \d{4}-\d\d-\d\d +1 mailbox\n$/);
  });

  it('disables a Passage ID and enables it again', async () => {
    const off = await runCli([...data, 'passage', 'disable', '--email', 'Dokter@delinde.nl']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /dokter@delinde\.nl is disabled; its sessions have ended/);
    assert.match((await runCli([...data, 'passage', 'list'])).stdout, /\(disabled\)\n$/);
    const on = await runCliJson<{ email: string; disabled: boolean }>([...data, 'passage', 'enable', '--email', 'dokter@delinde.nl']);
    assert.deepEqual(on, { email: 'dokter@delinde.nl', disabled: false });
    const unknown = await runCli([...data, 'passage', 'disable', '--email', 'niemand@delinde.nl']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No Passage ID for niemand@delinde\.nl/);
  });
});
