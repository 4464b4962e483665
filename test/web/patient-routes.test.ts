// The patient page's HTTP routes through fastify's inject, in front of an in-memory channel (SPEC R31,
// R24, R25): the page and its CSP, 404 for malformed and switched-off domains, the token kept only in
// an HttpOnly cookie scoped to the practice's API path, 403 without the CSRF header, each refusal of
// the service as its own HTTP answer, and the message upload's limits and cleaning.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { TemporaryError, UserError } from '../../src/errors.ts';
import type { AdminServices } from '../../src/web/admin/plugin.ts';
import type { CodeSentJson, ErrorJson, PatientPageJson } from '../../src/web/patient/wire.ts';
import { createWebServer } from '../../src/web/server.ts';
import { multipart, type Part } from '../helpers/multipart.ts';
import { CODE, DOMAIN, FakePatientChannel } from './patient-fake-channel.ts';

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const MB = 1024 * 1024;
const CSRF = { 'x-zorgpost-patient': '1' };
const API = `/api/patient/${DOMAIN}`;

function json<T>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

/** The Set-Cookie header as `name=value` and its attributes, sorted (Expires/Max-Age apart). */
function cookieOf(response: LightMyRequestResponse): { pair: string; attributes: string[]; expires: Date | null } {
  const [pair, ...attributes] = String(response.headers['set-cookie']).split(/;\s*/);
  const expires = attributes.find((a) => a.startsWith('Expires='));
  return {
    pair: pair!,
    attributes: attributes.filter((a) => !/^(Expires|Max-Age)=/.test(a)).sort(),
    expires: expires ? new Date(expires.slice('Expires='.length)) : null,
  };
}

