// The admin CLI as an operator uses it: JSON for scripts, clear errors and exit codes for mistakes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliJson } from '../helpers/cli.ts';

describe('zorgpost CLI', () => {
  let dir: string;
  let data: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-cli-'));
    data = ['--data', join(dir, 'data')];
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('adds organisations and mailboxes and prints a Hosted Mail Key once', async () => {
    const org = await runCliJson<{ domain: string; name: string }>([...data, 'org', 'add', '--name', 'Praktijk Noord', '--domain', 'Noord.Example']);
    assert.deepEqual({ domain: org.domain, name: org.name }, { domain: 'noord.example', name: 'Praktijk Noord' });

    const assigned = await runCliJson<{ klantnummer: string; address: string }>([...data, 'mailbox', 'add', '--address', 'Dokter@noord.example', '--name', 'Dr. Noord']);
    assert.match(assigned.klantnummer, /^\d{9}$/);
    assert.equal(assigned.address, 'dokter@noord.example');

    const chosen = await runCliJson<{ klantnummer: string }>([...data, 'mailbox', 'add', '--address', 'balie@noord.example', '--name', 'Balie', '--klantnummer', '500123456']);
    assert.equal(chosen.klantnummer, '500123456');

    const first = await runCliJson<{ key: string; klantnummer: string }>([...data, 'key', 'generate', '--mailbox', '500123456']);
    const second = await runCliJson<{ key: string }>([...data, 'key', 'generate', '--mailbox', 'balie@noord.example']);
    // ≥128 bits from a 31-character alphabet without 0/o/1/l/i, grouped for typing.
    assert.match(first.key, /^[2-9a-hj-km-np-z]{4}(-[2-9a-hj-km-np-z]{4}){6}$/);
    assert.notEqual(first.key, second.key);
    assert.equal(first.klantnummer, '500123456');

    const text = await runCli([...data, 'key', 'generate', '--mailbox', '500123456']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /shown only this once/);

    const list = await runCliJson<Array<{ address: string }>>([...data, 'mailbox', 'list']);
    assert.deepEqual(list.map((m) => m.address), ['balie@noord.example', 'dokter@noord.example']);
  });

  it('refuses bad requests with a one-line reason and exit status 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['org', 'add', '--name', 'Dubbel', '--domain', 'noord.example'], /already exists/],
      [['org', 'add', '--name', 'X', '--domain', 'not a domain'], /not a valid domain/],
      [['mailbox', 'add', '--address', 'a@elders.example', '--name', 'A'], /No organisation has the domain elders\.example.*org add/],
      [['mailbox', 'add', '--address', 'not-an-address', '--name', 'A'], /not a valid e-mail address/],
      [['mailbox', 'add', '--address', 'b@noord.example', '--name', 'B', '--klantnummer', '12345'], /exactly 9 digits/],
      [['mailbox', 'add', '--address', 'c@noord.example', '--name', 'C', '--klantnummer', '500123456'], /already in use/],
      [['key', 'generate', '--mailbox', '999999999'], /No mailbox/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...data, ...args]);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
    }
  });

  it('never creates a database by accident: only org add starts a new data directory', async () => {
    const elsewhere = join(dir, 'typo', 'data');
    for (const args of [['mailbox', 'list'], ['org', 'list'], ['key', 'generate', '--mailbox', '500123456']]) {
      const result = await runCli(['--data', elsewhere, ...args]);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr, /no Zorgpost data in .*typo/);
    }
    assert.equal(existsSync(join(dir, 'typo')), false);
    const created = await runCli(['--data', elsewhere, 'org', 'add', '--name', 'Nieuw', '--domain', 'nieuw.example']);
    assert.equal(created.code, 0);
    assert.match(created.stderr, /Created a new Zorgpost data directory/);
  });

  it('treats usage mistakes as exit status 2', async () => {
    for (const args of [['org', 'add', '--domain', 'x.example'], ['frobnicate'], ['mailbox', 'add', '--address']]) {
      const result = await runCli([...data, ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /error/);
    }
  });

  it('reads the data directory from ZORGPOST_DATA and shows the effective configuration', async () => {
    const config = join(dir, 'zorgpost.json');
    await writeFile(config, JSON.stringify({ hostname: 'mail.noord.example', ports: { imaps: 993 } }));
    const shown = await runCliJson<{ hostname: string; dataDir: string; ports: Record<string, number> }>(['--config', config, 'config', 'show'], {
      env: { ZORGPOST_DATA: join(dir, 'elsewhere'), ZORGPOST_POP3S_PORT: '0' },
    });
    assert.equal(shown.hostname, 'mail.noord.example');
    assert.equal(shown.dataDir, join(dir, 'elsewhere'));
    assert.deepEqual(shown.ports, { smtps: 10465, submission: 10587, imaps: 993, pop3s: 0, https: 10443, ldaps: 10636 });
  });

  it('reports every configuration problem at once', async () => {
    const config = join(dir, 'bad.json');
    await writeFile(config, JSON.stringify({ ports: { imaps: 'x', gopher: 70 }, log: { level: 'loud' } }));
    const result = await runCli(['--config', config, 'config', 'show'], { env: { ZORGPOST_SMTPS_PORT: 'http' } });
    assert.equal(result.code, 2);
    for (const problem of [/ZORGPOST_SMTPS_PORT=http/, /ports\.imaps/, /gopher/, /log\.level/]) assert.match(result.stderr, problem);
    const clash = await runCli(['config', 'show'], { env: { ZORGPOST_LISTEN_ADDRESS: 'bogus', ZORGPOST_IMAPS_PORT: '10465' } });
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /listenAddress: "bogus" is not an IP address/);
    assert.match(clash.stderr, /smtps and imaps cannot share port 10465/);
    const missing = await runCli(['--config', join(dir, 'missing.json'), 'config', 'show']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing\.json/);
  });
});
