// Passage ID accounts (SPEC R1, R22, R24): invitations, creating the account with TOTP, signing in
// with a TOTP or recovery code, throttling and lockout, sessions and their expiry, changing the
// password and the recovery codes — and an audit trail that never holds a secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  INVITATION_VALID_MS,
  SESSION_IDLE_MS,
  SESSION_MAX_MS,
  type PassageService,
} from '../../src/identity/passage-service.ts';
import { createAccount, freshClient, hotp, passageFixture, totp, type PassageFixture } from './passage-fixture.ts';

const MINUTE = 60_000;
const RECOVERY_CODE = /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/;

let fixture: PassageFixture;
let passage: PassageService;
/** Every secret a test handled, to look for in the audit log at the end. */
const secrets = new Set<string>();

before(async () => {
  fixture = await passageFixture();
  passage = fixture.service();
  await fixture.identity.addOrganisation(
    { name: 'Huisartsenpraktijk De Linde', domain: 'delinde.nl' },
    { actor: 'cli:test' },
  );
});
after(() => fixture?.cleanup());

function remember<T extends { password?: string; secret?: string; recoveryCodes?: string[]; sessionToken?: string }>(
  created: T,
): T {
  for (const value of [created.password, created.secret, created.sessionToken, ...(created.recoveryCodes ?? [])])
    if (value) secrets.add(value);
  return created;
}

describe('the independent TOTP implementation', () => {
  it('gives the RFC 4226 Appendix D and RFC 6238 Appendix B values', () => {
    const key = Buffer.from('12345678901234567890');
    assert.deepEqual(
      [0, 1, 9].map((c) => hotp(key, c)),
      ['755224', '287082', '520489'],
    );
    assert.equal(hotp(key, Math.floor(59 / 30), 8), '94287082');
    assert.equal(hotp(key, Math.floor(1111111109 / 30), 8), '07081804');
    // Our TOTP helper with a base32 secret ("12345678901234567890" in base32).
    assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', new Date(59_000)), '287082');
  });
});