describe('Patient page routes', () => {
  let assetsDir: string;
  let channel: FakePatientChannel;
  let app: ReturnType<typeof createWebServer>;

  before(async () => {
    // A stand-in for the built app: the routes serve whatever `npm run build:web` produced.
    assetsDir = await mkdtemp(join(tmpdir(), 'zorgpost-patient-assets-'));
    await mkdir(join(assetsDir, 'assets'));
    await writeFile(join(assetsDir, 'index.html'), '<!doctype html><html lang="nl"><div id="root"></div>');
    await writeFile(join(assetsDir, 'assets', 'patient-AbCd1234.js'), 'console.log("patient")');
    await writeFile(join(assetsDir, 'secret.txt'), 'not for the web');
  });

  beforeEach(async () => {
    await app?.close();
    channel = new FakePatientChannel();
    app = createWebServer({
      tls: {},
      logger: pino({ level: 'silent' }),
      hostname: 'localhost',
      ports: { smtps: 465, imaps: 993, pop3s: 995 },
      health: async () => ({ ok: true, detail: {} }),
      // The admin API is registered but never called here.
      admin: {} as AdminServices,
      patient: { channel, assetsDir },
    });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await rm(assetsDir, { recursive: true, force: true });
  });

  const post = (path: string, payload?: object, cookies?: Record<string, string>) =>
    app.inject({ method: 'POST', url: `${API}${path}`, headers: CSRF, ...(payload ? { payload } : {}), cookies });

  describe('the page', () => {
    it('serves the app for any well-formed domain under the strict CSP, never cached, without asking the service', async () => {
      for (const domain of [DOMAIN, 'zonder-pagina.nl', 'Praktijk.Example.COM', 'assets.nl']) {
        const response = await app.inject({ method: 'GET', url: `/patient/${domain}` });
        assert.equal(response.statusCode, 200, domain);
        assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
        assert.equal(response.headers['content-security-policy'], PAGE_CSP);
        assert.equal(response.headers['cache-control'], 'no-store');
        assert.match(String(response.headers['strict-transport-security']), /max-age=/);
        assert.equal(response.headers['x-robots-tag'], 'noindex, nofollow');
        assert.match(response.body, /<div id="root">/);
      }
      assert.deepEqual(channel.calls, []);
    });

    it('answers 404 for a malformed domain, with the page so the reader sees why', async () => {
      for (const domain of [
        'localhost',
        '-delinde.nl',
        'de..linde.nl',
        'de_linde.nl',
        `${'a'.repeat(64)}.nl`,
        'a%2fb.nl',
      ]) {
        const response = await app.inject({ method: 'GET', url: `/patient/${domain}` });
        assert.equal(response.statusCode, 404, domain);
        assert.equal(response.headers['content-security-policy'], PAGE_CSP);
      }
    });

    it('serves hashed assets as immutable, and nothing outside them', async () => {
      const asset = await app.inject({ method: 'GET', url: '/patient/assets/patient-AbCd1234.js' });
      assert.equal(asset.statusCode, 200);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      for (const url of ['/patient/assets/..%2fsecret.txt', '/patient/assets/%2e%2e/secret.txt']) {
        const outside = await app.inject({ method: 'GET', url });
        assert.doesNotMatch(outside.body, /not for the web/, url);
      }
    });
  });

  describe('whose page it is', () => {
    it('names the organisation and its language, and nothing else', async () => {
      const response = await app.inject({ method: 'GET', url: `${API}/` });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.deepEqual(json<PatientPageJson>(response), {
        organisation: 'Huisartsenpraktijk De Linde',
        domain: DOMAIN,
        language: 'nl',
      });
    });

    it('answers 404 for a switched-off page, and for a malformed domain without asking the service', async () => {
      const off = await app.inject({ method: 'GET', url: '/api/patient/zonder-pagina.nl/' });
      assert.equal(off.statusCode, 404);
      assert.equal(json<ErrorJson>(off).error, 'not-found');
      channel.calls.length = 0;
      for (const domain of ['localhost', 'de_linde.nl', 'a%2fb.nl']) {
        for (const [method, path] of [
          ['GET', '/'],
          ['POST', '/code'],
          ['POST', '/verify'],
          ['POST', '/message'],
        ] as const) {
          const response = await app.inject({ method, url: `/api/patient/${domain}${path}`, headers: CSRF });
          assert.equal(response.statusCode, 404, `${method} ${domain}${path}`);
          assert.equal(json<ErrorJson>(response).error, 'not-found');
        }
      }
      assert.deepEqual(channel.calls, []);
      const noRoute = await app.inject({ method: 'GET', url: `${API}/nothing-here` });
      assert.equal(noRoute.statusCode, 404);
      assert.equal(json<ErrorJson>(noRoute).error, 'not-found');
    });

    it('refuses every POST without X-Zorgpost-Patient: 1 before doing anything', async () => {
      const token = channel.verifiedToken();
      for (const path of ['/code', '/verify', '/message', '/logout']) {
        for (const headers of [{}, { 'x-zorgpost-patient': 'yes' }]) {
          const response = await app.inject({
            method: 'POST',
            url: `${API}${path}`,
            headers,
            cookies: { zp_patient: token },
            payload: { email: 'p@gmail.com', code: CODE },
          });
          assert.equal(response.statusCode, 403, path);
          assert.equal(json<ErrorJson>(response).error, 'csrf');
        }
      }
      assert.deepEqual(channel.calls, []);
    });
  });

  describe('the code', () => {
    it('keeps the token in an HttpOnly, Secure, SameSite=Strict cookie for this practice only', async () => {
      const response = await app.inject({
        method: 'POST',
        url: `${API}/code`,
        headers: { ...CSRF, 'user-agent': 'UA' },
        payload: { email: 'Patient@Gmail.com' },
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = json<CodeSentJson>(response);
      assert.deepEqual(Object.keys(body).sort(), ['channel', 'codeValidUntil', 'maskedDestination']);
      assert.deepEqual(
        { ...body, codeValidUntil: typeof body.codeValidUntil },
        {
          channel: 'email',
          maskedDestination: 'p****@gmail.com',
          codeValidUntil: 'string',
        },
      );
      const cookie = cookieOf(response);
      const token = cookie.pair.slice('zp_patient='.length);
      assert.ok(cookie.pair.startsWith('zp_patient=') && channel.tokens.has(token));
      assert.doesNotMatch(response.body, new RegExp(token), 'the token travels only in the cookie');
      assert.deepEqual(cookie.attributes, ['HttpOnly', `Path=/api/patient/${DOMAIN}`, 'SameSite=Strict', 'Secure']);
      // The cookie outlives the code, so a late code is told "expired" rather than "no session".
      assert.ok(cookie.expires!.getTime() > Date.parse(body.codeValidUntil));
      const call = channel.calls.find((c) => c.method === 'requestCode')!;
      assert.deepEqual(call.args, [{ email: 'Patient@Gmail.com', mobile: null }]);
      assert.deepEqual(call.context, { remoteAddress: '127.0.0.1', userAgent: 'UA' });
    });

    it('sends the code by SMS when a mobile number is given', async () => {
      const response = await post('/code', { email: 'm@gmail.com', mobile: ' 06 1234 5678 ' });
      assert.equal(response.statusCode, 200);
      assert.equal(json<CodeSentJson>(response).channel, 'sms');
      assert.deepEqual(channel.lastArgs(), [{ email: 'm@gmail.com', mobile: '06 1234 5678' }]);
      const blank = await post('/code', { email: 'm@gmail.com', mobile: '  ' });
      assert.equal(json<CodeSentJson>(blank).channel, 'email');
    });

    it('says which field is wrong: the e-mail address, or a number that is not a mobile one', async () => {
      const email = await post('/code', { email: 'geen adres' });
      assert.equal(email.statusCode, 400);
      assert.deepEqual(json<ErrorJson>(email), {
        error: 'bad-input',
        reason: 'email',
        message: 'Enter a valid e-mail address',
      });
      channel.calls.length = 0;
      for (const mobile of ['020 123 4567', '0800 1234', 'bel me']) {
        const response = await post('/code', { email: 'p@gmail.com', mobile });
        assert.equal(response.statusCode, 400, mobile);
        assert.equal(json<ErrorJson>(response).reason, 'mobile');
      }
      assert.deepEqual(channel.calls, [], 'no code is requested for a number that cannot get an SMS');
      for (const payload of [{}, { email: '' }, { email: 'x'.repeat(300) }, { email: 'p@gmail.com', mobile: 6 }]) {
        const response = await post('/code', payload);
        assert.equal(response.statusCode, 400, JSON.stringify(payload).slice(0, 40));
        assert.equal(json<ErrorJson>(response).error, 'bad-input');
      }
      // Fastify's schema validation drops unknown fields: they never reach the service.
      await post('/code', { email: 'p@gmail.com', role: 'admin' });
      assert.deepEqual(channel.lastArgs(), [{ email: 'p@gmail.com', mobile: null }]);
    });

    it('answers 429 with Retry-After when too many codes were asked, 503 when one could not be sent, 404 off', async () => {
      channel.answerNext('requestCode', { ok: false, reason: 'rate-limit' });
      const limited = await post('/code', { email: 'p@gmail.com' });
      assert.equal(limited.statusCode, 429);
      const retry = Number(limited.headers['retry-after']);
      assert.ok(retry > 3500 && retry <= 3600, String(retry));
      assert.equal(json<ErrorJson>(limited).error, 'rate-limited');
      assert.ok(Date.parse(json<ErrorJson>(limited).retryAfter!) > Date.now());
      assert.equal(limited.headers['set-cookie'], undefined);

      channel.answerNext('requestCode', { ok: false, reason: 'delivery-failed' });
      const failed = await post('/code', { email: 'p@gmail.com' });
      assert.equal(failed.statusCode, 503);
      assert.equal(json<ErrorJson>(failed).error, 'delivery-failed');
      assert.ok(Number(failed.headers['retry-after']) > 0);

      const off = await app.inject({
        method: 'POST',
        url: '/api/patient/zonder-pagina.nl/code',
        headers: CSRF,
        payload: { email: 'p@gmail.com' },
      });
      assert.equal(off.statusCode, 404);
    });
  });

  describe('the check', () => {
    async function requested(): Promise<string> {
      const response = await post('/code', { email: 'p@gmail.com' });
      return cookieOf(response).pair.slice('zp_patient='.length);
    }

    it('needs the cookie of a code request', async () => {
      const response = await post('/verify', { code: CODE });
      assert.equal(response.statusCode, 401);
      assert.equal(json<ErrorJson>(response).error, 'no-session');
      assert.ok(!channel.calls.some((c) => c.method === 'verify'));
    });

    it('opens the session for 30 minutes and moves the cookie to its end', async () => {
      const token = await requested();
      const response = await post('/verify', { code: '123 456' }, { zp_patient: token });
      assert.equal(response.statusCode, 200, response.body);
      const { expiresAt } = json<{ expiresAt: string }>(response);
      const cookie = cookieOf(response);
      assert.equal(cookie.pair, `zp_patient=${token}`);
      assert.equal(cookie.expires!.getTime(), Math.floor(Date.parse(expiresAt) / 1000) * 1000);
      assert.deepEqual(channel.lastArgs(), [token, '123 456']);
    });

    it('answers a wrong code 403 with the attempts left, an expired one 403, locked 423, unknown 409', async () => {
      const token = await requested();
      const cookies = { zp_patient: token };
      const wrong = await post('/verify', { code: '000000' }, cookies);
      assert.equal(wrong.statusCode, 403);
      assert.deepEqual(
        { error: json<ErrorJson>(wrong).error, attemptsLeft: json<ErrorJson>(wrong).attemptsLeft },
        { error: 'wrong-code', attemptsLeft: 4 },
      );
      assert.equal(wrong.headers['set-cookie'], undefined, 'the next try uses the same code');

      channel.answerNext('verify', { ok: false, reason: 'code-expired', attemptsLeft: 3 });
      const expired = await post('/verify', { code: CODE }, cookies);
      assert.equal(expired.statusCode, 403);
      assert.equal(json<ErrorJson>(expired).error, 'code-expired');

      for (const [reason, status, error] of [
        ['locked', 423, 'locked'],
        ['unknown', 409, 'no-code'],
      ] as const) {
        channel.answerNext('verify', { ok: false, reason, attemptsLeft: 0 });
        const response = await post('/verify', { code: CODE }, cookies);
        assert.equal(response.statusCode, status, reason);
        assert.equal(json<ErrorJson>(response).error, error);
        // A spent verification is of no more use: the cookie goes.
        assert.match(String(response.headers['set-cookie']), /^zp_patient=;.*Expires=Thu, 01 Jan 1970/);
      }
      const malformed = await post('/verify', { code: '' }, cookies);
      assert.equal(malformed.statusCode, 400);
    });
  });

  describe('the message', () => {
    const send = (parts: Part[], token: string | null = channel.verifiedToken()) => {
      const body = multipart(parts);
      return app.inject({
        method: 'POST',
        url: `${API}/message`,
        headers: { ...CSRF, ...body.headers },
        payload: body.payload,
        ...(token ? { cookies: { zp_patient: token } } : {}),
      });
    };

    it('hands name, subject, text and cleaned attachments to the service byte for byte', async () => {
      const photo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x0d, 0x0a]);
      const response = await send([
        { name: 'name', value: 'Piet Patiënt' },
        { name: 'subject', value: 'Vraag over recept' },
        { name: 'text', value: 'Mag ik een herhaalrecept?\r\nGroet, Piet' },
        { name: 'attachments', filename: 'foto\u202Egnp.exe', type: 'image/png; name=x', content: photo },
        { name: 'attachments', filename: '', type: 'application/octet-stream', content: Buffer.alloc(0) },
      ]);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(json<{ attachmentCount: number }>(response).attachmentCount, 1);
      assert.equal(channel.sent.length, 1);
      const { message, context } = channel.sent[0]!;
      assert.deepEqual(
        { name: message.name, subject: message.subject, text: message.text },
        { name: 'Piet Patiënt', subject: 'Vraag over recept', text: 'Mag ik een herhaalrecept?\nGroet, Piet' },
      );
      assert.deepEqual(
        message.attachments.map((a) => [a.filename, a.contentType]),
        [['fotognp.exe', 'image/png']],
        'no bidi override disguises the extension',
      );
      assert.deepEqual(message.attachments[0]!.content, photo);
      assert.equal(context.remoteAddress, '127.0.0.1');
    });

    it('answers 401 without a cookie or when the service no longer knows the verification', async () => {
      const none = await send([{ name: 'text', value: 'hallo' }], null);
      assert.equal(none.statusCode, 401);
      assert.equal(json<ErrorJson>(none).error, 'no-session');
      const unverified = await send([{ name: 'text', value: 'hallo' }], 'token-never-issued');
      assert.equal(unverified.statusCode, 401);
      assert.equal(json<ErrorJson>(unverified).error, 'no-session');
      assert.match(String(unverified.headers['set-cookie']), /^zp_patient=;/);
      assert.equal(channel.sent.length, 0);
    });

    it('refuses a file over 25 MB, an 11th file, over 50 MB in all and an overlong text with 413', async () => {
      const file = (name: string, content: Buffer): Part => ({
        name: 'attachments',
        filename: name,
        type: 'application/octet-stream',
        content,
      });
      const cases: Array<[string, Part[]]> = [
        ['file-too-large', [file('big.bin', Buffer.alloc(25 * MB + 1))]],
        ['too-many-files', Array.from({ length: 11 }, (_, i) => file(`f${i}.txt`, Buffer.from('x')))],
        ['total-too-large', Array.from({ length: 3 }, (_, i) => file(`p${i}.bin`, Buffer.alloc(20 * MB)))],
        ['text-too-long', [{ name: 'text', value: 'x'.repeat(MB + 1) }]],
      ];
      for (const [reason, parts] of cases) {
        const response = await send(parts);
        assert.equal(response.statusCode, 413, reason);
        assert.deepEqual(
          { error: json<ErrorJson>(response).error, reason: json<ErrorJson>(response).reason },
          { error: 'too-large', reason },
        );
      }
      const declared = await app.inject({
        method: 'POST',
        url: `${API}/message`,
        cookies: { zp_patient: channel.verifiedToken() },
        headers: { ...CSRF, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(60 * MB) },
        payload: Buffer.alloc(10),
      });
      assert.equal(declared.statusCode, 413, 'a declared length over every limit is refused unread');
      assert.equal(channel.sent.length, 0);
      const tenFiles = await send(Array.from({ length: 10 }, (_, i) => file(`f${i}.txt`, Buffer.from('x'))));
      assert.equal(tenFiles.statusCode, 200, 'exactly at the limit is fine');
    });

    it('refuses anything but multipart, a stray file field, and an empty message as the service decides', async () => {
      const plain = await app.inject({
        method: 'POST',
        url: `${API}/message`,
        cookies: { zp_patient: channel.verifiedToken() },
        headers: CSRF,
        payload: { text: 'hallo' },
      });
      assert.equal(plain.statusCode, 415);
      const stray = await send([{ name: 'photo', filename: 'a.png', type: 'image/png', content: Buffer.from('x') }]);
      assert.equal(stray.statusCode, 400);
      const empty = await send([{ name: 'text', value: '  ' }]);
      assert.equal(empty.statusCode, 400);
      assert.deepEqual(json<ErrorJson>(empty), { error: 'bad-input', message: 'The message is empty' });
    });
  });

  describe('sign-out and errors', () => {
    it('clears the cookie on its path, also when there is none', async () => {
      for (const cookies of [{ zp_patient: channel.verifiedToken() }, undefined]) {
        const response = await post('/logout', undefined, cookies);
        assert.equal(response.statusCode, 204);
        const header = String(response.headers['set-cookie']);
        assert.match(header, /^zp_patient=;/);
        assert.match(header, new RegExp(`Path=/api/patient/${DOMAIN}(;|$)`));
        assert.match(header, /Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
      }
    });

    it('maps service errors to 4xx, 503 with Retry-After, and a 500 without details', async () => {
      const cases: Array<[Error, number, string]> = [
        [new UserError('NONEXISTENT', 'This organisation has no patient page'), 404, 'not-found'],
        [new UserError('LIMIT', 'slow down'), 429, 'rate-limited'],
        [new UserError('TOOBIG', 'too big'), 413, 'too-large'],
        [new TemporaryError('database busy'), 503, 'unavailable'],
        [new Error('secret internal detail'), 500, 'internal'],
      ];
      for (const [error, status, code] of cases) {
        channel.answerNext('requestCode', error);
        const response = await post('/code', { email: 'p@gmail.com' });
        assert.equal(response.statusCode, status, error.message);
        assert.equal(json<ErrorJson>(response).error, code);
        assert.equal(response.headers['cache-control'], 'no-store');
        if (status === 503) assert.ok(Number(response.headers['retry-after']) > 0);
        if (status === 500) assert.doesNotMatch(response.body, /secret/);
      }
      channel.answerNext('info', new TemporaryError('down'));
      const page = await app.inject({ method: 'GET', url: `${API}/` });
      assert.equal(page.statusCode, 503);
    });
  });
});
