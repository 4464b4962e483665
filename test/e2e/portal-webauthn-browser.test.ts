// Security keys and passkeys in the portal (issue 5; SPEC R1, R22, R24), in headless Chromium with its
// virtual authenticator (DevTools protocol) against a real server: a Passage ID made from an
// invitation with a TOTP code computed here, a key added and named on the Account page (which
// passes axe-core's WCAG 2.1 AA rules with the key listed), sign-out, sign-in with password + key
// instead of the code — refused with a wrong password — and the key removed, after which it no
// longer signs in. WebAuthn needs a secure context whose host is the relying party ID, so these pages
// are opened at https://localhost:<port>/ (the test server's host name), not at 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ErrorJson, WebauthnLoginOptionsJson } from '../../src/web/portal/wire.ts';
import { LoopbackBrowser, assertNoHorizontalScroll, expectHeading } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { totp } from '../helpers/totp.ts';
import { addVirtualAuthenticator } from '../helpers/webauthn.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ARTIFACTS = join(process.env.ZORGPOST_ARTIFACTS ?? join(ROOT, '.artifacts'), 'screenshots');
const EMAIL = 'sleutel@delinde.nl';
const PASSWORD = 'een lange zin als wachtwoord';
const KEY_NAME = 'YubiKey spreekkamer';