describe('invitations', () => {
  it('invites an operator without and admins and users with an organisation, by link with the token in the fragment', async () => {
    const operator = await passage.invite(
      { email: ' Beheer@Zorgpost.example ', role: 'operator' },
      { actor: 'cli:root' },
    );
    assert.equal(operator.email, 'beheer@zorgpost.example');
    assert.match(operator.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(operator.url, `https://portal.example/invite#${operator.token}`);
    assert.equal(operator.expiresAt.getTime() - fixture.clock.now.getTime(), INVITATION_VALID_MS);
    const admin = await passage.invite(
      { email: 'praktijkmanager@delinde.nl', role: 'admin', orgDomain: 'DeLinde.nl' },
      { actor: 'cli:root' },
    );
    assert.equal(admin.role, 'admin');
    secrets.add(operator.token).add(admin.token);

    const summary = await passage.inspectInvitation(admin.token);
    assert.equal(summary.email, 'praktijkmanager@delinde.nl');
    assert.equal(summary.role, 'admin');
    assert.deepEqual(
      { name: summary.organisation?.name, domain: summary.organisation?.domain },
      { name: 'Huisartsenpraktijk De Linde', domain: 'delinde.nl' },
    );
    assert.equal((await passage.inspectInvitation(operator.token)).organisation, null);

    const [record] = (await fixture.store.audit.list({ action: 'passage.invite' })).filter(
      (r) => r.detail?.email === 'praktijkmanager@delinde.nl',
    );
    assert.equal(record?.actor, 'cli:root');
    assert.equal(record?.detail?.role, 'admin');
    assert.equal(record?.detail?.organisation, 'delinde.nl');
  });

  it('refuses invitations that make no sense, with the reason', async () => {
    const by = { actor: 'cli:root' };
    await assert.rejects(passage.invite({ email: 'x@delinde.nl', role: 'user' }, by), {
      code: 'BADINPUT',
      message: /needs the organisation/,
    });
    await assert.rejects(passage.invite({ email: 'x@delinde.nl', role: 'admin', orgDomain: 'onbekend.nl' }, by), {
      code: 'NONEXISTENT',
      message: /No organisation has the domain onbekend\.nl/,
    });
    await assert.rejects(passage.invite({ email: 'x@delinde.nl', role: 'operator', orgDomain: 'delinde.nl' }, by), {
      code: 'BADINPUT',
      message: /operator invitation has no organisation/,
    });
    await assert.rejects(passage.invite({ email: 'not an address', role: 'operator' }, by), {
      code: 'BADINPUT',
      message: /not a valid e-mail address/,
    });
  });

  it('shows the same TOTP secret on every look, as an otpauth URI for the address', async () => {
    const invited = await passage.invite(
      { email: 'assistent@delinde.nl', role: 'user', orgDomain: 'delinde.nl' },
      { actor: 'cli:test' },
    );
    secrets.add(invited.token);
    const first = await passage.inspectInvitation(invited.token);
    const again = await passage.inspectInvitation(invited.token);
    assert.equal(again.totp.secret, first.totp.secret);
    secrets.add(first.totp.secret);
    assert.match(first.totp.secret, /^[A-Z2-7]{32}$/, '160 bits in base32');
    const uri = new URL(first.totp.uri);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(decodeURIComponent(uri.pathname), '/Zorgpost:assistent@delinde.nl');
    assert.equal(uri.searchParams.get('issuer'), 'Zorgpost');
    assert.equal(uri.searchParams.get('secret'), first.totp.secret);
    assert.equal(uri.searchParams.get('digits'), '6');
    assert.equal(uri.searchParams.get('period'), '30');
    // Stored sealed, never in the clear.
    const row = await fixture.store.passage.findInvitation(
      fixture.sealer.hashSecret('passage invitation', invited.token),
    );
    assert.ok(row?.sealedPendingTotp);
    assert.ok(!row.sealedPendingTotp.includes(first.totp.secret));
  });

  it('tells why a link does not work: not valid, already used, expired, replaced', async () => {
    await assert.rejects(passage.inspectInvitation('garbage'), { code: 'NONEXISTENT', message: /not valid/ });
    await assert.rejects(passage.inspectInvitation('A'.repeat(43)), { code: 'NONEXISTENT', message: /not valid/ });

    const old = await passage.invite(
      { email: 'laat@delinde.nl', role: 'user', orgDomain: 'delinde.nl' },
      { actor: 'cli:test' },
    );
    const replacement = await passage.invite(
      { email: 'laat@delinde.nl', role: 'user', orgDomain: 'delinde.nl' },
      { actor: 'cli:test' },
    );
    secrets.add(old.token).add(replacement.token);
    await assert.rejects(passage.inspectInvitation(old.token), { code: 'CANNOT', message: /expired/ });
    await passage.inspectInvitation(replacement.token);
    fixture.clock.advance(INVITATION_VALID_MS + MINUTE);
    try {
      await assert.rejects(passage.inspectInvitation(replacement.token), {
        code: 'CANNOT',
        message: /expired on \d{4}-\d\d-\d\d\. Ask for a new invitation/,
      });
      await assert.rejects(
        passage.acceptInvitation(
          { token: replacement.token, password: 'a long enough password', totpCode: '000000' },
          freshClient(),
        ),
        { message: /expired/ },
      );
    } finally {
      fixture.clock.advance(-(INVITATION_VALID_MS + MINUTE));
    }

    const created = remember(await createAccount(fixture, passage, 'gebruikt@delinde.nl', 'user', 'delinde.nl'));
    assert.equal(created.account.email, 'gebruikt@delinde.nl');
    await assert.rejects(
      passage.invite({ email: 'Gebruikt@delinde.nl', role: 'user', orgDomain: 'delinde.nl' }, { actor: 'cli:test' }),
      {
        code: 'ALREADYEXISTS',
      },
    );
  });
});

describe('accepting an invitation', () => {
  it('checks the password policy and the TOTP code, then creates the account with ten recovery codes and a session', async () => {
    const invited = await passage.invite(
      { email: 'dokter@delinde.nl', role: 'user', orgDomain: 'delinde.nl' },
      { actor: 'cli:test' },
    );
    secrets.add(invited.token);
    const client = freshClient();
    const accept = (password: string, totpCode: string) =>
      passage.acceptInvitation({ token: invited.token, password, totpCode }, client);

    await assert.rejects(accept('kort', '123456'), { code: 'CANNOT', message: /Open the invitation link first/ });
    const { totp: enrolment } = await passage.inspectInvitation(invited.token);
    secrets.add(enrolment.secret);
    await assert.rejects(accept('elf tekens.', totp(enrolment.secret, fixture.clock.now)), {
      code: 'BADINPUT',
      message: /at least 12 characters/,
    });
    await assert.rejects(accept('Dokter@DeLinde.nl', totp(enrolment.secret, fixture.clock.now)), {
      code: 'BADINPUT',
      message: /not be your e-mail address/,
    });
    const password = 'een goed wachtwoord voor de praktijk';
    secrets.add(password);
    const wrongCode = totp(enrolment.secret, fixture.clock.now, 5);
    secrets.add(wrongCode);
    await assert.rejects(accept(password, wrongCode), { code: 'AUTHENTICATIONFAILED', message: /not correct/ });
    // One step either side of now is accepted (a phone clock a little off).
    const code = totp(enrolment.secret, fixture.clock.now, -1);
    secrets.add(code);
    const created = await accept(password, code);
    secrets.add(created.session.token);
    for (const c of created.recoveryCodes) secrets.add(c);

    assert.deepEqual(
      { email: created.account.email, role: created.account.role },
      { email: 'dokter@delinde.nl', role: 'user' },
    );
    assert.equal(
      Object.keys(created.account).sort().join(),
      'createdAt,email,id,orgId,role',
      'no hashes or secrets leave the service',
    );
    assert.equal(created.recoveryCodes.length, 10);
    assert.equal(new Set(created.recoveryCodes).size, 10);
    for (const c of created.recoveryCodes) assert.match(c, RECOVERY_CODE);
    assert.equal(await passage.recoveryCodesLeft(created.account.id), 10);
    assert.equal(created.session.expiresAt.getTime() - fixture.clock.now.getTime(), SESSION_MAX_MS);
    const signedIn = await passage.authenticate(created.session.token);
    assert.equal(signedIn?.account.email, 'dokter@delinde.nl');
    assert.equal(signedIn?.session.remoteAddress, client.remoteAddress);
    assert.equal(signedIn?.session.userAgent, 'node:test');

    await assert.rejects(accept(password, totp(enrolment.secret, fixture.clock.now)), {
      message: /already exists|already been used/,
    });
    await assert.rejects(passage.inspectInvitation(invited.token), { message: /already exists|already been used/ });
    // The enrolment code does not sign in a second time.
    assert.deepEqual(await passage.login({ email: 'dokter@delinde.nl', password, code }, freshClient()), {
      ok: false,
      reason: 'invalid',
    });

    const [record] = (await fixture.store.audit.list({ action: 'passage.account.create' })).filter(
      (r) => r.actor === 'passage:dokter@delinde.nl',
    );
    assert.equal(record?.remoteAddress, client.remoteAddress);
    assert.equal(record?.detail?.invitedBy, 'cli:test');
    const failures = (await fixture.store.audit.list({ action: 'passage.account.create.failure' })).filter(
      (r) => r.actor === 'passage:dokter@delinde.nl',
    );
    assert.deepEqual(
      failures.map((r) => r.detail?.reason),
      ['totp'],
    );
    const stored = await fixture.store.passage.findAccount({ email: 'dokter@delinde.nl' });
    assert.match(stored!.passwordHash, /^\$argon2id\$/);
    assert.ok(!stored!.sealedTotpSecret.includes(enrolment.secret));
    fixture.clock.advance(30_000);
  });

  it('throttles wrong codes per invitation', async () => {
    const invited = await passage.invite(
      { email: 'gok@delinde.nl', role: 'user', orgDomain: 'delinde.nl' },
      { actor: 'cli:test' },
    );
    secrets.add(invited.token);
    const { totp: enrolment } = await passage.inspectInvitation(invited.token);
    secrets.add(enrolment.secret);
    const password = 'een ander goed wachtwoord';
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        passage.acceptInvitation({ token: invited.token, password, totpCode: '000000' }, freshClient()),
        { code: 'AUTHENTICATIONFAILED' },
      );
    }
    // Locked even with the right code, from any address.
    await assert.rejects(
      passage.acceptInvitation(
        { token: invited.token, password, totpCode: totp(enrolment.secret, fixture.clock.now) },
        freshClient(),
      ),
      { code: 'LIMIT', message: /Too many failed attempts: try again in \d+ minutes?/ },
    );
    assert.ok((await fixture.store.audit.list({ action: 'passage.account.create.throttled' })).length >= 1);
    // A fresh service (the window passed) lets the right code through.
    const created = await fixture
      .service()
      .acceptInvitation(
        { token: invited.token, password, totpCode: totp(enrolment.secret, fixture.clock.now) },
        freshClient(),
      );
    secrets.add(created.session.token);
    assert.equal(created.account.email, 'gok@delinde.nl');
    fixture.clock.advance(30_000);
  });
});

