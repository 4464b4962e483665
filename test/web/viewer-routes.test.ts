// The Viewer's HTTP routes through fastify's inject, in front of an in-memory ViewerAccess (SPEC R15,
// R24, R25): the page and its CSP, the session cookie's attributes, 404 for malformed and unknown
// links, 401 without a session, 403 without the CSRF header, download headers that survive hostile
// file names, the reply upload's limits, and how each refusal and error becomes an HTTP answer.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { TemporaryError, UserError } from '../../src/errors.ts';
import type { AdminServices } from '../../src/web/admin/plugin.ts';
import { createWebServer } from '../../src/web/server.ts';
import { contentDisposition } from '../../src/web/viewer/downloads.ts';
import type { ErrorJson, LandingJson, MessageJson } from '../../src/web/viewer/wire.ts';
import { multipart, type Part } from '../helpers/multipart.ts';
import { FakeViewerAccess, HOSTILE_NAME, LAB_PDF, LINKS } from './viewer-fake-access.ts';

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const MB = 1024 * 1024;
const CSRF = { 'x-zorgpost-viewer': '1' };

function json<T>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

describe('Viewer routes', () => {
  let assetsDir: string;
  let access: FakeViewerAccess;
  let app: ReturnType<typeof createWebServer>;

  before(async () => {
    // A stand-in for the built app: the routes serve whatever `npm run build:web` produced.
    assetsDir = await mkdtemp(join(tmpdir(), 'zorgpost-viewer-assets-'));
    await mkdir(join(assetsDir, 'assets'));
    await writeFile(
      join(assetsDir, 'index.html'),
      '<!doctype html><html lang="nl"><title>Viewer</title><div id="root"></div>',
    );
    await writeFile(join(assetsDir, 'assets', 'viewer-AbCd1234.js'), 'console.log("viewer")');
    await writeFile(join(assetsDir, 'assets', 'robots.txt'), 'plain');
  });

  beforeEach(async () => {
    await app?.close();
    access = new FakeViewerAccess();
    app = createWebServer({
      tls: {},
      logger: pino({ level: 'silent' }),
      hostname: 'localhost',
      ports: { smtps: 465, imaps: 993, pop3s: 995 },
      health: async () => ({ ok: true, detail: {} }),
      // The admin API is registered but never called here.
      admin: {} as AdminServices,
      viewer: { access, assetsDir },
    });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await rm(assetsDir, { recursive: true, force: true });
  });

  const api = (link: string, path = '') => `/api/viewer/${link}${path}`;

  /** A session cookie for `link`, as if the code had been entered. */
  function cookieFor(link: string): Record<string, string> {
    return { zp_viewer: access.openSession(link) };
  }

  describe('the page', () => {
    it('serves the app for a well-formed link, known or not, under the strict CSP, never cached', async () => {
      for (const link of [LINKS.active, LINKS.unknown]) {
        const response = await app.inject({ method: 'GET', url: `/v/${link}` });
        assert.equal(response.statusCode, 200);
        assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
        assert.equal(response.headers['content-security-policy'], PAGE_CSP);
        assert.equal(response.headers['cache-control'], 'no-store');
        assert.match(String(response.headers['strict-transport-security']), /max-age=/);
        assert.equal(response.headers['x-robots-tag'], 'noindex, nofollow');
        assert.match(response.body, /<div id="root">/);
      }
      assert.deepEqual(access.calls, [], 'the page itself never asks the service');
    });

    it('answers 404 for a malformed link, with the page so the reader sees why', async () => {
      for (const link of ['short', `${LINKS.active}x`, 'a'.repeat(21) + '.', 'abcdefghijklmnopqrstu%2F']) {
        const response = await app.inject({ method: 'GET', url: `/v/${link}` });
        assert.equal(response.statusCode, 404, link);
        assert.equal(response.headers['content-security-policy'], PAGE_CSP);
      }
    });

    it('serves hashed assets as immutable and keeps the default CSP for everything else', async () => {
      const asset = await app.inject({ method: 'GET', url: '/viewer/assets/viewer-AbCd1234.js' });
      assert.equal(asset.statusCode, 200);
      assert.match(String(asset.headers['content-type']), /javascript/);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      const plain = await app.inject({ method: 'GET', url: '/viewer/assets/robots.txt' });
      assert.equal(plain.headers['cache-control'], 'no-cache');
      const outside = await app.inject({ method: 'GET', url: '/viewer/assets/../index.html' });
      assert.notEqual(outside.statusCode, 200);
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(
        health.headers['content-security-policy'],
        "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
      );
    });
  });

  describe('links and sessions', () => {
    it('describes an active message without anything medical', async () => {
      const response = await app.inject({ method: 'GET', url: api(LINKS.active, '/') });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      const landing = json<LandingJson>(response);
      assert.deepEqual(
        { ...landing, expiresAt: typeof landing.expiresAt },
        {
          state: 'active',
          organisation: 'Huisartsenpraktijk De Linde',
          senderName: 'Dr. Jan Müller',
          channel: 'sms',
          maskedDestination: '06-****5678',
          language: 'nl',
          lockedUntil: null,
          expiresAt: 'string',
          signedIn: false,
        },
      );
      const signedIn = await app.inject({ method: 'GET', url: api(LINKS.active), cookies: cookieFor(LINKS.active) });
      assert.equal(json<LandingJson>(signedIn).signedIn, true);
    });

    it('answers 404 for an unknown link, and for a malformed one without asking the service', async () => {
      const unknown = await app.inject({ method: 'GET', url: api(LINKS.unknown, '/') });
      assert.equal(unknown.statusCode, 404);
      assert.equal(json<ErrorJson>(unknown).error, 'not-found');
      assert.equal(unknown.headers['cache-control'], 'no-store');
      access.calls.length = 0;
      for (const link of ['short', `${LINKS.active}x`, 'a'.repeat(21) + '!', 'a'.repeat(21) + '%00']) {
        for (const [method, path] of [
          ['GET', '/'],
          ['GET', '/message'],
          ['POST', '/code'],
          ['POST', '/session'],
          ['GET', '/attachments/0'],
        ] as const) {
          const response = await app.inject({
            method,
            url: api(link, path),
            headers: CSRF,
            cookies: { zp_viewer: 'x' },
          });
          assert.equal(response.statusCode, 404, `${method} ${link}${path}`);
          assert.equal(json<ErrorJson>(response).error, 'not-found');
        }
      }
      assert.deepEqual(access.calls, []);
      const noRoute = await app.inject({ method: 'GET', url: api(LINKS.active, '/nothing-here') });
      assert.equal(noRoute.statusCode, 404);
      assert.equal(json<ErrorJson>(noRoute).error, 'not-found');
    });

    it('refuses every POST without the X-Zorgpost-Viewer header before doing anything', async () => {
      for (const path of ['/code', '/session', '/reply', '/logout']) {
        const response = await app.inject({
          method: 'POST',
          url: api(LINKS.active, path),
          cookies: cookieFor(LINKS.active),
          payload: { code: '123456' },
        });
        assert.equal(response.statusCode, 403, path);
        assert.equal(json<ErrorJson>(response).error, 'csrf');
        const wrong = await app.inject({
          method: 'POST',
          url: api(LINKS.active, path),
          headers: { 'x-zorgpost-viewer': 'yes' },
        });
        assert.equal(wrong.statusCode, 403, path);
      }
      assert.deepEqual(
        access.calls.filter((c) => c.method !== 'session'),
        [],
      );
    });

    it('answers 401 on every session route without a valid cookie for this link', async () => {
      const otherLinksCookie = cookieFor(LINKS.locked);
      for (const cookies of [{}, { zp_viewer: 'made-up' }, otherLinksCookie]) {
        for (const [method, path] of [
          ['GET', '/message'],
          ['GET', '/body.html'],
          ['GET', '/attachments/0'],
          ['GET', '/copy.eml'],
          ['GET', '/copy.pdf'],
          ['POST', '/reply'],
        ] as const) {
          const response = await app.inject({ method, url: api(LINKS.active, path), headers: CSRF, cookies });
          assert.equal(response.statusCode, 401, `${method} ${path}`);
          assert.deepEqual(json<ErrorJson>(response).error, 'no-session');
          assert.equal(response.headers['cache-control'], 'no-store');
        }
      }
      assert.ok(!access.calls.some((c) => ['read', 'html', 'attachment', 'ownCopy', 'reply'].includes(c.method)));
    });
  });

  describe('the access code', () => {
    it("requests a code with the reader's address and browser for the audit log", async () => {
      const response = await app.inject({
        method: 'POST',
        url: api(LINKS.active, '/code'),
        headers: { ...CSRF, 'user-agent': 'TestBrowser/1.0' },
        remoteAddress: '::ffff:192.0.2.7',
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      const body = json<Record<string, unknown>>(response);
      assert.deepEqual(Object.keys(body).sort(), ['channel', 'codeValidUntil', 'maskedDestination', 'resendsLeft']);
      assert.equal(body.resendsLeft, 2);
      const call = access.calls.find((c) => c.method === 'requestCode');
      assert.deepEqual(call?.context, { remoteAddress: '192.0.2.7', userAgent: 'TestBrowser/1.0' });
    });

    it('turns refused code requests into 410, 423 and 429 with the reason', async () => {
      const withdrawn = await app.inject({ method: 'POST', url: api(LINKS.withdrawn, '/code'), headers: CSRF });
      assert.equal(withdrawn.statusCode, 410);
      assert.equal(json<ErrorJson>(withdrawn).error, 'withdrawn');
      const expired = await app.inject({ method: 'POST', url: api(LINKS.expired, '/code'), headers: CSRF });
      assert.equal(expired.statusCode, 410);
      assert.equal(json<ErrorJson>(expired).error, 'expired');
      const locked = await app.inject({ method: 'POST', url: api(LINKS.locked, '/code'), headers: CSRF });
      assert.equal(locked.statusCode, 423);
      assert.equal(json<ErrorJson>(locked).error, 'locked');
      assert.ok(json<ErrorJson>(locked).lockedUntil);
      assert.ok(Number(locked.headers['retry-after']) > 3000);
      for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: api(LINKS.active, '/code'), headers: CSRF });
      const limit = await app.inject({ method: 'POST', url: api(LINKS.active, '/code'), headers: CSRF });
      assert.equal(limit.statusCode, 429);
      assert.equal(json<ErrorJson>(limit).error, 'resend-limit');
      assert.ok(Number(limit.headers['retry-after']) > 0);
    });

    it('counts wrong codes down, sets no cookie for them, and locks at the end', async () => {
      await app.inject({ method: 'POST', url: api(LINKS.active, '/code'), headers: CSRF });
      for (let left = 4; left > 0; left--) {
        const wrong = await app.inject({
          method: 'POST',
          url: api(LINKS.active, '/session'),
          headers: CSRF,
          payload: { code: '000000' },
        });
        assert.equal(wrong.statusCode, 403);
        assert.deepEqual(
          { error: json<ErrorJson>(wrong).error, attemptsLeft: json<ErrorJson>(wrong).attemptsLeft },
          { error: 'wrong-code', attemptsLeft: left },
        );
        assert.equal(wrong.headers['set-cookie'], undefined);
      }
      const locked = await app.inject({
        method: 'POST',
        url: api(LINKS.active, '/session'),
        headers: CSRF,
        payload: { code: '000000' },
      });
      assert.equal(locked.statusCode, 423);
      assert.equal(json<ErrorJson>(locked).error, 'locked');
      assert.ok(json<ErrorJson>(locked).lockedUntil);
    });

    it('answers 409 when no code was requested and 403 for an expired code', async () => {
      const none = await app.inject({
        method: 'POST',
        url: api(LINKS.active, '/session'),
        headers: CSRF,
        payload: { code: '123456' },
      });
      assert.equal(none.statusCode, 409);
      assert.equal(json<ErrorJson>(none).error, 'no-code');
      await app.inject({ method: 'POST', url: api(LINKS.active, '/code'), headers: CSRF });
      access.messages.get(LINKS.active)!.codeExpired = true;
      const expired = await app.inject({
        method: 'POST',
        url: api(LINKS.active, '/session'),
        headers: CSRF,
        payload: { code: '123456' },
      });
      assert.equal(expired.statusCode, 403);
      assert.equal(json<ErrorJson>(expired).error, 'code-expired');
    });

    it('validates the code body', async () => {
      for (const payload of [
        '{}',
        '{"code":""}',
        JSON.stringify({ code: '1'.repeat(33) }),
        '{"code":{"a":1}}',
        'not json',
      ]) {
        const response = await app.inject({
          method: 'POST',
          url: api(LINKS.active, '/session'),
          headers: { ...CSRF, 'content-type': 'application/json' },
          payload,
        });
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        assert.equal(json<ErrorJson>(response).error, 'bad-input');
      }
      assert.ok(!access.calls.some((c) => c.method === 'checkCode'));
    });

    it('opens a session with an HttpOnly, Secure, SameSite=Strict cookie for this link only', async () => {
      await app.inject({ method: 'POST', url: api(LINKS.active, '/code'), headers: CSRF });
      const response = await app.inject({
        method: 'POST',
        url: api(LINKS.active, '/session'),
        headers: CSRF,
        payload: { code: '123 456' },
      });
      assert.equal(response.statusCode, 200);
      const body = json<{ expiresAt: string }>(response);
      assert.deepEqual(Object.keys(body), ['expiresAt'], 'the token travels only in the cookie');
      const header = String(response.headers['set-cookie']);
      const [pair, ...attributes] = header.split(/;\s*/);
      const token = pair!.slice('zp_viewer='.length);
      assert.ok(pair!.startsWith('zp_viewer=') && token.length >= 32);
      assert.ok(access.sessions.has(token));
      const expires = attributes.find((a) => a.startsWith('Expires='));
      assert.equal(new Date(expires!.slice(8)).getTime(), Math.floor(Date.parse(body.expiresAt) / 1000) * 1000);
      assert.deepEqual(attributes.filter((a) => !a.startsWith('Expires=')).sort(), [
        'HttpOnly',
        `Path=/api/viewer/${LINKS.active}`,
        'SameSite=Strict',
        'Secure',
      ]);
      const message = await app.inject({
        method: 'GET',
        url: api(LINKS.active, '/message'),
        cookies: { zp_viewer: token },
      });
      assert.equal(message.statusCode, 200);
    });
  });

  describe('the message', () => {
    it('sends the message with ISO dates and only the documented fields', async () => {
      const response = await app.inject({
        method: 'GET',
        url: api(LINKS.active, '/message'),
        cookies: cookieFor(LINKS.active),
        headers: { 'user-agent': 'UA' },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['cache-control'], 'no-store');
      const message = json<MessageJson>(response);
      assert.equal(message.subject, 'Uitslag bloedonderzoek');
      assert.equal(message.date, '2025-05-06T09:30:00.000Z');
      assert.equal(message.attachments[0]!.filename, HOSTILE_NAME);
      assert.equal(message.attachments[0]!.size, LAB_PDF.length);
      assert.deepEqual(access.calls.find((c) => c.method === 'read')?.context, {
        remoteAddress: '127.0.0.1',
        userAgent: 'UA',
      });
    });

    it('serves the HTML body sandboxed, with no remote anything', async () => {
      const response = await app.inject({
        method: 'GET',
        url: api(LINKS.active, '/body.html'),
        cookies: cookieFor(LINKS.active),
      });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /^sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:/);
      assert.doesNotMatch(csp, /https?:|\*/);
      assert.equal(response.headers['cache-control'], 'no-store');
      access.messages.get(LINKS.active)!.html = null;
      const none = await app.inject({
        method: 'GET',
        url: api(LINKS.active, '/body.html'),
        cookies: cookieFor(LINKS.active),
      });
      assert.equal(none.statusCode, 404);
    });

    it('downloads an attachment byte for byte under a header-safe name', async () => {
      const response = await app.inject({
        method: 'GET',
        url: api(LINKS.active, '/attachments/0'),
        cookies: cookieFor(LINKS.active),
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.rawPayload, LAB_PDF);
      assert.equal(response.headers['content-type'], 'application/pdf');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['cache-control'], 'no-store');
      const disposition = String(response.headers['content-disposition']);
      assert.equal(
        disposition,
        `attachment; filename="uitslag _lab_Set-Cookie: x=1; _berweisung.pdf"; filename*=UTF-8''uitslag%20%22lab%22Set-Cookie%3A%20x%3D1%3B%20%C3%BCberweisung.pdf`,
      );
      assert.equal(response.headers['set-cookie'], undefined, 'the name cannot inject a header');
      const missing = await app.inject({
        method: 'GET',
        url: api(LINKS.active, '/attachments/7'),
        cookies: cookieFor(LINKS.active),
      });
      assert.equal(missing.statusCode, 404);
      const malformed = await app.inject({
        method: 'GET',
        url: api(LINKS.active, '/attachments/-1'),
        cookies: cookieFor(LINKS.active),
      });
      assert.equal(malformed.statusCode, 404);
    });

    it('names files safely whatever they are called', () => {
      assert.equal(contentDisposition('a.pdf'), `attachment; filename="a.pdf"; filename*=UTF-8''a.pdf`);
      assert.equal(contentDisposition('r\u202Efdp.exe'), `attachment; filename="rfdp.exe"; filename*=UTF-8''rfdp.exe`);
      assert.equal(
        contentDisposition('../../etc/passwd'),
        `attachment; filename="_.._etc_passwd"; filename*=UTF-8''_.._etc_passwd`,
      );
      assert.equal(
        contentDisposition("it's (100%) *ok*"),
        `attachment; filename="it's (100_) *ok*"; filename*=UTF-8''it%27s%20%28100%25%29%20%2Aok%2A`,
      );
      assert.equal(contentDisposition('\r\n'), `attachment; filename="download"; filename*=UTF-8''download`);
      assert.equal(contentDisposition('😀.txt'), `attachment; filename="__.txt"; filename*=UTF-8''%F0%9F%98%80.txt`);
      const long = contentDisposition(`${'x'.repeat(300)}.pdf`);
      assert.match(long, /filename="x{196}\.pdf"/);
    });

    it('downloads the own copy as .eml and PDF', async () => {
      const message = access.messages.get(LINKS.active)!;
      for (const [path, type, content] of [
        ['/copy.eml', 'message/rfc822', message.eml],
        ['/copy.pdf', 'application/pdf', message.pdf],
      ] as const) {
        const response = await app.inject({
          method: 'GET',
          url: api(LINKS.active, path),
          cookies: cookieFor(LINKS.active),
        });
        assert.equal(response.statusCode, 200, path);
        assert.equal(response.headers['content-type'], type);
        assert.match(
          String(response.headers['content-disposition']),
          /^attachment; filename="bericht-2025-05-06\.(eml|pdf)"/,
        );
        assert.equal(response.headers['x-content-type-options'], 'nosniff');
        assert.deepEqual(response.rawPayload, content);
      }
      const formats = access.calls.filter((c) => c.method === 'ownCopy').map((c) => c.context?.remoteAddress);
      assert.deepEqual(formats, ['127.0.0.1', '127.0.0.1']);
    });
  });

  describe('the reply', () => {
    const post = (body: { payload: Buffer; headers: Record<string, string> }, link = LINKS.active) =>
      app.inject({
        method: 'POST',
        url: api(link, '/reply'),
        cookies: cookieFor(link),
        headers: { ...CSRF, ...body.headers },
        payload: body.payload,
      });

    it('hands text and attachments to the service byte for byte', async () => {
      const scan = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x0d, 0x0a]);
      const response = await post(
        multipart([
          { name: 'text', value: 'Dank u, dokter.\nGroet, Piet' },
          { name: 'attachments', filename: 'scan één.png', type: 'image/png', content: scan },
          {
            name: 'attachments',
            filename: 'brief.txt',
            type: 'text/plain; charset=utf-8',
            content: Buffer.from('hallo'),
          },
        ]),
      );
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(json<{ attachmentCount: number }>(response).attachmentCount, 2);
      assert.equal(access.replies.length, 1);
      const { reply, context } = access.replies[0]!;
      assert.equal(reply.text, 'Dank u, dokter.\nGroet, Piet');
      assert.deepEqual(
        reply.attachments.map((a) => [a.filename, a.contentType, a.content.toString('hex')]),
        [
          ['scan één.png', 'image/png', scan.toString('hex')],
          ['brief.txt', 'text/plain', Buffer.from('hallo').toString('hex')],
        ],
      );
      assert.equal(context.remoteAddress, '127.0.0.1');
    });

    it('refuses a file over 25 MB, an 11th file, over 50 MB in all and an overlong text with 413', async () => {
      const cases: Array<[string, Part[]]> = [
        [
          'file-too-large',
          [
            {
              name: 'attachments',
              filename: 'big.bin',
              type: 'application/octet-stream',
              content: Buffer.alloc(25 * MB + 1),
            },
          ],
        ],
        [
          'too-many-files',
          Array.from({ length: 11 }, (_, i) => ({
            name: 'attachments',
            filename: `f${i}.txt`,
            type: 'text/plain',
            content: Buffer.from('x'),
          })),
        ],
        [
          'total-too-large',
          Array.from({ length: 3 }, (_, i) => ({
            name: 'attachments',
            filename: `part${i}.bin`,
            type: 'application/octet-stream',
            content: Buffer.alloc(20 * MB),
          })),
        ],
        ['text-too-long', [{ name: 'text', value: 'x'.repeat(MB + 1) }]],
      ];
      for (const [reason, parts] of cases) {
        const response = await post(multipart(parts));
        assert.equal(response.statusCode, 413, reason);
        assert.deepEqual(
          { error: json<ErrorJson>(response).error, reason: json<ErrorJson>(response).reason },
          { error: 'too-large', reason },
        );
      }
      const declared = await app.inject({
        method: 'POST',
        url: api(LINKS.active, '/reply'),
        cookies: cookieFor(LINKS.active),
        headers: { ...CSRF, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(60 * MB) },
        payload: Buffer.alloc(10),
      });
      assert.equal(declared.statusCode, 413);
      assert.equal(access.replies.length, 0);
      // exactly at the limits is fine
      const tenFiles = Array.from({ length: 10 }, (_, i) => ({
        name: 'attachments',
        filename: `f${i}.txt`,
        type: 'text/plain',
        content: Buffer.from('x'),
      }));
      assert.equal((await post(multipart(tenFiles))).statusCode, 200);
    });

    it('refuses anything but multipart, and an empty reply as the service decides', async () => {
      const plain = await app.inject({
        method: 'POST',
        url: api(LINKS.active, '/reply'),
        cookies: cookieFor(LINKS.active),
        headers: CSRF,
        payload: { text: 'hi' },
      });
      assert.equal(plain.statusCode, 415);
      access.failNext('reply', new UserError('BADINPUT', 'The reply is empty'));
      const empty = await post(multipart([{ name: 'text', value: '' }]));
      assert.equal(empty.statusCode, 400);
      assert.deepEqual(json<ErrorJson>(empty), { error: 'bad-input', message: 'The reply is empty' });
    });
  });

  describe('sign-out and errors', () => {
    it('ends the session and clears the cookie on its path', async () => {
      const cookies = cookieFor(LINKS.active);
      const response = await app.inject({ method: 'POST', url: api(LINKS.active, '/logout'), cookies, headers: CSRF });
      assert.equal(response.statusCode, 204);
      const header = String(response.headers['set-cookie']);
      assert.match(header, /^zp_viewer=;/);
      assert.match(header, new RegExp(`Path=/api/viewer/${LINKS.active}(;|$)`));
      assert.match(header, /Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
      assert.ok(access.calls.some((c) => c.method === 'endSession'));
      assert.equal(access.sessions.size, 0);
      const after = await app.inject({ method: 'GET', url: api(LINKS.active, '/message'), cookies });
      assert.equal(after.statusCode, 401);
      // signing out twice is harmless
      const again = await app.inject({ method: 'POST', url: api(LINKS.active, '/logout'), cookies, headers: CSRF });
      assert.equal(again.statusCode, 204);
    });

    it('maps service errors to 4xx, 503 with Retry-After, and a 500 without details', async () => {
      const cases: Array<[Error, number, string]> = [
        [new UserError('NONEXISTENT', 'This message is no longer available'), 404, 'not-found'],
        [new UserError('BADINPUT', 'bad'), 400, 'bad-input'],
        [new UserError('LIMIT', 'slow down'), 429, 'rate-limited'],
        [new UserError('TOOBIG', 'too big'), 413, 'too-large'],
        [new UserError('NOPERM', 'no'), 403, 'forbidden'],
        [new TemporaryError('database busy'), 503, 'unavailable'],
        [new Error('secret internal detail'), 500, 'internal'],
      ];
      for (const [error, status, code] of cases) {
        access.failNext('read', error);
        const response = await app.inject({
          method: 'GET',
          url: api(LINKS.active, '/message'),
          cookies: cookieFor(LINKS.active),
        });
        assert.equal(response.statusCode, status, error.message);
        const body = json<ErrorJson>(response);
        assert.equal(body.error, code);
        assert.equal(typeof body.message, 'string');
        assert.equal(response.headers['cache-control'], 'no-store');
        if (status === 503) assert.ok(Number(response.headers['retry-after']) > 0);
        if (status === 500) assert.doesNotMatch(response.body, /secret/);
      }
      access.failNext('describe', new TemporaryError('down'));
      const landing = await app.inject({ method: 'GET', url: api(LINKS.active) });
      assert.equal(landing.statusCode, 503);
    });

    it('sends no session state to another message', async () => {
      const cookies = cookieFor(LINKS.active);
      const other = await app.inject({ method: 'GET', url: api(LINKS.locked, '/'), cookies });
      assert.equal(json<LandingJson>(other).signedIn, false);
    });
  });
});