describe('security keys in the portal, in a browser', { timeout: 300_000 }, () => {
  let server: TestServer;
  let browser: LoopbackBrowser;
  let page: Page;
  let base: string;
  let secret = '';

  const shot = async (name: string) => {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const notice = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).first().waitFor();
  const alert = (text: string | RegExp) => page.getByRole('alert').filter({ hasText: text }).first().waitFor();
  const audit = async (action: string) =>
    (await server.server.services.store.audit.list({ action, limit: 100 })).filter(
      (r) => r.actor === `passage:${EMAIL}`,
    );
  const keysSection = () => page.getByRole('region', { name: 'Beveiligingssleutels (passkeys)' });

  const signOut = () => page.getByRole('banner').getByRole('button', { name: 'Afmelden' }).click();

  async function signInWithKey(password: string) {
    await expectHeading(page, 'Inloggen met Passage ID');
    await page.getByLabel('E-mailadres').fill(EMAIL);
    await page.getByLabel('Wachtwoord').fill(password);
    await page.getByRole('button', { name: 'Inloggen met beveiligingssleutel' }).click();
  }

  before(async () => {
    server = await startTestServer();
    base = `https://localhost:${server.ports.https}`;
    await server.server.services.identity.addOrganisation(
      { name: 'Praktijk De Linde', domain: 'delinde.nl' },
      { actor: 'test' },
    );
    // The Passage ID, made the way the invitation page makes it (the page itself is tested elsewhere).
    const { passage } = server.server.services;
    const invitation = await passage.invite({ email: EMAIL, role: 'user', orgDomain: 'delinde.nl' }, { actor: 'cli' });
    secret = (await passage.inspectInvitation(invitation.token)).totp.secret;
    await passage.acceptInvitation(
      { token: invitation.token, password: PASSWORD, totpCode: totp(secret, new Date()) },
      { remoteAddress: '127.0.0.1', userAgent: 'test' },
    );
    browser = await LoopbackBrowser.launch();
    page = await browser.newPage();
    await addVirtualAuthenticator(page);
  });

  after(async () => {
    await browser?.close('the portal with security keys');
    await server?.close();
  });

  it('asks for sign-in options only with the fixed header, and answers every address alike', async () => {
    const options = (email: string, headers: Record<string, string> = { 'x-zorgpost-csrf': '1' }) =>
      page.request.post(`${base}/api/portal/login/webauthn/options`, { data: { email }, headers });
    const refused = await options(EMAIL, {});
    assert.equal(refused.status(), 403);
    assert.equal(((await refused.json()) as ErrorJson).error, 'csrf');
    const known = (await (await options(EMAIL)).json()) as WebauthnLoginOptionsJson;
    const unknown = (await (await options('niemand@delinde.nl')).json()) as WebauthnLoginOptionsJson;
    for (const answer of [known, unknown]) {
      assert.match(answer.challengeId, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(answer.options.rpId, 'localhost');
      assert.equal(answer.options.allowCredentials?.length, 1, 'a decoy key: this account has none yet');
    }
    // A sign-in carries a code or a key's answer: exactly one.
    const login = (data: object) =>
      page.request.post(`${base}/api/portal/login`, { data, headers: { 'x-zorgpost-csrf': '1' } });
    const webauthn = {
      challengeId: known.challengeId,
      response: {
        id: 'eA',
        rawId: 'eA',
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON: 'eA', authenticatorData: 'eA', signature: 'eA' },
      },
    };
    assert.equal((await login({ email: EMAIL, password: PASSWORD })).status(), 400);
    assert.equal((await login({ email: EMAIL, password: PASSWORD, code: '123456', webauthn })).status(), 400);
    // Well-formed, but no key's answer to that challenge: the sign-in is refused like a wrong code.
    const forged = await login({ email: EMAIL, password: PASSWORD, webauthn });
    assert.equal(forged.status(), 401);
    assert.equal(((await forged.json()) as ErrorJson).error, 'invalid-login');
    const signedOut = await page.request.post(`${base}/api/portal/webauthn/register/options`, {
      headers: { 'x-zorgpost-csrf': '1' },
    });
    assert.equal(signedOut.status(), 401);
  });

  it('adds a named security key on the Account page, which lists it and passes axe', async () => {
    await page.goto(`${base}/account`);
    await expectHeading(page, 'Inloggen met Passage ID');
    await page.getByLabel('E-mailadres').fill(EMAIL);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    // The enrolment used the current TOTP step; a sign-in needs a later one (RFC 6238 §5.2).
    await page.getByLabel('Verificatiecode').fill(totp(secret, new Date(), 1));
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    // Signed in, the page asked for comes up.
    await expectHeading(page, 'Account');
    await keysSection().getByText('U heeft nog geen beveiligingssleutel toegevoegd.').waitFor();

    await keysSection().getByRole('button', { name: 'Beveiligingssleutel toevoegen' }).click();
    await alert('Geef de sleutel een naam.');
    await page.getByLabel('Naam van de sleutel').fill(KEY_NAME);
    await keysSection().getByRole('button', { name: 'Beveiligingssleutel toevoegen' }).click();
    await notice(`Beveiligingssleutel „${KEY_NAME}” is toegevoegd.`);
    const list = page.getByRole('list', { name: 'Uw beveiligingssleutels' });
    await list.getByRole('listitem').filter({ hasText: KEY_NAME }).waitFor();
    assert.match((await list.textContent())!, /toegevoegd op .*nog niet gebruikt/);
    assert.equal(await page.getByLabel('Naam van de sleutel').inputValue(), '', 'the name field is cleared');
    await browser.assertAxeClean(page, 'account with a security key');
    await shot('10-account-security-key');
    await page.setViewportSize({ width: 320, height: 640 });
    await assertNoHorizontalScroll(page, 'account with a security key at 320 px');
    await page.setViewportSize({ width: 1280, height: 900 });

    const [registered] = await audit('passage.webauthn.register');
    assert.equal((registered?.detail as { name: string }).name, KEY_NAME);
  });

  it('signs out, refuses password + key with a wrong password, and signs in with the right one', async () => {
    await signOut();
    await browser.assertAxeClean(page, 'sign-in with the security key option');
    await shot('11-sign-in-security-key');
    await signInWithKey('niet het wachtwoord');
    await alert('E-mailadres, wachtwoord of verificatiecode is onjuist.');
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Inloggen met beveiligingssleutel' }).click();
    await expectHeading(page, 'Mailboxen beheren');

    const failures = (await audit('passage.login.failure')).map((r) => (r.detail as { reason: string }).reason);
    // The forged answer of the first test, then the wrong password.
    assert.deepEqual(failures, ['webauthn-credential', 'password']);
    const [login] = (await audit('passage.login')).slice(-1);
    assert.equal((login?.detail as { secondFactor: string }).secondFactor, 'webauthn');
  });

  it('removes the key, which then no longer signs in', async () => {
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Account' }).click();
    await expectHeading(page, 'Account');
    const list = page.getByRole('list', { name: 'Uw beveiligingssleutels' });
    await list.getByText(/laatst gebruikt/).waitFor();
    await list.getByRole('button', { name: `Verwijderen ${KEY_NAME}` }).click();
    await notice(`Beveiligingssleutel „${KEY_NAME}” is verwijderd.`);
    await keysSection().getByText('U heeft nog geen beveiligingssleutel toegevoegd.').waitFor();
    assert.equal((await audit('passage.webauthn.remove')).length, 1);

    await signOut();
    await signInWithKey(PASSWORD);
    // The key is still in the authenticator, but the server no longer asks for it.
    await alert('De beveiligingssleutel is niet gebruikt');
    await page.getByRole('heading', { level: 1, name: 'Inloggen met Passage ID' }).waitFor();
  });
});
