// Install types and the manual's registry Type values (SPEC R14, manual §4.4), and what happens to
// an external message sent without a trigger (SPEC R17 at the server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, installTypeFromRegistry, unsafeSendRule } from '../../src/policy/organisation-policy.ts';

test('registry Type values map by plug-in version as the manual\'s table says', () => {
  const upTo210 = { 1: 'standaard', 3: 'viewer', 4: 'viewer-06-controle', 5: 'viewer-06-verplicht' } as const;
  const from211 = { 1: 'standaard', 2: 'viewer', 3: 'viewer-06-controle', 4: 'viewer-06-verplicht' } as const;
  for (const version of ['2.10', '2.9.1', '1.5']) for (const [value, type] of Object.entries(upTo210)) assert.equal(installTypeFromRegistry(Number(value), version), type);
  for (const version of ['2.11', '2.11.6', '2.12.2', '3.0']) for (const [value, type] of Object.entries(from211)) assert.equal(installTypeFromRegistry(Number(value), version), type);
});

test('values that do not exist, Ciphermail and bad versions are refused with the reason', () => {
  assert.throws(() => installTypeFromRegistry(2, '2.10'), /Ciphermail/);
  assert.throws(() => installTypeFromRegistry(5, '2.11'), /does not exist for plug-in version 2\.11 \(known values: 1, 2, 3, 4\)/);
  assert.throws(() => installTypeFromRegistry(0, '2.10'), /does not exist/);
  assert.throws(() => installTypeFromRegistry(1, 'latest'), /not a plug-in version/);
});

test('unsafe external sends: refused by default, Viewer with AutomaticallyOverrideSend, allowed for standaard or DisableSecurityByDefault', () => {
  assert.equal(DEFAULT_POLICY.installType, 'viewer-06-controle');
  assert.equal(DEFAULT_POLICY.retentionDays, 90);
  assert.deepEqual(DEFAULT_POLICY.triggers, ['veilig', 'secure']);
  assert.equal(unsafeSendRule(DEFAULT_POLICY), 'refuse');
  assert.equal(unsafeSendRule({ ...DEFAULT_POLICY, automaticallyOverrideSend: true }), 'viewer');
  assert.equal(unsafeSendRule({ ...DEFAULT_POLICY, automaticallyOverrideSend: true, disableSecurityByDefault: true }), 'viewer');
  assert.equal(unsafeSendRule({ ...DEFAULT_POLICY, disableSecurityByDefault: true }), 'allow');
  assert.equal(unsafeSendRule({ ...DEFAULT_POLICY, installType: 'standaard', automaticallyOverrideSend: true }), 'allow');
});
