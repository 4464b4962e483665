// The CM.com status report webhook /api/sms/reports/:secret through fastify's inject: the secret
// gate (a wrong one is an ordinary 404), malformed reports (400 with the reason), and 200 only once
// every status has been recorded.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { smsReportRoutes } from '../../src/web/sms-reports.ts';
import type { SmsDeliveryReport } from '../../src/secure/types.ts';

const SECRET = 'Xq3vN8kLp2Rt7Yw4Zs9Bc6Dm';
const PATH = `/api/sms/reports/${SECRET}`;

const report = (code: string, reference = 'vc7f3a9e21') => ({
  messages: {
    msg: { received: '2025-03-04T13:45:30', to: '0031612345678', reference, status: { code, errorCode: '', errorDescription: '' }, operator: '20416' },
  },
});

describe('SMS status report webhook', () => {
  let app: FastifyInstance;
  let recorded: SmsDeliveryReport[];
  let failRecording = false;

  before(async () => {
    app = Fastify();
    await app.register(smsReportRoutes, {
      secret: SECRET,
      onReport: async (r) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (failRecording) throw new Error('database is locked');
        recorded.push(r);
      },
    });
    await app.ready();
  });
  after(() => app.close());
  beforeEach(() => {
    recorded = [];
    failRecording = false;
  });

  it('records a JSON report posted with the right secret', async () => {
    const response = await app.inject({ method: 'POST', url: PATH, payload: report('2') });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { received: 1 });
    assert.equal(recorded.length, 1);
    assert.deepEqual(recorded, [{ reference: 'vc7f3a9e21', status: 'delivered', at: new Date('2025-03-04T13:45:30Z'), detail: null }]);
  });

  it('answers only after every status of a batch is recorded', async () => {
    const batch = { messages: { msg: [report('0', 'ref1').messages.msg, report('2', 'ref2').messages.msg, report('3', 'ref3').messages.msg] } };
    const response = await app.inject({ method: 'POST', url: PATH, payload: batch });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(recorded.map((r) => [r.reference, r.status]), [['ref1', 'pending'], ['ref2', 'delivered'], ['ref3', 'failed']]);
  });

  it('records a GET report with query parameters', async () => {
    const query = 'received=2025-03-04T13%3A45%3A30&to=0031612345678&reference=ref9&statuscode=3&errorcode=5&errordescription=Message+not+delivered';
    const response = await app.inject({ method: 'GET', url: `${PATH}?${query}` });
    assert.equal(response.statusCode, 200);
    assert.equal(recorded[0]!.status, 'failed');
    assert.equal(recorded[0]!.detail, 'not delivered (error 5): Message not delivered');
  });

  it('records a form-encoded POST', async () => {
    const response = await app.inject({
      method: 'POST',
      url: PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'received=2025-03-04T13%3A45%3A30&reference=ref7&statuscode=2',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(recorded[0]!.reference, 'ref7');
  });

  it('a wrong secret is indistinguishable from an unknown path', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/api/sms/nothing-here', payload: report('2') });
    for (const url of [`/api/sms/reports/${SECRET.slice(0, -1)}x`, `/api/sms/reports/${SECRET}x`, '/api/sms/reports/a']) {
      for (const request of [
        { method: 'POST' as const, url, payload: report('2') },
        { method: 'POST' as const, url, headers: { 'content-type': 'application/json' }, payload: '{ not json' },
        { method: 'GET' as const, url: `${url}?reference=r&statuscode=2&received=2025-03-04T13:45:30` },
      ]) {
        const response = await app.inject(request);
        assert.equal(response.statusCode, 404, `${request.method} ${url}`);
        assert.deepEqual({ ...(response.json() as object), message: '' }, { ...(unknown.json() as object), message: '' });
      }
    }
    assert.equal(recorded.length, 0);
  });

  it('refuses malformed reports with the reason', async () => {
    const cases: Array<[InjectOptions, RegExp]> = [
      [{ method: 'POST', url: PATH, payload: { hello: 'world' } }, /expected a "messages" object/],
      [{ method: 'POST', url: PATH, payload: report('9') }, /unknown status code "9"/],
      [{ method: 'GET', url: PATH }, /expected a "messages" object \(JSON\) or "reference"/],
      [{ method: 'POST', url: PATH, headers: { 'content-type': 'application/xml' }, payload: '<MESSAGES/>' }, /XML status reports are not supported/],
      [{ method: 'POST', url: PATH, headers: { 'content-type': 'application/json' }, payload: '{ not json' }, /JSON/i],
    ];
    for (const [request, pattern] of cases) {
      const response = await app.inject(request);
      assert.equal(response.statusCode, 400, JSON.stringify(request).slice(0, 80));
      const body = response.json() as { error?: string; message?: string };
      assert.match(body.error === 'Bad Request' ? (body.message ?? '') : (body.error ?? ''), pattern);
    }
    assert.equal(recorded.length, 0);
  });

  it('records nothing on HEAD', async () => {
    const response = await app.inject({ method: 'HEAD', url: `${PATH}?received=2025-03-04T13%3A45%3A30&reference=ref7&statuscode=2` });
    assert.equal(response.statusCode, 404);
    assert.equal(recorded.length, 0);
  });

  it('answers 503 when a status cannot be recorded, so CM.com retries', async () => {
    failRecording = true;
    const response = await app.inject({ method: 'POST', url: PATH, payload: report('2') });
    assert.equal(response.statusCode, 503);
    assert.ok(!response.body.includes('database is locked'));
  });

  it('refuses a weak secret at registration', async () => {
    const other = Fastify();
    await assert.rejects(async () => {
      await other.register(smsReportRoutes, { secret: 'short', onReport: async () => {} });
      await other.ready();
    }, /secret must be 24 to 128/);
    await other.close();
  });
});
