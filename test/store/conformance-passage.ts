// The store conformance suite, Passage ID part (SPEC R1, R2): invitations, accounts with their
// recovery codes and sessions, mailbox links and activation codes — single use under the store's
// own conditions, and every multi-row change committed with its audit records or not at all.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { NewPassageAccount, Store } from '../../src/store/store.ts';
import type { Mailbox } from '../../src/identity/types.ts';

const HOUR = 3_600_000;

export function passageConformance(getStore: () => Store): void {
  describe('Passage ID', () => {
    let store: Store;
    let orgId: number;
    let shared: Mailbox;
    let own: Mailbox;
    const t0 = new Date(1_800_000_000_000);
    const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);
    const session = (tokenHash: string, hours = 0) => ({
      tokenHash,
      createdAt: at(hours),
      lastSeenAt: at(hours),
      expiresAt: at(hours + 12),
      remoteAddress: '192.0.2.1',
      userAgent: 'test',
    });
    const invite = (tokenHash: string, email: string) =>
      store.passage.insertInvitation(
        { tokenHash, email, role: 'user', orgId, invitedBy: 'cli:test', createdAt: t0, expiresAt: at(7 * 24) },
        (created) => ({ actor: 'cli:test', action: 'conformance.invite', detail: { id: created.id } }),
      );
    const account = (invitationId: number, email: string, tokenHash: string): NewPassageAccount => ({
      invitationId,
      email,
      passwordHash: 'argon-hash',
      sealedTotpSecret: 'sealed',
      totpLastStep: 5,
      role: 'user',
      orgId,
      createdAt: at(1),
      recoveryCodeHashes: ['r1', 'r2', 'r3'],
      session: session(tokenHash, 1),
    });

    before(async () => {
      store = getStore();
      const org = await store.accounts.insertOrganisation({ name: 'Passage', domain: 'passage.test' });
      orgId = org.id;
      shared = await store.accounts.insertMailbox(
        { orgId, address: 'balie@passage.test', displayName: 'Balie', klantnummer: '500000101', quotaBytes: null },
        [],
      );
      own = await store.accounts.insertMailbox(
        { orgId, address: 'arts@passage.test', displayName: 'Arts', klantnummer: '500000102', quotaBytes: null },
        [],
      );
    });

    it('creates an account from an invitation once, with its codes, session and audit record', async () => {
      const first = await invite('inv-1', 'a@passage.test');
      const second = await invite('inv-2', 'a@passage.test');
      // A new invitation for the same address replaces the unused earlier one.
      assert.ok((await store.passage.findInvitation('inv-1'))!.expiresAt <= t0);
      assert.equal((await store.passage.findInvitation('inv-2'))!.expiresAt.getTime(), at(7 * 24).getTime());
      assert.equal((await store.audit.list({ action: 'conformance.invite' })).length, 2);

      assert.equal(await store.passage.setPendingTotp(second.id, 'secret-1'), 'secret-1');
      assert.equal(await store.passage.setPendingTotp(second.id, 'secret-2'), 'secret-1', 'the first secret stays');
      assert.equal((await store.passage.findInvitation('inv-2'))!.sealedPendingTotp, 'secret-1');

      assert.equal(
        await store.passage.createAccount(account(first.id, 'a@passage.test', 's-0'), () => []),
        null,
        'a replaced invitation is unusable',
      );
      const created = await store.passage.createAccount(account(second.id, 'a@passage.test', 's-1'), (a, s) => [
        {
          actor: 'passage:a@passage.test',
          action: 'conformance.account',
          detail: { accountId: a.id, sessionId: s.id },
        },
      ]);
      assert.ok(created);
      assert.deepEqual(
        {
          email: created.account.email,
          role: created.account.role,
          orgId: created.account.orgId,
          step: created.account.totpLastStep,
        },
        { email: 'a@passage.test', role: 'user', orgId, step: 5 },
      );
      assert.equal(created.session.accountId, created.account.id);
      assert.equal((await store.passage.findInvitation('inv-2'))!.usedAt?.getTime(), at(1).getTime());
      assert.equal(await store.passage.countRecoveryCodes(created.account.id), 3);
      assert.deepEqual((await store.audit.list({ action: 'conformance.account' }))[0]!.detail, {
        accountId: created.account.id,
        sessionId: created.session.id,
      });
      assert.equal(
        await store.passage.createAccount(account(second.id, 'a@passage.test', 's-2'), () => []),
        null,
        'single use',
      );

      // Another invitation for an address that has an account: refused, and nothing half-done.
      const third = await invite('inv-3', 'a@passage.test');
      await assert.rejects(
        store.passage.createAccount(account(third.id, 'a@passage.test', 's-3'), () => []),
        { code: 'ALREADYEXISTS' },
      );
      assert.equal((await store.passage.findInvitation('inv-3'))!.usedAt, null);
      assert.equal(await store.passage.findSession('s-3'), null);
      assert.equal((await store.passage.findAccount({ email: 'a@passage.test' }))?.id, created.account.id);
      assert.equal((await store.passage.findAccount({ id: created.account.id }))?.email, 'a@passage.test');
    });

    it('accepts each TOTP step once and each recovery code once', async () => {
      const a = (await store.passage.findAccount({ email: 'a@passage.test' }))!;
      assert.equal(await store.passage.acceptTotpStep(a.id, 5), false);
      assert.equal(await store.passage.acceptTotpStep(a.id, 4), false);
      assert.equal(await store.passage.acceptTotpStep(a.id, 6), true);
      assert.equal(await store.passage.acceptTotpStep(a.id, 6), false);
      assert.equal(await store.passage.useRecoveryCode(a.id, 'r2', at(2)), true);
      assert.equal(await store.passage.useRecoveryCode(a.id, 'r2', at(2)), false);
      assert.equal(await store.passage.useRecoveryCode(a.id, 'nope', at(2)), false);
      assert.equal(await store.passage.countRecoveryCodes(a.id), 2);
      await store.passage.replaceRecoveryCodes(
        a.id,
        ['n1', 'n2', 'n3', 'n4'],
        [{ actor: 'x', action: 'conformance.codes' }],
      );
      assert.equal(await store.passage.countRecoveryCodes(a.id), 4);
      assert.equal(await store.passage.useRecoveryCode(a.id, 'r1', at(2)), false, 'old codes are gone');
      assert.equal((await store.audit.list({ action: 'conformance.codes' })).length, 1);
    });

    it('keeps sessions: insert dropping stale ones, touch, list, delete some or all but one', async () => {
      const a = (await store.passage.findAccount({ email: 'a@passage.test' }))!;
      const s2 = await store.passage.insertSession(
        { ...session('s-4', 2), accountId: a.id },
        (s) => [{ actor: 'x', action: 'conformance.login', detail: { id: s.id } }],
        at(1.5),
      );
      // s-1 (last seen at hour 1) was stale by hour 1.5 and is gone.
      assert.equal(await store.passage.findSession('s-1'), null);
      assert.equal((await store.passage.findSession('s-4'))?.id, s2.id);
      const s3 = await store.passage.insertSession({ ...session('s-5', 3), accountId: a.id }, () => [], at(0));
      await store.passage.touchSession(s2.id, at(4));
      await store.passage.touchSession(s2.id, at(3.5));
      assert.equal((await store.passage.findSession('s-4'))?.lastSeenAt.getTime(), at(4).getTime(), 'never moves back');
      assert.deepEqual(
        (await store.passage.listSessions(a.id)).map((s) => s.id),
        [s2.id, s3.id],
      );
      const s4 = await store.passage.insertSession({ ...session('s-6', 3), accountId: a.id }, () => [], at(0));

      assert.equal(
        await store.passage.deleteSessions(a.id, { ids: [s3.id] }, (n) => [
          { actor: 'x', action: 'conformance.revoke', detail: { n } },
        ]),
        1,
      );
      assert.equal(await store.passage.deleteSessions(a.id, { ids: [s3.id] }), 0);
      assert.equal(await store.passage.deleteSessions(a.id, { ids: [] }), 0);
      assert.equal(await store.passage.deleteSessions(a.id, { allExcept: s4.id }), 1);
      assert.deepEqual(
        (await store.passage.listSessions(a.id)).map((s) => s.id),
        [s4.id],
      );
      assert.equal(
        await store.passage.setPassword(a.id, 'new-hash', null, [{ actor: 'x', action: 'conformance.password' }]),
        1,
      );
      assert.equal((await store.passage.findAccount({ id: a.id }))?.passwordHash, 'new-hash');
      assert.deepEqual(await store.passage.listSessions(a.id), []);
      assert.deepEqual(
        (await store.audit.list({ action: 'conformance.revoke' })).map((r) => r.detail),
        [{ n: 1 }],
      );
    });

    it('disables an account, ending its sessions, and enables it again', async () => {
      const a = (await store.passage.findAccount({ email: 'a@passage.test' }))!;
      await store.passage.insertSession({ ...session('s-7', 5), accountId: a.id }, () => [], at(0));
      assert.equal(await store.passage.setDisabled(a.id, at(6), [{ actor: 'x', action: 'conformance.disable' }]), 1);
      assert.equal((await store.passage.findAccount({ id: a.id }))?.disabledAt?.getTime(), at(6).getTime());
      assert.deepEqual(await store.passage.listSessions(a.id), []);
      assert.equal(await store.passage.setDisabled(a.id, null, [{ actor: 'x', action: 'conformance.enable' }]), 0);
      assert.equal((await store.passage.findAccount({ id: a.id }))?.disabledAt, null);
      assert.equal((await store.audit.list({ action: 'conformance.disable' })).length, 1);
    });

    it('links a mailbox to several accounts and an account to several mailboxes, with single-use activation codes', async () => {
      const a = (await store.passage.findAccount({ email: 'a@passage.test' }))!;
      const inv = await invite('inv-b', 'b@passage.test');
      const b = (await store.passage.createAccount(account(inv.id, 'b@passage.test', 's-b'), () => []))!.account;

      const old = await store.mailboxLinks.insertActivation(
        { mailboxId: shared.id, codeHash: 'code-old', createdAt: t0, expiresAt: at(720) },
        { actor: 'x', action: 'conformance.activation' },
      );
      const current = await store.mailboxLinks.insertActivation(
        { mailboxId: shared.id, codeHash: 'code-1', createdAt: t0, expiresAt: at(720) },
        { actor: 'x', action: 'conformance.activation' },
      );
      assert.equal(
        await store.mailboxLinks.findActivation(shared.id, 'code-old'),
        null,
        'a new code replaces the unused old one',
      );
      assert.ok(old.id !== current.id);
      assert.equal((await store.mailboxLinks.findActivation(shared.id, 'code-1'))?.id, current.id);
      assert.equal(await store.mailboxLinks.findActivation(own.id, 'code-1'), null);

      const linked = await store.mailboxLinks.link(
        { accountId: a.id, mailboxId: shared.id, activationId: current.id, at: at(2) },
        [{ actor: 'x', action: 'conformance.link', mailboxId: shared.id }],
      );
      assert.equal(linked?.linkedAt.getTime(), at(2).getTime());
      assert.equal((await store.mailboxLinks.findActivation(shared.id, 'code-1'))?.usedAt?.getTime(), at(2).getTime());
      assert.equal(
        await store.mailboxLinks.link(
          { accountId: b.id, mailboxId: shared.id, activationId: current.id, at: at(2) },
          [],
        ),
        null,
        'single use',
      );

      const second = await store.mailboxLinks.insertActivation(
        { mailboxId: shared.id, codeHash: 'code-2', createdAt: t0, expiresAt: at(720) },
        { actor: 'x', action: 'conformance.activation' },
      );
      assert.ok((await store.mailboxLinks.findActivation(shared.id, 'code-1'))?.usedAt, 'used codes stay on record');
      // Linking twice fails and rolls back: the code stays unused.
      await assert.rejects(
        store.mailboxLinks.link({ accountId: a.id, mailboxId: shared.id, activationId: second.id, at: at(3) }, []),
        { code: 'ALREADYEXISTS' },
      );
      assert.equal((await store.mailboxLinks.findActivation(shared.id, 'code-2'))?.usedAt, null);
      assert.equal(
        await store.mailboxLinks.link(
          { accountId: b.id, mailboxId: shared.id, activationId: second.id, at: at(800) },
          [],
        ),
        null,
        'expired',
      );
      assert.ok(
        await store.mailboxLinks.link(
          { accountId: b.id, mailboxId: shared.id, activationId: second.id, at: at(3) },
          [],
        ),
      );
      assert.ok(
        await store.mailboxLinks.link({ accountId: a.id, mailboxId: own.id, activationId: null, at: at(4) }, []),
      );

      assert.deepEqual(
        await store.mailboxLinks.listAccountIds(shared.id),
        [a.id, b.id].sort((x, y) => x - y),
      );
      assert.deepEqual(
        (await store.mailboxLinks.listLinked(a.id)).map((m) => m.address),
        ['arts@passage.test', 'balie@passage.test'],
      );
      assert.deepEqual(
        (await store.mailboxLinks.listLinked(b.id)).map((m) => m.klantnummer),
        ['500000101'],
      );
      assert.equal((await store.mailboxLinks.findLinked(b.id, shared.id))?.linkedAt.getTime(), at(3).getTime());
      assert.equal(await store.mailboxLinks.findLinked(b.id, own.id), null);
      const counts = new Map((await store.passage.listAccounts()).map((x) => [x.email, x.linkedMailboxes]));
      assert.deepEqual([counts.get('a@passage.test'), counts.get('b@passage.test')], [2, 1]);

      assert.equal(
        await store.mailboxLinks.unlink(b.id, shared.id, [{ actor: 'x', action: 'conformance.unlink' }]),
        true,
      );
      assert.equal(
        await store.mailboxLinks.unlink(b.id, shared.id, [{ actor: 'x', action: 'conformance.unlink' }]),
        false,
      );
      assert.equal((await store.audit.list({ action: 'conformance.unlink' })).length, 1);
      assert.deepEqual(await store.mailboxLinks.listAccountIds(shared.id), [a.id]);
      assert.equal((await store.audit.list({ action: 'conformance.link' })).length, 1);
    });

    it('keeps security keys (WebAuthn): unique credential IDs, counters that only go up, removal per account', async () => {
      const a = (await store.passage.findAccount({ email: 'a@passage.test' }))!;
      const b = (await store.passage.findAccount({ email: 'b@passage.test' }))!;
      const key = (credentialId: string, accountId: number, hours: number) => ({
        accountId,
        credentialId,
        publicKey: 'pQECAyYgASFYIA',
        counter: 0,
        transports: ['nfc', 'usb'],
        name: `Sleutel ${credentialId}`,
        createdAt: at(hours),
      });
      const first = await store.passageWebauthn.insert(key('cred-1', a.id, 2), (c) => [
        { actor: 'x', action: 'conformance.webauthn.register', detail: { id: c.id } },
      ]);
      assert.deepEqual(
        { ...first, id: 0 },
        { ...key('cred-1', a.id, 2), id: 0, lastUsedAt: null },
      );
      const second = await store.passageWebauthn.insert({ ...key('cred-2', a.id, 3), transports: [] }, () => []);
      assert.deepEqual(second.transports, []);
      await store.passageWebauthn.insert(key('cred-3', b.id, 1), () => []);
      // One credential ID belongs to one account: registered again (anywhere) it is refused, unwritten.
      await assert.rejects(
        store.passageWebauthn.insert(key('cred-1', b.id, 4), () => [{ actor: 'x', action: 'conformance.webauthn.register' }]),
        { code: 'ALREADYEXISTS' },
      );
      assert.deepEqual(
        (await store.audit.list({ action: 'conformance.webauthn.register' })).map((r) => r.detail),
        [{ id: first.id }],
      );
      assert.deepEqual(
        (await store.passageWebauthn.list(a.id)).map((c) => c.credentialId),
        ['cred-1', 'cred-2'],
        'oldest first',
      );
      assert.equal((await store.passageWebauthn.findByCredentialId('cred-3'))?.accountId, b.id);
      assert.equal(await store.passageWebauthn.findByCredentialId('nope'), null);

      // An authenticator without a counter stays at 0; one with a counter must go up every time.
      assert.equal(await store.passageWebauthn.recordUse(first.id, 0, at(5)), true);
      assert.equal((await store.passageWebauthn.findByCredentialId('cred-1'))?.lastUsedAt?.getTime(), at(5).getTime());
      assert.equal(await store.passageWebauthn.recordUse(first.id, 7, at(6)), true);
      assert.equal(await store.passageWebauthn.recordUse(first.id, 7, at(7)), false, 'the same counter twice');
      assert.equal(await store.passageWebauthn.recordUse(first.id, 3, at(7)), false, 'a lower counter');
      assert.equal(await store.passageWebauthn.recordUse(first.id, 0, at(7)), false, 'back to 0');
      const used = (await store.passageWebauthn.findByCredentialId('cred-1'))!;
      assert.deepEqual([used.counter, used.lastUsedAt?.getTime()], [7, at(6).getTime()]);

      // Removal: only the account's own keys, with the audit record in the same transaction.
      const audit = (removed: { id: number; name: string }) => [
        { actor: 'x', action: 'conformance.webauthn.remove', detail: { id: removed.id, name: removed.name } },
      ];
      assert.equal(await store.passageWebauthn.delete(b.id, first.id, audit), false, "another account's key");
      assert.equal(await store.passageWebauthn.delete(a.id, first.id, audit), true);
      assert.equal(await store.passageWebauthn.delete(a.id, first.id, audit), false);
      assert.deepEqual(
        (await store.audit.list({ action: 'conformance.webauthn.remove' })).map((r) => r.detail),
        [{ id: first.id, name: 'Sleutel cred-1' }],
      );
      assert.deepEqual(
        (await store.passageWebauthn.list(a.id)).map((c) => c.id),
        [second.id],
      );
      // A removed key's ID may be registered again.
      assert.ok(await store.passageWebauthn.insert(key('cred-1', b.id, 8), () => []));
    });
  });
}
