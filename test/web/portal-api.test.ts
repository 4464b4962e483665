// The portal's JSON API against a real server over HTTPS (SPEC R1–R5, R21, R22, R24): an invitation
// accepted with a TOTP code computed here (RFC 6238, independently of the server's library), the
// session cookie's attributes, CSRF refusals, linking two mailboxes with activation data, a new
// Hosted Mail Key that works over IMAP (imapflow) while the old one no longer does, another
// person's mailbox answered 404, the settings summary and Apple profile, sessions and sign-out
// everywhere, throttled sign-in, admin invitations, and the audit trail of it all.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { AuditRecord } from '../../src/store/store.ts';
import type { AccountCreatedJson, ErrorJson, InvitationJson, MailboxJson, SessionJson } from '../../src/web/portal/wire.ts';
import { connectImap } from '../helpers/clients.ts';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { call, type RequestOptions } from '../helpers/https-api.ts';
import { totp } from '../helpers/totp.ts';

const OPERATOR = 'beheer@zorgpost.test';
const PASSWORD = 'correct horse battery staple';

describe('portal API', { timeout: 120_000 }, () => {
  let server: TestServer;
  let agent: Agent;
  let jansen: TestAccount;
  let assistent: TestAccount;
  let stranger: TestAccount;
  let cookie = '';
  let csrf = '';
  let totpSecret = '';

  const portal = <T>(method: string, path: string, options: RequestOptions = {}) =>
    call<T>(server, agent, method, path, { ...options, headers: { ...(cookie ? { cookie } : {}), ...options.headers } }, '/api/portal');
  const signedIn = <T>(method: string, path: string, options: RequestOptions = {}) =>
    portal<T>(method, path, { ...options, headers: { 'x-zorgpost-csrf': csrf, ...options.headers } });
  const audit = (action: string): Promise<AuditRecord[]> => server.server.services.store.audit.list({ action, limit: 100 });

  before(async () => {
    server = await startTestServer({ security: { maxFailuresPerAccount: 4, maxFailuresPerAddress: 40 } });
    agent = new Agent({ ca: server.ca, keepAlive: false });
    jansen = await server.addMailbox('j.jansen@delinde.nl', 'Dr. J. Jansen');
    assistent = await server.addMailbox('assistent@delinde.nl', 'Assistent');
    stranger = await server.addMailbox('iemand@elders.nl', 'Iemand');
  });

  after(async () => {
    agent?.destroy();
    await server?.close();
  });

  it('accepts an invitation: password, TOTP enrolment, recovery codes, a session cookie', async () => {
    const invitation = await server.server.services.passage.invite({ email: OPERATOR, role: 'operator' }, { actor: 'cli' });
    const token = new URL(invitation.url).hash.slice(1);
    assert.match(invitation.url, /^https:\/\/localhost:\d+\/invite#/);

    const noHeader = await portal<ErrorJson>('POST', '/invitation', { json: { token } });
    assert.equal(noHeader.status, 403, 'a POST without the CSRF header is refused');
    assert.equal(noHeader.json.error, 'csrf');

    const bogus = await portal<ErrorJson>('POST', '/invitation', { json: { token: 'x'.repeat(43) }, headers: { 'x-zorgpost-csrf': '1' } });
    assert.equal(bogus.status, 404, bogus.text);

    const shown = await portal<InvitationJson>('POST', '/invitation', { json: { token }, headers: { 'x-zorgpost-csrf': '1' } });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.json.email, OPERATOR);
    assert.equal(shown.json.role, 'operator');
    assert.match(shown.json.totp.qrSvg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.match(shown.json.totp.uri, /^otpauth:\/\/totp\//);
    totpSecret = shown.json.totp.secret;

    const weak = await portal<ErrorJson>('POST', '/invitation/accept', {
      json: { token, password: 'short', code: totp(totpSecret, new Date()) },
      headers: { 'x-zorgpost-csrf': '1' },
    });
    assert.equal(weak.status, 400, weak.text);

    const wrongCode = await portal<ErrorJson>('POST', '/invitation/accept', {
      json: { token, password: PASSWORD, code: totp(totpSecret, new Date(), 10) },
      headers: { 'x-zorgpost-csrf': '1' },
    });
    assert.ok(wrongCode.status >= 400 && wrongCode.status < 500, wrongCode.text);

    const created = await portal<AccountCreatedJson>('POST', '/invitation/accept', {
      json: { token, password: PASSWORD, code: totp(totpSecret, new Date()) },
      headers: { 'x-zorgpost-csrf': '1' },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.recoveryCodes.length, 10);
    assert.equal(created.json.account.email, OPERATOR);
    const setCookie = String(created.headers['set-cookie']);
    assert.match(setCookie, /zp_passage=/);
    for (const attribute of [/HttpOnly/i, /Secure/i, /SameSite=Strict/i, /Path=\/api(;|$)/i]) assert.match(setCookie, attribute);
    cookie = setCookie.split(';')[0]!;
    csrf = created.json.csrfToken;

    const again = await portal<ErrorJson>('POST', '/invitation/accept', {
      json: { token, password: PASSWORD, code: totp(totpSecret, new Date(), 1) },
      headers: { 'x-zorgpost-csrf': '1' },
    });
    assert.ok(again.status >= 400 && again.status < 500, 'an invitation works once');
  });

  it('answers the session, and refuses changes without the session CSRF token', async () => {
    const session = await portal<SessionJson>('GET', '/session');
    assert.equal(session.status, 200);
    assert.equal(session.headers['cache-control'], 'no-store');
    assert.deepEqual(session.json.mailboxes, []);
    assert.equal(session.json.csrfToken, csrf);

    const wrongToken = csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const headers: Array<Record<string, string>> = [{}, { 'x-zorgpost-csrf': '1' }, { 'x-zorgpost-csrf': wrongToken }];
    for (const header of headers) {
      const refused = await portal<ErrorJson>('POST', '/mailboxes/link', { json: { klantnummer: jansen.klantnummer, code: 'X' }, headers: header });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error, 'csrf');
    }
    const anonymous = await call<ErrorJson>(server, agent, 'GET', '/session', {}, '/api/portal');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error, 'no-session');
  });

  it('links two mailboxes with one-time activation data', async () => {
    const { passage, identity } = server.server.services;
    const wrong = await signedIn<ErrorJson>('POST', '/mailboxes/link', { json: { klantnummer: jansen.klantnummer, code: 'ABCD-EFGH-JKLM' } });
    assert.ok(wrong.status >= 400 && wrong.status < 500, wrong.text);

    for (const account of [jansen, assistent]) {
      const activation = await passage.issueActivation((await identity.requireMailbox(account.address))!, { actor: 'cli' });
      const linked = await signedIn<MailboxJson>('POST', '/mailboxes/link', { json: { klantnummer: activation.klantnummer, code: activation.code } });
      assert.equal(linked.status, 200, linked.text);
      assert.equal(linked.json.address, account.address);
      const reused = await signedIn<ErrorJson>('POST', '/mailboxes/link', { json: { klantnummer: activation.klantnummer, code: activation.code } });
      assert.ok(reused.status >= 400 && reused.status < 500, 'activation data works once');
    }
    const session = await portal<SessionJson>('GET', '/session');
    assert.deepEqual(session.json.mailboxes.map((m) => m.address).sort(), [assistent.address, jansen.address]);
  });

  it('serves the settings summary and the Apple profile of a linked mailbox only', async () => {
    const settings = await portal<{ incoming: { imap: { host: string; port: number } }; login: { userName: string }; addressBook: { bindDn: string; searchBase: string } }>(
      'GET',
      `/mailboxes/${jansen.mailboxId}/settings`,
    );
    assert.equal(settings.status, 200, settings.text);
    assert.deepEqual(settings.json.incoming.imap, { host: 'localhost', port: server.ports.imaps, security: 'SSL/TLS' });
    assert.equal(settings.json.login.userName, jansen.klantnummer);
    assert.equal(settings.json.addressBook.bindDn, `uid=${jansen.klantnummer}`);
    assert.equal(settings.json.addressBook.searchBase, 'ou=se,dc=zorgmail');

    const profile = await portal('GET', `/mailboxes/${jansen.mailboxId}/profile.mobileconfig`);
    assert.equal(profile.status, 200);
    assert.equal(profile.headers['content-type'], 'application/x-apple-aspen-config');
    assert.match(String(profile.headers['content-disposition']), /^attachment;/);
    assert.ok(profile.text.includes(jansen.klantnummer));

    for (const path of [`/mailboxes/${stranger.mailboxId}/settings`, `/mailboxes/${stranger.mailboxId}/profile.mobileconfig`, '/mailboxes/999999/settings', '/mailboxes/abc/settings']) {
      const refused = await portal<ErrorJson>('GET', path);
      assert.equal(refused.status, 404, `${path}: ${refused.text}`);
    }
    const key = await signedIn<ErrorJson>('POST', `/mailboxes/${stranger.mailboxId}/key`);
    assert.equal(key.status, 404, 'no key for a mailbox that is not linked');
  });

  it('generates a Hosted Mail Key that works over IMAP, and the old key stops working', async () => {
    const generated = await signedIn<{ key: string; klantnummer: string }>('POST', `/mailboxes/${jansen.mailboxId}/key`);
    assert.equal(generated.status, 200, generated.text);
    assert.equal(generated.json.klantnummer, jansen.klantnummer);
    const client = await connectImap(server, { user: jansen.klantnummer, pass: generated.json.key });
    assert.ok((await client.mailboxOpen('INBOX')).exists >= 0);
    await client.logout();
    await assert.rejects(connectImap(server, { user: jansen.klantnummer, pass: jansen.key }), 'the old key no longer logs in');
    const generatedAudit = await audit('hosted-mail-key.generate');
    assert.ok(generatedAudit.some((r) => r.mailboxId === jansen.mailboxId && r.actor === `passage:${OPERATOR}`));
    assert.ok(!JSON.stringify(generatedAudit).includes(generated.json.key), 'the key is not in the audit log');
  });

  it('lets an operator invite an organisation admin and issue activation data', async () => {
    const invited = await signedIn<{ url: string; email: string }>('POST', '/invitations', {
      json: { email: 'praktijkmanager@delinde.nl', role: 'admin', organisation: 'delinde.nl' },
    });
    assert.equal(invited.status, 200, invited.text);
    assert.match(invited.json.url, /\/invite#[A-Za-z0-9_-]{20,}$/);
    // A browser that still holds a session opens the link: its token is sent instead of "1", and works.
    const opened = await signedIn<InvitationJson>('POST', '/invitation', { json: { token: new URL(invited.json.url).hash.slice(1) } });
    assert.equal(opened.status, 200, opened.text);
    const unknownOrg = await signedIn<ErrorJson>('POST', '/invitations', { json: { email: 'x@nergens.nl', role: 'user', organisation: 'nergens.nl' } });
    assert.ok(unknownOrg.status >= 400 && unknownOrg.status < 500, unknownOrg.text);
    const activation = await signedIn<{ klantnummer: string; code: string }>('POST', '/activations', { json: { mailbox: assistent.address } });
    assert.equal(activation.status, 200, activation.text);
    assert.equal(activation.json.klantnummer, assistent.klantnummer);
    assert.ok((await audit('passage.invite')).length >= 2);
  });

  it('signs in with password and TOTP, lists sessions, and signs out everywhere', async () => {
    const login = (code: string, password = PASSWORD) =>
      call<SessionJson & { usedRecoveryCode: boolean }>(server, agent, 'POST', '/login', { json: { email: OPERATOR, password, code }, headers: { 'x-zorgpost-csrf': '1' } }, '/api/portal');
    const wrong = await login(totp(totpSecret, new Date(), 1), 'not the password at all');
    assert.equal(wrong.status, 401);
    assert.equal((wrong.json as unknown as ErrorJson).error, 'invalid-login');

    const second = await login(totp(totpSecret, new Date(), 1));
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json.usedRecoveryCode, false);
    const secondCookie = String(second.headers['set-cookie']).split(';')[0]!;

    const sessions = await portal<{ sessions: Array<{ id: number; current: boolean }> }>('GET', '/sessions');
    assert.equal(sessions.json.sessions.length, 2);
    assert.equal(sessions.json.sessions.filter((s) => s.current).length, 1);

    const everywhere = await signedIn('POST', '/sessions/revoke-all');
    assert.equal(everywhere.status, 200);
    for (const which of [cookie, secondCookie]) {
      const ended = await call<ErrorJson>(server, agent, 'GET', '/session', { headers: { cookie: which } }, '/api/portal');
      assert.equal(ended.status, 401, 'every session ended');
    }
    const logins = await audit('passage.login');
    assert.ok(logins.some((r) => r.actor?.includes(OPERATOR)));
    assert.ok((await audit('passage.login.failure')).length >= 1);
  });

  it('throttles failed sign-ins with 429 and Retry-After', async () => {
    let last = await call<ErrorJson>(server, agent, 'POST', '/login', { json: { email: OPERATOR, password: 'wrong', code: '000000' }, headers: { 'x-zorgpost-csrf': '1' } }, '/api/portal');
    for (let i = 0; i < 6 && last.status !== 429; i++) {
      last = await call<ErrorJson>(server, agent, 'POST', '/login', { json: { email: OPERATOR, password: 'wrong', code: '000000' }, headers: { 'x-zorgpost-csrf': '1' } }, '/api/portal');
    }
    assert.equal(last.status, 429, last.text);
    assert.equal(last.json.error, 'throttled');
    assert.ok(Number(last.headers['retry-after']) > 0);
  });
});
