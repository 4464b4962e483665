// The `sms` configuration section (SPEC R15): defaults, environment overrides, and the refusals
// loadConfig reports before anything starts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';

const load = (env: Record<string, string>) => loadConfig({ env, dataDir: '/tmp/zorgpost-sms-config' });

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

describe('sms configuration', () => {
  it('defaults to the development outbox', () => {
    assert.deepEqual(load({}).sms, { gateway: 'outbox', cm: { endpoint: 'https://gw.messaging.cm.com/v1.0/message', sender: 'Zorgpost' } });
  });

  it('takes the gateway, product token and webhook secret from the environment', () => {
    const config = load({
      ZORGPOST_SMS_GATEWAY: 'cm',
      ZORGPOST_CM_PRODUCT_TOKEN: '00000000-0000-0000-0000-000000000000',
      ZORGPOST_SMS_WEBHOOK_SECRET: 'Xq3vN8kLp2Rt7Yw4Zs9Bc6Dm',
    });
    assert.equal(config.sms.gateway, 'cm');
    assert.equal(config.sms.cm.productToken, '00000000-0000-0000-0000-000000000000');
    assert.equal(config.sms.webhookSecret, 'Xq3vN8kLp2Rt7Yw4Zs9Bc6Dm');
  });

  it('refuses the CM.com gateway without a product token', () => {
    assert.deepEqual(problems({ ZORGPOST_SMS_GATEWAY: 'cm' }), ['sms.cm.productToken: required when sms.gateway is "cm" (or set ZORGPOST_CM_PRODUCT_TOKEN)']);
  });

  it('refuses an unknown gateway and a weak webhook secret', () => {
    const found = problems({ ZORGPOST_SMS_GATEWAY: 'twilio', ZORGPOST_SMS_WEBHOOK_SECRET: 'abc' });
    assert.equal(found.length, 2);
    assert.match(found[0]!, /^sms\.gateway: /);
    assert.match(found[1]!, /^sms\.webhookSecret: must be 24 to 128/);
  });

  it('refuses a sender CM.com would not show and an endpoint that is no URL', () => {
    const result = configSchema.safeParse({ sms: { cm: { sender: 'Zorgpost Huisartsen', endpoint: 'gw.messaging.cm.com' } } });
    assert.equal(result.success, false);
    assert.deepEqual(result.error!.issues.map((i) => i.path.join('.')).sort(), ['sms.cm.endpoint', 'sms.cm.sender']);
  });
});