describe('signing in', () => {
  it('takes a password and a current TOTP code, once per code', async () => {
    const a = remember(await createAccount(fixture, passage, 'inlog@delinde.nl', 'user', 'delinde.nl'));
    const code = totp(a.secret, fixture.clock.now);
    const result = await passage.login(
      { email: 'Inlog@DeLinde.nl ', password: a.password, code: `${code.slice(0, 3)} ${code.slice(3)}` },
      freshClient(),
    );
    assert.ok(result.ok);
    secrets.add(result.session.token);
    assert.equal(result.usedRecoveryCode, false);
    assert.equal(result.recoveryCodesLeft, 10);
    assert.equal(result.account.email, 'inlog@delinde.nl');
    assert.equal((await passage.authenticate(result.session.token))?.account.id, a.account.id);
    // The same code again, within its window: refused (RFC 6238 §5.2).
    assert.deepEqual(await passage.login({ email: 'inlog@delinde.nl', password: a.password, code }, freshClient()), {
      ok: false,
      reason: 'invalid',
    });
    // The next step's code works.
    fixture.clock.advance(30_000);
    assert.ok(
      (
        await passage.login(
          { email: 'inlog@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now) },
          freshClient(),
        )
      ).ok,
    );
    const logins = (await fixture.store.audit.list({ action: 'passage.login' })).filter(
      (r) => r.actor === 'passage:inlog@delinde.nl',
    );
    assert.equal(logins.length, 2);
    assert.equal(logins[0]?.detail?.secondFactor, 'totp');
    const reasons = (await fixture.store.audit.list({ action: 'passage.login.failure' }))
      .filter((r) => r.actor === 'passage:inlog@delinde.nl')
      .map((r) => r.detail?.reason);
    assert.deepEqual(reasons, ['totp-reused']);
  });

  it('answers the same for an unknown address, a wrong password and a wrong code', async () => {
    const a = remember(await createAccount(fixture, passage, 'zelfde@delinde.nl', 'user', 'delinde.nl'));
    const code = totp(a.secret, fixture.clock.now);
    const attempts = [
      { email: 'niemand@delinde.nl', password: a.password, code },
      { email: 'zelfde@delinde.nl', password: 'fout wachtwoord!!', code },
      { email: 'zelfde@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now, 3) },
      { email: 'zelfde@delinde.nl', password: a.password, code: 'aaaa-bbbb-cccc' },
    ];
    for (const attempt of attempts)
      assert.deepEqual(await passage.login(attempt, freshClient()), { ok: false, reason: 'invalid' });
    const failures = await fixture.store.audit.list({ action: 'passage.login.failure' });
    assert.deepEqual(
      failures.slice(-4).map((r) => [r.actor, r.detail?.reason]),
      [
        ['passage:niemand@delinde.nl', 'unknown-account'],
        ['passage:zelfde@delinde.nl', 'password'],
        ['passage:zelfde@delinde.nl', 'totp'],
        ['passage:zelfde@delinde.nl', 'recovery-code'],
      ],
    );
  });

  it('accepts each recovery code once, in any case and with or without dashes', async () => {
    const a = remember(await createAccount(fixture, passage, 'herstel@delinde.nl', 'user', 'delinde.nl'));
    const [first, second] = a.recoveryCodes as [string, string];
    const client = freshClient();
    const used = await passage.login(
      { email: 'herstel@delinde.nl', password: a.password, code: first.toUpperCase().replaceAll('-', '') },
      client,
    );
    assert.ok(used.ok);
    secrets.add(used.session.token);
    assert.equal(used.usedRecoveryCode, true);
    assert.equal(used.recoveryCodesLeft, 9);
    assert.deepEqual(await passage.login({ email: 'herstel@delinde.nl', password: a.password, code: first }, client), {
      ok: false,
      reason: 'invalid',
    });
    const next = await passage.login(
      { email: 'herstel@delinde.nl', password: a.password, code: ` ${second} ` },
      client,
    );
    assert.ok(next.ok && next.recoveryCodesLeft === 8);
    assert.equal(await passage.recoveryCodesLeft(a.account.id), 8);
    const [record] = (await fixture.store.audit.list({ action: 'passage.login' })).filter(
      (r) => r.actor === 'passage:herstel@delinde.nl',
    );
    assert.equal(record?.detail?.secondFactor, 'recovery-code');
  });

  it('locks an account after repeated failures, even with the right password and code', async () => {
    const service = fixture.service();
    const a = remember(await createAccount(fixture, service, 'slot@delinde.nl', 'user', 'delinde.nl'));
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(
        await service.login({ email: 'slot@delinde.nl', password: 'fout wachtwoord!!', code: '123456' }, freshClient()),
        { ok: false, reason: 'invalid' },
      );
    }
    const locked = await service.login(
      { email: 'slot@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now) },
      freshClient(),
    );
    assert.equal(locked.ok, false);
    assert.ok(!locked.ok && locked.reason === 'throttled' && locked.retryAfterSeconds > 0);
    const throttled = (await fixture.store.audit.list({ action: 'passage.login.throttled' })).filter(
      (r) => r.actor === 'passage:slot@delinde.nl',
    );
    assert.equal(throttled.length, 1);
    // Unknown addresses are counted too, by the address typed.
    for (let i = 0; i < 3; i++)
      await service.login({ email: 'spook@delinde.nl', password: 'x', code: '1' }, freshClient());
    const ghost = await service.login({ email: 'spook@delinde.nl', password: 'x', code: '1' }, freshClient());
    assert.ok(!ghost.ok && ghost.reason === 'throttled');
  });

  it('throttles a source address that tries many accounts, not other addresses', async () => {
    const service = fixture.service();
    const a = remember(await createAccount(fixture, service, 'adres@delinde.nl', 'user', 'delinde.nl'));
    const attacker = freshClient();
    for (let i = 0; i < 6; i++)
      await service.login({ email: `gok${i}@delinde.nl`, password: 'wachtwoord', code: '123456' }, attacker);
    const blocked = await service.login(
      { email: 'adres@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now) },
      attacker,
    );
    assert.ok(!blocked.ok && blocked.reason === 'throttled');
    const elsewhere = await service.login(
      { email: 'adres@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now) },
      freshClient(),
    );
    assert.ok(elsewhere.ok);
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes; activity keeps them alive, bumping last-seen at most once a minute', async () => {
    const a = remember(await createAccount(fixture, passage, 'sessie@delinde.nl', 'user', 'delinde.nl'));
    const start = (await passage.authenticate(a.sessionToken))!.session;
    fixture.clock.advance(20_000);
    assert.equal(
      (await passage.authenticate(a.sessionToken))?.session.lastSeenAt.getTime(),
      start.lastSeenAt.getTime(),
      'no write within a minute',
    );
    fixture.clock.advance(25 * MINUTE);
    const touched = (await passage.authenticate(a.sessionToken))!.session;
    assert.equal(touched.lastSeenAt.getTime(), fixture.clock.now.getTime());
    fixture.clock.advance(SESSION_IDLE_MS - 1000);
    assert.ok(await passage.authenticate(a.sessionToken));
    fixture.clock.advance(SESSION_IDLE_MS);
    assert.equal(await passage.authenticate(a.sessionToken), null);
    assert.equal(await passage.authenticate(a.sessionToken), null, 'and it is gone');
    assert.deepEqual(await passage.listSessions(a.account.id), []);
  });

  it('end 12 hours after sign-in however active', async () => {
    const a = remember(await createAccount(fixture, passage, 'lang@delinde.nl', 'user', 'delinde.nl'));
    for (let elapsed = 0; elapsed < SESSION_MAX_MS - 30 * 1000 - 20 * MINUTE; elapsed += 20 * MINUTE) {
      fixture.clock.advance(20 * MINUTE);
      assert.ok(await passage.authenticate(a.sessionToken), `alive after ${elapsed / MINUTE + 20} minutes`);
    }
    fixture.clock.advance(20 * MINUTE);
    assert.equal(await passage.authenticate(a.sessionToken), null);
    assert.equal(await passage.authenticate('not a token'), null);
    assert.equal(await passage.authenticate('B'.repeat(43)), null);
  });

  it('are listed, revoked one by one or all at once, and end with logout', async () => {
    const a = remember(await createAccount(fixture, passage, 'lijst@delinde.nl', 'user', 'delinde.nl'));
    const other = remember(await createAccount(fixture, passage, 'ander@delinde.nl', 'user', 'delinde.nl'));
    const tokens = [a.sessionToken];
    for (let i = 0; i < 3; i++) {
      const result = await passage.login(
        { email: 'lijst@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now) },
        freshClient(),
      );
      assert.ok(result.ok);
      secrets.add(result.session.token);
      tokens.push(result.session.token);
      fixture.clock.advance(30_000);
    }
    const ids = await Promise.all(tokens.map(async (t) => (await passage.authenticate(t))!.session.id));
    assert.equal((await passage.listSessions(a.account.id)).length, 4);
    assert.ok((await passage.listSessions(a.account.id)).every((s) => !('tokenHash' in s)));

    const by = { actor: 'passage:lijst@delinde.nl', remoteAddress: '198.51.100.200' };
    await passage.revokeSession(a.account.id, ids[1]!, by);
    assert.equal(await passage.authenticate(tokens[1]!), null);
    await assert.rejects(passage.revokeSession(a.account.id, ids[1]!, by), { code: 'NONEXISTENT' });
    const othersSession = (await passage.authenticate(other.sessionToken))!.session.id;
    await assert.rejects(
      passage.revokeSession(a.account.id, othersSession, by),
      { code: 'NONEXISTENT' },
      "not another account's session",
    );
    assert.ok(await passage.authenticate(other.sessionToken));

    await passage.logout(tokens[2]!);
    assert.equal(await passage.authenticate(tokens[2]!), null);
    await passage.logout(tokens[2]!);
    assert.equal(
      (await fixture.store.audit.list({ action: 'passage.logout' })).filter(
        (r) => r.actor === 'passage:lijst@delinde.nl',
      ).length,
      1,
    );

    assert.equal(await passage.revokeOtherSessions(a.account.id, ids[0]!, by), 1);
    assert.deepEqual(
      (await passage.listSessions(a.account.id)).map((s) => s.id),
      [ids[0]],
    );
    assert.equal(await passage.revokeOtherSessions(a.account.id, null, by), 1, 'sign out everywhere');
    assert.equal(await passage.authenticate(tokens[0]!), null);
    assert.ok(await passage.authenticate(other.sessionToken));
    const revokes = (await fixture.store.audit.list({ action: 'passage.session.revoke-all' })).filter(
      (r) => r.actor === by.actor,
    );
    assert.deepEqual(
      revokes.map((r) => [r.remoteAddress, r.detail?.count]),
      [
        ['198.51.100.200', 1],
        ['198.51.100.200', 1],
      ],
    );
  });
});

describe('account security', () => {
  it('changes the password with the current one, ending the other sessions', async () => {
    const a = remember(await createAccount(fixture, passage, 'wissel@delinde.nl', 'user', 'delinde.nl'));
    const second = await passage.login(
      { email: 'wissel@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now) },
      freshClient(),
    );
    assert.ok(second.ok);
    secrets.add(second.session.token);
    fixture.clock.advance(30_000);
    const keep = (await passage.authenticate(a.sessionToken))!.session.id;
    const next = 'een gloednieuw wachtwoord';
    secrets.add(next);

    await assert.rejects(passage.changePassword(a.account, { current: 'verkeerd wachtwoord', next }, freshClient()), {
      code: 'AUTHENTICATIONFAILED',
      message: /current password/,
    });
    await assert.rejects(passage.changePassword(a.account, { current: a.password, next: 'te kort' }, freshClient()), {
      code: 'BADINPUT',
    });
    await assert.rejects(passage.changePassword(a.account, { current: a.password, next: a.password }, freshClient()), {
      code: 'BADINPUT',
      message: /differ/,
    });
    await passage.changePassword(a.account, { current: a.password, next, keepSessionId: keep }, freshClient());
    assert.ok(await passage.authenticate(a.sessionToken), 'the session that asked stays');
    assert.equal(await passage.authenticate(second.session.token), null);

    assert.deepEqual(
      await passage.login(
        { email: 'wissel@delinde.nl', password: a.password, code: totp(a.secret, fixture.clock.now) },
        freshClient(),
      ),
      { ok: false, reason: 'invalid' },
    );
    fixture.clock.advance(30_000);
    assert.ok(
      (
        await passage.login(
          { email: 'wissel@delinde.nl', password: next, code: totp(a.secret, fixture.clock.now) },
          freshClient(),
        )
      ).ok,
    );
    assert.equal(
      (await fixture.store.audit.list({ action: 'passage.password.change' })).filter(
        (r) => r.actor === 'passage:wissel@delinde.nl',
      ).length,
      1,
    );
    assert.equal(
      (await fixture.store.audit.list({ action: 'passage.password.change.failure' })).filter(
        (r) => r.actor === 'passage:wissel@delinde.nl',
      ).length,
      1,
    );
    fixture.clock.advance(30_000);
  });

  it('regenerates recovery codes with a TOTP code; the old ones stop working', async () => {
    const a = remember(await createAccount(fixture, passage, 'codes@delinde.nl', 'user', 'delinde.nl'));
    // Its own throttle counters: these failures would otherwise lock the sign-ins below.
    const elsewhere = fixture.service();
    await assert.rejects(elsewhere.regenerateRecoveryCodes(a.account, '000000', freshClient()), {
      code: 'AUTHENTICATIONFAILED',
    });
    await assert.rejects(
      elsewhere.regenerateRecoveryCodes(a.account, a.recoveryCodes[0]!, freshClient()),
      { code: 'AUTHENTICATIONFAILED' },
      'not with a recovery code',
    );
    assert.equal(await passage.recoveryCodesLeft(a.account.id), 10);
    const codes = await passage.regenerateRecoveryCodes(a.account, totp(a.secret, fixture.clock.now), freshClient());
    for (const c of codes) secrets.add(c);
    assert.equal(codes.length, 10);
    for (const c of codes) assert.match(c, RECOVERY_CODE);
    assert.equal(codes.filter((c) => a.recoveryCodes.includes(c)).length, 0);
    assert.equal(await passage.recoveryCodesLeft(a.account.id), 10);
    assert.deepEqual(
      await passage.login(
        { email: 'codes@delinde.nl', password: a.password, code: a.recoveryCodes[1]! },
        freshClient(),
      ),
      { ok: false, reason: 'invalid' },
    );
    const login = await passage.login(
      { email: 'codes@delinde.nl', password: a.password, code: codes[0]! },
      freshClient(),
    );
    assert.ok(login.ok && login.recoveryCodesLeft === 9);
    assert.equal(
      (await fixture.store.audit.list({ action: 'passage.recovery-codes.regenerate' })).filter(
        (r) => r.actor === 'passage:codes@delinde.nl',
      ).length,
      1,
    );
  });

  it('disables an account (no sign-in, sessions end at once) and enables it again', async () => {
    const a = remember(await createAccount(fixture, passage, 'vertrokken@delinde.nl', 'user', 'delinde.nl'));
    assert.ok(await passage.authenticate(a.sessionToken));
    await passage.setDisabled('Vertrokken@delinde.nl', true, { actor: 'cli:test' });
    assert.equal(await passage.authenticate(a.sessionToken), null, 'the open session ended');
    const refused = await passage.login({ email: a.account.email, password: a.password, code: totp(a.secret, fixture.clock.now) }, freshClient());
    assert.deepEqual(refused, { ok: false, reason: 'invalid' });
    assert.equal((await passage.listAccounts()).find((x) => x.email === a.account.email)?.disabledAt instanceof Date, true);
    fixture.clock.advance(30_000);
    await passage.setDisabled(a.account.email, false, { actor: 'cli:test' });
    const back = await passage.login({ email: a.account.email, password: a.password, code: totp(a.secret, fixture.clock.now) }, freshClient());
    assert.ok(back.ok, 'enabled again, the same password and TOTP work');
    secrets.add(back.session.token);
    const actions = (await fixture.store.audit.list({ limit: 100_000 })).map((r) => r.action);
    assert.ok(actions.includes('passage.account.disable') && actions.includes('passage.account.enable'));
    await assert.rejects(passage.setDisabled('niemand@delinde.nl', true, { actor: 'cli:test' }), /No Passage ID/);
  });

  it('lists accounts and finds one by address for the CLI', async () => {
    const list = await passage.listAccounts();
    const dokter = list.find((a) => a.email === 'dokter@delinde.nl');
    assert.deepEqual(
      { role: dokter?.role, organisation: dokter?.organisation, linked: dokter?.linkedMailboxes },
      { role: 'user', organisation: 'delinde.nl', linked: 0 },
    );
    assert.deepEqual(
      list.map((a) => a.email),
      [...list.map((a) => a.email)].sort(),
    );
    assert.equal((await passage.findAccount('DOKTER@delinde.nl'))?.email, 'dokter@delinde.nl');
    assert.equal(await passage.findAccount('niemand@delinde.nl'), null);
  });
});

describe('the audit trail', () => {
  it('never holds a password, code, token or TOTP secret', async () => {
    const rows = await fixture.store.audit.list({ limit: 100_000 });
    assert.ok(rows.length > 50);
    // What a record says (not its time or chain hashes, where six digits can occur by chance).
    const text = JSON.stringify(rows.map((r) => [r.actor, r.action, r.mailboxId, r.remoteAddress, r.detail]));
    assert.ok(secrets.size > 40);
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `the audit log contains a secret (${secret.slice(0, 3)}…)`);
    for (const secret of secrets) {
      if (/^[2-9a-z]{4}-/.test(secret)) assert.ok(!text.includes(secret.replaceAll('-', '')));
    }
  });
});
