// `zorgpost policy …` and `zorgpost secure …` as an operator uses them: set an install type (also
// from the manual's registry value), read it back, and refuse bad input with a helpful message.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliJson } from '../helpers/cli.ts';

describe('zorgpost policy and secure', () => {
  let dir: string;
  let data: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zorgpost-cli-policy-'));
    data = ['--data', join(dir, 'data')];
    const org = await runCli([...data, 'org', 'add', '--name', 'Huisartsen Oost', '--domain', 'oost.example']);
    assert.equal(org.code, 0, org.stderr);
    const mailbox = await runCli([...data, 'mailbox', 'add', '--address', 'balie@oost.example', '--name', 'Balie']);
    assert.equal(mailbox.code, 0, mailbox.stderr);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('shows the defaults, sets the install type and settings, and shows them again', async () => {
    const shown = await runCli([...data, 'policy', 'show', '--org', 'oost.example']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /install type: +viewer-06-controle/);
    assert.match(shown.stdout, /Viewer retention: +90 days/);
    assert.match(shown.stdout, /subject triggers: +\[veilig\] \[secure\]/);

    const set = await runCli([...data, 'policy', 'set', '--org', 'oost.example', '--type', 'viewer-06-verplicht', '--retention-days', '30', '--automatically-override-send', '1', '--language', 'English']);
    assert.equal(set.code, 0, set.stderr);
    const json = await runCliJson<{ installType: string; retentionDays: number; automaticallyOverrideSend: boolean; languageSetting: string; unsafeExternalSend: string }>([
      ...data, '--json', 'policy', 'show', '--org', 'oost.example',
    ]);
    assert.equal(json.installType, 'viewer-06-verplicht');
    assert.equal(json.retentionDays, 30);
    assert.equal(json.automaticallyOverrideSend, true);
    assert.equal(json.languageSetting, 'English');
    assert.equal(json.unsafeExternalSend, 'viewer');
  });

  it("imports the manual's registry Type by plug-in version", async () => {
    const old = await runCli([...data, 'policy', 'set', '--org', 'oost.example', '--registry-type', '4', '--plugin-version', '2.10']);
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stdout, /install type: +viewer-06-controle/);
    const current = await runCli([...data, 'policy', 'set', '--org', 'oost.example', '--registry-type', '4', '--plugin-version', '2.11.6']);
    assert.match(current.stdout, /install type: +viewer-06-verplicht/);
    const translated = await runCli([...data, 'policy', 'registry-type', '2', '--plugin-version', '2.12.2']);
    assert.equal(translated.stdout.trim(), 'viewer');
  });

  it('refuses bad input with a clear message and exit code', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['policy', 'set', '--org', 'oost.example', '--type', 'viewer-07'], /--type must be one of viewer-06-verplicht, viewer-06-controle, viewer, standaard/],
      [['policy', 'set', '--org', 'oost.example', '--registry-type', '5', '--plugin-version', '2.11'], /does not exist for plug-in version 2\.11/],
      [['policy', 'set', '--org', 'oost.example', '--registry-type', '3'], /needs --plugin-version/],
      [['policy', 'set', '--org', 'oost.example', '--retention-days', '0'], /retentionDays/],
      [['policy', 'set', '--org', 'oost.example', '--triggers', 'vei lig'], /trigger keyword/],
      [['policy', 'set', '--org', 'oost.example'], /nothing to change/],
      [['policy', 'set', '--org', 'oost.example', '--patient-channel', '1'], /needs the practice mailbox/],
      [['policy', 'set', '--org', 'oost.example', '--patient-channel', '1', '--patient-mailbox', 'iemand@elders.example'], /not a mailbox of this organisation/],
      [['policy', 'show', '--org', 'nergens.example'], /No organisation with domain nergens\.example/],
      [['secure', 'status', '--mailbox', 'balie@oost.example', '12'], /No secure message 12 of yours/],
      [['secure', 'revoke', '--mailbox', 'balie@oost.example', 'abc'], /a secure message id is a number/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli([...data, ...args]);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
  });

  it('lists no secure messages for a mailbox that sent none, and expires nothing', async () => {
    const list = await runCli([...data, 'secure', 'list', '--mailbox', 'balie@oost.example']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /No secure messages sent by balie@oost\.example/);
    const expire = await runCli([...data, 'secure', 'expire']);
    assert.match(expire.stdout, /0 expired Viewer messages deleted/);
  });
});
