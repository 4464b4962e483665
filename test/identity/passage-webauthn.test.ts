// Passage ID security keys and passkeys (WebAuthn; SPEC R1, R22, R24), with real ceremonies: Chromium's
// virtual authenticator signs, on an HTTPS page at the service's own origin, what the service asks.
// Registering, listing and removing keys; signing in with password + key in place of the TOTP code;
// challenges that are single use, expire after 5 minutes and belong to one account or address; only
// the configured origin; counters that must go up; decoy options for addresses without keys; the
// same throttling and audit trail as a wrong TOTP code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { PassageService } from '../../src/identity/passage-service.ts';
import { WEBAUTHN_CHALLENGE_TTL_MS } from '../../src/identity/passage-webauthn.ts';
import { LoopbackBrowser } from '../helpers/browser.ts';
import { addVirtualAuthenticator, createCredential, getAssertion, openBlankOrigin } from '../helpers/webauthn.ts';
import {
  createAccount,
  freshClient,
  passageFixture,
  totp,
  type CreatedAccount,
  type PassageFixture,
} from './passage-fixture.ts';

/** The fixture's public URL (test/identity/passage-fixture.ts). */
const ORIGIN = 'https://portal.example';

describe('Passage ID security keys (WebAuthn)', { timeout: 180_000 }, () => {
  let fixture: PassageFixture;
  let passage: PassageService;
  let browser: LoopbackBrowser;
  let page: Page;
  let anna: CreatedAccount;
  let bram: CreatedAccount;
  /** The credential ID (base64url) of Anna's first key. */
  let annaKey = '';

  const audit = async (action: string, email: string) =>
    (await fixture.store.audit.list({ action, limit: 1000 })).filter((r) => r.actor === `passage:${email}`);

  async function registerKey(service: PassageService, who: CreatedAccount, name: string) {
    const { challengeId, options } = await service.webauthnRegistrationOptions(who.account);
    const response = await createCredential(page, options);
    return {
      response,
      key: await service.registerWebauthnCredential(who.account, { challengeId, name, response }, freshClient()),
    };
  }

  async function keyLogin(service: PassageService, who: CreatedAccount, password = who.password) {
    const { challengeId, options } = await service.webauthnSignInOptions(who.account.email);
    const response = await getAssertion(page, options);
    return service.login({ email: who.account.email, password, webauthn: { challengeId, response } }, freshClient());
  }

  before(async () => {
    fixture = await passageFixture();
    // Room for the failures these tests make on purpose; the throttling test has its own service.
    passage = fixture.service({ maxFailuresPerAccount: 10, maxFailuresPerAddress: 10, windowSeconds: 300 });
    await fixture.identity.addOrganisation(
      { name: 'Huisartsenpraktijk De Linde', domain: 'delinde.nl' },
      { actor: 'cli:test' },
    );
    anna = await createAccount(fixture, passage, 'anna@delinde.nl', 'user', 'delinde.nl');
    bram = await createAccount(fixture, passage, 'bram@delinde.nl', 'user', 'delinde.nl');
    browser = await LoopbackBrowser.launch();
    page = await browser.newPage();
    await addVirtualAuthenticator(page);
    await openBlankOrigin(page, ORIGIN);
  });

  after(async () => {
    await browser?.close('the WebAuthn ceremonies');
    await fixture?.cleanup();
  });

  it('registers a key for the signed-in account under a name, lists it and audits it', async () => {
    const { challengeId, options } = await passage.webauthnRegistrationOptions(anna.account);
    assert.match(challengeId, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(options.rp.id, 'portal.example');
    assert.equal(options.attestation, 'none');
    assert.equal(options.user.name, 'anna@delinde.nl');
    assert.ok(
      !Buffer.from(options.user.id, 'base64url').toString('latin1').includes('anna'),
      'the user handle holds no personal data',
    );
    const response = await createCredential(page, options);
    const key = await passage.registerWebauthnCredential(
      anna.account,
      { challengeId, name: '  YubiKey   sleutelbos ', response },
      freshClient(),
    );
    annaKey = response.id;
    assert.equal(key.name, 'YubiKey sleutelbos');
    assert.deepEqual(key.transports, ['internal']);
    assert.equal(key.createdAt.getTime(), fixture.clock.now.getTime());
    assert.equal(key.lastUsedAt, null);
    assert.deepEqual(
      (await passage.listWebauthnCredentials(anna.account.id)).map((k) => k.name),
      ['YubiKey sleutelbos'],
    );
    assert.deepEqual(await passage.listWebauthnCredentials(bram.account.id), []);
    const [record] = await audit('passage.webauthn.register', 'anna@delinde.nl');
    assert.deepEqual(record?.detail, {
      accountId: anna.account.id,
      credentialId: key.id,
      name: 'YubiKey sleutelbos',
      transports: ['internal'],
    });

    // The same key again: the options exclude it, so the authenticator itself refuses (§6.3.2 step 3).
    const again = await passage.webauthnRegistrationOptions(anna.account);
    assert.deepEqual(
      again.options.excludeCredentials?.map((c) => c.id),
      [annaKey],
    );
    await assert.rejects(createCredential(page, again.options), /InvalidStateError|excluded|already/i);
  });

  it('uses each registration challenge once, for its own account, within 5 minutes', async () => {
    const { challengeId, options } = await passage.webauthnRegistrationOptions(bram.account);
    const response = await createCredential(page, options);
    // Another account cannot finish Bram's registration — and that spends the challenge.
    await assert.rejects(
      passage.registerWebauthnCredential(anna.account, { challengeId, name: 'Gestolen', response }, freshClient()),
      { code: 'CANNOT' },
    );
    await assert.rejects(
      passage.registerWebauthnCredential(bram.account, { challengeId, name: 'Laptop', response }, freshClient()),
      { code: 'CANNOT' },
    );
    // A name is checked before the challenge is spent.
    const named = await passage.webauthnRegistrationOptions(bram.account);
    await assert.rejects(
      passage.registerWebauthnCredential(
        bram.account,
        { challengeId: named.challengeId, name: ' ', response },
        freshClient(),
      ),
      { code: 'BADINPUT' },
    );
    await assert.rejects(
      passage.registerWebauthnCredential(
        bram.account,
        { challengeId: named.challengeId, name: 'x'.repeat(65), response },
        freshClient(),
      ),
      { code: 'BADINPUT' },
    );
    await assert.rejects(
      passage.registerWebauthnCredential(
        bram.account,
        { challengeId: named.challengeId, name: 'tab\u0007bel', response },
        freshClient(),
      ),
      { code: 'BADINPUT' },
    );
    // …but the response must answer this challenge, not the earlier one.
    await assert.rejects(
      passage.registerWebauthnCredential(
        bram.account,
        { challengeId: named.challengeId, name: 'Laptop', response },
        freshClient(),
      ),
      { code: 'BADINPUT' },
    );
    const expiring = await passage.webauthnRegistrationOptions(bram.account);
    const late = await createCredential(page, expiring.options);
    fixture.clock.advance(WEBAUTHN_CHALLENGE_TTL_MS + 1000);
    await assert.rejects(
      passage.registerWebauthnCredential(
        bram.account,
        { challengeId: expiring.challengeId, name: 'Laptop', response: late },
        freshClient(),
      ),
      { code: 'CANNOT' },
    );
    assert.deepEqual(await passage.listWebauthnCredentials(bram.account.id), []);
    assert.ok((await audit('passage.webauthn.register.failure', 'bram@delinde.nl')).length >= 1);
  });

  it('accepts ceremonies only from the configured origin', async () => {
    // Same host name (so the browser allows the relying party ID), another port: another origin.
    const { challengeId, options } = await passage.webauthnRegistrationOptions(bram.account);
    await openBlankOrigin(page, 'https://portal.example:8443');
    try {
      const response = await createCredential(page, options);
      await assert.rejects(
        passage.registerWebauthnCredential(bram.account, { challengeId, name: 'Elders', response }, freshClient()),
        { code: 'BADINPUT' },
      );
      const signIn = await passage.webauthnSignInOptions(anna.account.email);
      const assertion = await getAssertion(page, signIn.options);
      const result = await passage.login(
        {
          email: anna.account.email,
          password: anna.password,
          webauthn: { challengeId: signIn.challengeId, response: assertion },
        },
        freshClient(),
      );
      assert.deepEqual(result, { ok: false, reason: 'invalid' });
    } finally {
      await openBlankOrigin(page, ORIGIN);
    }
    const [failure] = (await audit('passage.webauthn.register.failure', 'bram@delinde.nl')).slice(-1);
    assert.match(String((failure?.detail as { reason?: string }).reason), /origin/i);
  });

  it('signs in with password and key in place of the TOTP code; the key records its use', async () => {
    const options = await passage.webauthnSignInOptions(' Anna@DeLinde.nl ');
    assert.deepEqual(
      options.options.allowCredentials?.map((c) => c.id),
      [annaKey],
    );
    assert.equal(options.options.rpId, 'portal.example');
    const response = await getAssertion(page, options.options);
    const result = await passage.login(
      { email: 'anna@delinde.nl', password: anna.password, webauthn: { challengeId: options.challengeId, response } },
      freshClient(),
    );
    assert.ok(result.ok, 'signed in');
    assert.equal(result.usedRecoveryCode, false);
    const [key] = await passage.listWebauthnCredentials(anna.account.id);
    assert.equal(key?.lastUsedAt?.getTime(), fixture.clock.now.getTime());
    const [login] = (await audit('passage.login', 'anna@delinde.nl')).slice(-1);
    assert.deepEqual(login?.detail, {
      accountId: anna.account.id,
      sessionId: (login?.detail as { sessionId: number }).sessionId,
      secondFactor: 'webauthn',
      webauthnCredentialId: key!.id,
    });

    // The same assertion again: its challenge is spent.
    const replay = await passage.login(
      { email: 'anna@delinde.nl', password: anna.password, webauthn: { challengeId: options.challengeId, response } },
      freshClient(),
    );
    assert.deepEqual(replay, { ok: false, reason: 'invalid' });
    // …and under a new challenge it answers the wrong one.
    const fresh = await passage.webauthnSignInOptions('anna@delinde.nl');
    const replayed = await passage.login(
      { email: 'anna@delinde.nl', password: anna.password, webauthn: { challengeId: fresh.challengeId, response } },
      freshClient(),
    );
    assert.deepEqual(replayed, { ok: false, reason: 'invalid' });
    // TOTP still works besides the key.
    fixture.clock.advance(30_000);
    assert.ok(
      (
        await passage.login(
          { email: 'anna@delinde.nl', password: anna.password, code: totp(anna.secret, fixture.clock.now) },
          freshClient(),
        )
      ).ok,
    );
    const reasons = (await audit('passage.login.failure', 'anna@delinde.nl')).map(
      (r) => (r.detail as { reason: string }).reason,
    );
    // The last three: the other origin's assertion, then the two replays.
    assert.deepEqual(reasons.slice(-3), ['webauthn', 'webauthn-challenge', 'webauthn']);
  });

  it('refuses a key of another account, a challenge asked for another address, and an expired challenge', async () => {
    await registerKey(passage, bram, 'Bram zijn sleutel');
    // Bram's sign-in, answered with Anna's key.
    const forBram = await passage.webauthnSignInOptions(bram.account.email);
    const annas = await getAssertion(page, {
      ...forBram.options,
      allowCredentials: [{ id: annaKey, type: 'public-key' }],
    });
    assert.deepEqual(
      await passage.login(
        {
          email: bram.account.email,
          password: bram.password,
          webauthn: { challengeId: forBram.challengeId, response: annas },
        },
        freshClient(),
      ),
      { ok: false, reason: 'invalid' },
    );
    // Options asked for Anna, used to sign in as Bram.
    const forAnna = await passage.webauthnSignInOptions(anna.account.email);
    const assertion = await getAssertion(page, forAnna.options);
    assert.deepEqual(
      await passage.login(
        {
          email: bram.account.email,
          password: bram.password,
          webauthn: { challengeId: forAnna.challengeId, response: assertion },
        },
        freshClient(),
      ),
      { ok: false, reason: 'invalid' },
    );
    // Five minutes on, the challenge is gone.
    const expiring = await passage.webauthnSignInOptions(bram.account.email);
    const late = await getAssertion(page, expiring.options);
    fixture.clock.advance(WEBAUTHN_CHALLENGE_TTL_MS + 1000);
    assert.deepEqual(
      await passage.login(
        {
          email: bram.account.email,
          password: bram.password,
          webauthn: { challengeId: expiring.challengeId, response: late },
        },
        freshClient(),
      ),
      { ok: false, reason: 'invalid' },
    );
    const reasons = (await audit('passage.login.failure', 'bram@delinde.nl')).map(
      (r) => (r.detail as { reason: string }).reason,
    );
    assert.deepEqual(reasons.slice(-3), ['webauthn-credential', 'webauthn-challenge', 'webauthn-challenge']);
    // Bram's own key still works.
    assert.ok((await keyLogin(passage, bram)).ok);
  });

  it('refuses an assertion whose signature counter did not go up (a cloned key)', async () => {
    const [key] = await passage.listWebauthnCredentials(bram.account.id);
    // As if a copy of the key had signed 1000 times already.
    assert.ok(await fixture.store.passageWebauthn.recordUse(key!.id, 1000, fixture.clock.now));
    assert.deepEqual(await keyLogin(passage, bram), { ok: false, reason: 'invalid' });
    const [failure] = (await audit('passage.login.failure', 'bram@delinde.nl')).slice(-1);
    assert.equal((failure?.detail as { reason: string }).reason, 'webauthn-counter');
  });

  it('answers the sign-in options alike for unknown addresses and accounts without keys', async () => {
    const carla = await createAccount(fixture, passage, 'carla@delinde.nl', 'user', 'delinde.nl');
    const shape = (options: Awaited<ReturnType<PassageService['webauthnSignInOptions']>>) => ({
      keys: options.options.allowCredentials?.length,
      idLength: options.options.allowCredentials?.[0]?.id.length,
      transports: Array.isArray(options.options.allowCredentials?.[0]?.transports),
      rpId: options.options.rpId,
      userVerification: options.options.userVerification,
      timeout: options.options.timeout,
      challengeId: options.challengeId.length,
    });
    const unknown1 = await passage.webauthnSignInOptions('niemand@delinde.nl');
    const unknown2 = await passage.webauthnSignInOptions('NIEMAND@delinde.nl');
    const keyless = await passage.webauthnSignInOptions(carla.account.email);
    const real = await passage.webauthnSignInOptions(anna.account.email);
    assert.deepEqual(shape(unknown1), shape(real));
    assert.deepEqual(shape(keyless), shape(real));
    assert.deepEqual(unknown1.options.allowCredentials, unknown2.options.allowCredentials, 'the same decoy every time');
    assert.notDeepEqual(unknown1.options.allowCredentials, keyless.options.allowCredentials);
    assert.notEqual(unknown1.options.challenge, unknown2.options.challenge);
    // No key answers a decoy: the browser reports that nothing was used.
    await assert.rejects(getAssertion(page, keyless.options), /NotAllowedError|not allowed|timed out/i);
  });

  it('throttles and audits a wrong password with a valid key exactly like a wrong TOTP code', async () => {
    const service = fixture.service();
    const dirk = await createAccount(fixture, service, 'dirk@delinde.nl', 'user', 'delinde.nl');
    await registerKey(service, dirk, 'Dirk');
    for (let i = 0; i < 3; i++)
      assert.deepEqual(await keyLogin(service, dirk, 'niet het wachtwoord'), { ok: false, reason: 'invalid' });
    const locked = await keyLogin(service, dirk);
    assert.ok(
      !locked.ok && locked.reason === 'throttled' && locked.retryAfterSeconds > 0,
      'locked even with the right password and key',
    );
    const reasons = (await audit('passage.login.failure', 'dirk@delinde.nl')).map(
      (r) => (r.detail as { reason: string }).reason,
    );
    assert.deepEqual(reasons, ['password', 'password', 'password']);
    assert.equal((await audit('passage.login.throttled', 'dirk@delinde.nl')).length, 1);
    // Neither a code nor a key, or both: refused as a wrong second factor.
    const eve = await createAccount(fixture, service, 'eve@delinde.nl', 'user', 'delinde.nl');
    assert.deepEqual(await service.login({ email: 'eve@delinde.nl', password: eve.password }, freshClient()), {
      ok: false,
      reason: 'invalid',
    });
    const [missing] = (await audit('passage.login.failure', 'eve@delinde.nl')).slice(-1);
    assert.equal((missing?.detail as { reason: string }).reason, 'second-factor-missing');
  });

  it("removes a key: only the account's own, audited; the key no longer signs in", async () => {
    const [key] = await passage.listWebauthnCredentials(anna.account.id);
    await assert.rejects(
      passage.removeWebauthnCredential(bram.account, key!.id, { actor: 'passage:bram@delinde.nl' }),
      { code: 'NONEXISTENT' },
    );
    await passage.removeWebauthnCredential(anna.account, key!.id, {
      actor: 'passage:anna@delinde.nl',
      remoteAddress: '192.0.2.7',
    });
    await assert.rejects(
      passage.removeWebauthnCredential(anna.account, key!.id, { actor: 'passage:anna@delinde.nl' }),
      { code: 'NONEXISTENT' },
    );
    assert.deepEqual(await passage.listWebauthnCredentials(anna.account.id), []);
    const [record] = await audit('passage.webauthn.remove', 'anna@delinde.nl');
    assert.deepEqual(record?.detail, { accountId: anna.account.id, credentialId: key!.id, name: 'YubiKey sleutelbos' });
    assert.equal(record?.remoteAddress, '192.0.2.7');
    // The options now hold a decoy, which no key answers.
    const options = await passage.webauthnSignInOptions(anna.account.email);
    assert.notDeepEqual(
      options.options.allowCredentials?.map((c) => c.id),
      [annaKey],
    );
    const stale = await getAssertion(page, {
      ...options.options,
      allowCredentials: [{ id: annaKey, type: 'public-key' }],
    });
    assert.deepEqual(
      await passage.login(
        {
          email: anna.account.email,
          password: anna.password,
          webauthn: { challengeId: options.challengeId, response: stale },
        },
        freshClient(),
      ),
      { ok: false, reason: 'invalid' },
    );
  });
});
