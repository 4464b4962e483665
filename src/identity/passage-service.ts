// Passage ID (SPEC R1, R2, R4, R22, R24): the personal account a person signs in to the portal and
// webmail with. No open registration: an account starts from an operator's or admin's invitation,
// a mailbox is linked with the activation data the operator issued. Sign-in takes a password and a
// second factor (a TOTP code, a single-use recovery code, or a security key: passage-webauthn.ts);
// failures are throttled per account and per source address, and every step is audit-logged
// without its secrets.
import type {
  AuditEntry,
  PassageAccountRecord,
  PassageInvitationRecord,
  PassageSessionRecord,
  Store,
} from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ContentSealer } from '../secure/content-sealing.ts';
import { UserError } from '../errors.ts';
import type { Mailbox, Organisation } from './types.ts';
import { isMailAddress, type Actor, type IdentityService } from './identity-service.ts';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.ts';
import { normaliseAddress } from './authenticator.ts';
import type {
  ClientContext,
  InvitationSummary,
  LinkedMailbox,
  MailboxActivation,
  NewSession,
  PassageAccount,
  PassageAccountSummary,
  PassageLoginResult,
  PassageRole,
  PassageSessionInfo,
  TotpEnrolment,
  WebauthnAssertion,
  WebauthnChallenge,
  WebauthnCredentialInfo,
} from './passage-types.ts';
import {
  TOKEN_PATTERN,
  canonicalRecoveryCode,
  checkPasswordPolicy,
  generateRecoveryCode,
  hashPassword,
  isTotpCode,
  newToken,
  newTotpSecret,
  totpStep,
  totpUri,
  verifyPassword,
} from './passage-secrets.ts';
import { PassageMailboxes } from './passage-mailboxes.ts';
import { PassageWebauthn } from './passage-webauthn.ts';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { actorOf, passageActor, pause, tooManyAttempts } from './passage-common.ts';

export { ACTIVATION_VALID_MS } from './passage-mailboxes.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const INVITATION_VALID_MS = 7 * DAY;
/** A session ends after 30 minutes without a request, and after 12 hours in any case. */
export const SESSION_IDLE_MS = 30 * MINUTE;
export const SESSION_MAX_MS = 12 * 60 * MINUTE;
/** last_seen_at is written at most this often: not one write per request. */
const SESSION_TOUCH_MS = MINUTE;
export const RECOVERY_CODE_COUNT = 10;

const ROLES: readonly PassageRole[] = ['operator', 'admin', 'user'];

export interface PassageServiceOptions {
  store: Store;
  audit: AuditLog;
  identity: IdentityService;
  sealer: ContentSealer;
  /** `https://host[:port]`, where the portal is reached. */
  publicUrl: string;
  /** Failed attempts per account and per source address (SPEC R24); a pause before each failure. */
  limits: ThrottleLimits & { failureDelayMs?: number };
  /** The clock for expiry decisions (tests move it). */
  now?: () => Date;
}

export class PassageService {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #sealer: ContentSealer;
  readonly #publicUrl: string;
  readonly #now: () => Date;
  readonly #failureDelayMs: number;
  /** Password and second-factor failures: sign-in, and the checks before changing either. */
  readonly #loginThrottle: LoginThrottle;
  /** Wrong codes while accepting an invitation, per invitation and per address. */
  readonly #invitationThrottle: LoginThrottle;
  readonly #mailboxes: PassageMailboxes;
  readonly #webauthn: PassageWebauthn;
  #dummyHash: Promise<string> | null = null;

  constructor(options: PassageServiceOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#sealer = options.sealer;
    this.#publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.#now = options.now ?? (() => new Date());
    this.#failureDelayMs = options.limits.failureDelayMs ?? 0;
    this.#loginThrottle = new LoginThrottle(options.limits);
    this.#invitationThrottle = new LoginThrottle(options.limits);
    this.#mailboxes = new PassageMailboxes({ ...options, now: this.#now });
    this.#webauthn = new PassageWebauthn({ ...options, now: this.#now });
  }

  // ── Invitations ───────────────────────────────────────────────────────────────────────────────

  /** SPEC R1: no open registration. An operator invitation is for the platform; an admin or user
   * one for an organisation. The token travels in the URL fragment, so it never reaches a server
   * log or a Referer header. */
  async invite(
    input: { email: string; orgDomain?: string; role: PassageRole },
    by: Actor,
  ): Promise<{ email: string; role: PassageRole; expiresAt: Date; token: string; url: string }> {
    const email = input.email.trim().toLowerCase();
    if (!isMailAddress(email))
      throw new UserError('BADINPUT', `"${input.email}" is not a valid e-mail address`, 'invalid-email');
    if (!ROLES.includes(input.role))
      throw new UserError('BADINPUT', `Unknown role "${input.role}": use operator, admin or user`);
    const domain = input.orgDomain?.trim().toLowerCase() || null;
    let org: Organisation | null = null;
    if (input.role === 'operator') {
      if (domain)
        throw new UserError(
          'BADINPUT',
          'An operator runs the whole platform: an operator invitation has no organisation',
        );
    } else {
      if (!domain)
        throw new UserError(
          'BADINPUT',
          `An invitation for ${input.role === 'admin' ? 'an organisation admin' : 'a staff member'} needs the organisation's domain`,
          'organisation-needed',
        );
      org = await this.#store.accounts.findOrganisation({ domain });
      if (!org)
        throw new UserError(
          'NONEXISTENT',
          `No organisation has the domain ${domain}; add it first with "zorgpost org add"`,
          'unknown-organisation',
        );
    }
    if (await this.#store.passage.findAccount({ email }))
      throw new UserError('ALREADYEXISTS', `A Passage ID for ${email} already exists`, 'account-exists');
    const token = newToken();
    const createdAt = this.#now();
    const expiresAt = new Date(createdAt.getTime() + INVITATION_VALID_MS);
    await this.#store.passage.insertInvitation(
      {
        tokenHash: this.#hash('invitation', token),
        email,
        role: input.role,
        orgId: org?.id ?? null,
        invitedBy: by.actor,
        createdAt,
        expiresAt,
      },
      (created) => ({
        ...actorOf(by),
        action: 'passage.invite',
        detail: {
          invitationId: created.id,
          email,
          role: input.role,
          organisation: org?.domain ?? null,
          expiresAt: expiresAt.toISOString(),
        },
      }),
    );
    return { email, role: input.role, expiresAt, token, url: `${this.#publicUrl}/invite#${token}` };
  }

  /** What the invitee sees before choosing a password: who invited them for what, and the TOTP
   * secret to scan. The secret is made on the first look and stays the same on later ones. */
  async inspectInvitation(token: string): Promise<InvitationSummary & { totp: TotpEnrolment }> {
    const invitation = await this.#openInvitation(token);
    await this.#refuseExistingAccount(invitation.email);
    const sealed =
      invitation.sealedPendingTotp ??
      (await this.#store.passage.setPendingTotp(invitation.id, this.#sealer.sealText(newTotpSecret())));
    const secret = this.#sealer.openText(sealed);
    const org =
      invitation.orgId === null ? null : await this.#store.accounts.findOrganisation({ id: invitation.orgId });
    return {
      email: invitation.email,
      role: invitation.role,
      organisation: org && { id: org.id, name: org.name, domain: org.domain },
      expiresAt: invitation.expiresAt,
      totp: { secret, uri: totpUri(secret, invitation.email) },
    };
  }

  /** Creates the account: the invitation is used, the TOTP secret the invitee scanned is proven
   * with a current code, and the first session and ten recovery codes come with it — one commit. */
  async acceptInvitation(
    input: { token: string; password: string; totpCode: string },
    client: ClientContext,
  ): Promise<{ account: PassageAccount; recoveryCodes: string[]; session: NewSession }> {
    const remoteAddress = normaliseAddress(client.remoteAddress);
    const key = TOKEN_PATTERN.test(input.token)
      ? `invitation:${this.#hash('invitation', input.token)}`
      : 'invitation:malformed';
    const wait = this.#invitationThrottle.retryAfter(key, remoteAddress);
    if (wait > 0) {
      await this.#audit.record({ actor: null, remoteAddress, action: 'passage.account.create.throttled' });
      throw tooManyAttempts(wait);
    }
    let invitation: PassageInvitationRecord;
    try {
      invitation = await this.#openInvitation(input.token);
    } catch (error) {
      this.#invitationThrottle.recordFailure(key, remoteAddress);
      throw error;
    }
    await this.#refuseExistingAccount(invitation.email);
    if (!invitation.sealedPendingTotp) {
      throw new UserError(
        'CANNOT',
        'Open the invitation link first: it shows the code to add to your authenticator app',
      );
    }
    checkPasswordPolicy(input.password, invitation.email);
    const now = this.#now();
    const base = { actor: passageActor(invitation.email), remoteAddress };
    const step = totpStep(this.#sealer.openText(invitation.sealedPendingTotp), input.totpCode, now);
    if (step === null) {
      this.#invitationThrottle.recordFailure(key, remoteAddress);
      await this.#audit.record({
        ...base,
        action: 'passage.account.create.failure',
        detail: { invitationId: invitation.id, reason: 'totp' },
      });
      await pause(this.#failureDelayMs);
      throw new UserError(
        'AUTHENTICATIONFAILED',
        'The code from the authenticator app is not correct. Check that the phone shows the current time and enter the code it shows now.',
        'wrong-code',
      );
    }
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    const sessionToken = newToken();
    const sessionExpiresAt = new Date(now.getTime() + SESSION_MAX_MS);
    const created = await this.#store.passage.createAccount(
      {
        invitationId: invitation.id,
        email: invitation.email,
        passwordHash: await hashPassword(input.password),
        sealedTotpSecret: invitation.sealedPendingTotp,
        // The enrolment code must not sign in a second time (RFC 6238 §5.2).
        totpLastStep: step,
        role: invitation.role,
        orgId: invitation.orgId,
        createdAt: now,
        recoveryCodeHashes: recoveryCodes.map((code) => this.#hash('recovery', canonicalRecoveryCode(code)!)),
        session: this.#newSessionRecord(sessionToken, now, client, remoteAddress),
      },
      (account, session) => [
        {
          ...base,
          action: 'passage.account.create',
          detail: {
            accountId: account.id,
            role: account.role,
            orgId: account.orgId,
            invitationId: invitation.id,
            invitedBy: invitation.invitedBy,
            sessionId: session.id,
          },
        },
      ],
    );
    if (!created)
      throw new UserError('CANNOT', 'This invitation has just been used or has expired. Ask for a new invitation.');
    this.#invitationThrottle.recordSuccess(key);
    return {
      account: publicAccount(created.account),
      recoveryCodes,
      session: { token: sessionToken, expiresAt: sessionExpiresAt },
    };
  }

  async #openInvitation(token: string): Promise<PassageInvitationRecord> {
    const invitation = TOKEN_PATTERN.test(token)
      ? await this.#store.passage.findInvitation(this.#hash('invitation', token))
      : null;
    if (!invitation) {
      throw new UserError(
        'NONEXISTENT',
        'This invitation link is not valid. Check that you opened the whole link, or ask for a new invitation.',
        'invitation-invalid',
      );
    }
    if (invitation.usedAt) {
      throw new UserError(
        'CANNOT',
        'This invitation has already been used. Sign in with your Passage ID, or ask for a new invitation.',
        'invitation-used',
      );
    }
    if (invitation.expiresAt <= this.#now()) {
      throw new UserError(
        'CANNOT',
        `This invitation expired on ${invitation.expiresAt.toISOString().slice(0, 10)}. Ask for a new invitation.`,
        'invitation-expired',
      );
    }
    return invitation;
  }

  async #refuseExistingAccount(email: string): Promise<void> {
    if (await this.#store.passage.findAccount({ email })) {
      throw new UserError('ALREADYEXISTS', `A Passage ID for ${email} already exists: sign in with it`);
    }
  }

  // ── Signing in and sessions ───────────────────────────────────────────────────────────────────

  /** The same answer, after about the same time, whether the address is unknown, the password is
   * wrong or the second factor is: nothing tells which addresses have an account. The second factor
   * is `code` (TOTP or recovery code) or `webauthn` (a security key's assertion), exactly one. */
  async login(
    input: { email: string; password: string; code?: string; webauthn?: WebauthnAssertion },
    client: ClientContext,
  ): Promise<PassageLoginResult> {
    const email = input.email.trim().toLowerCase().slice(0, 320);
    const remoteAddress = normaliseAddress(client.remoteAddress);
    const base = { actor: passageActor(email), remoteAddress };
    // Taken first: a challenge is spent by any attempt, throttled or failed ones too.
    const challenge = input.webauthn ? this.#webauthn.takeSignInChallenge(input.webauthn.challengeId, email) : null;
    const account = email ? await this.#store.passage.findAccount({ email }) : null;
    // Throttled per account; unknown addresses by the address typed.
    const key = account ? `account:${account.id}` : `email:${email}`;
    const wait = this.#loginThrottle.retryAfter(key, remoteAddress);
    if (wait > 0) {
      await this.#audit.record({ ...base, action: 'passage.login.throttled' });
      return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
    }
    const now = this.#now();
    const passwordOk = await verifyPassword(account?.passwordHash ?? (await this.#dummyPasswordHash()), input.password);
    let failure: string | null = null;
    let usedRecoveryCode = false;
    let webauthnCredentialId: number | null = null;
    if (!account) failure = 'unknown-account';
    else if (!passwordOk) failure = 'password';
    else if (account.disabledAt) failure = 'disabled';
    else if ((input.code === undefined) === (input.webauthn === undefined)) failure = 'second-factor-missing';
    else if (input.webauthn) {
      const factor = await this.#webauthn.verifyAssertion(account, challenge, input.webauthn.response);
      if (factor.ok) webauthnCredentialId = factor.credentialId;
      else failure = factor.reason;
    } else {
      const factor = await this.#checkSecondFactor(account, input.code ?? '', now, { allowRecoveryCode: true });
      if (factor.ok) usedRecoveryCode = factor.recoveryCode;
      else failure = factor.reason;
    }
    if (failure !== null || !account) {
      this.#loginThrottle.recordFailure(key, remoteAddress);
      await this.#audit.record({ ...base, action: 'passage.login.failure', detail: { reason: failure } });
      await pause(this.#failureDelayMs);
      return { ok: false, reason: 'invalid' };
    }
    this.#loginThrottle.recordSuccess(key);
    const token = newToken();
    const session = await this.#store.passage.insertSession(
      { ...this.#newSessionRecord(token, now, client, remoteAddress), accountId: account.id },
      (created) => [
        {
          ...base,
          action: 'passage.login',
          detail: {
            accountId: account.id,
            sessionId: created.id,
            secondFactor: webauthnCredentialId !== null ? 'webauthn' : usedRecoveryCode ? 'recovery-code' : 'totp',
            ...(webauthnCredentialId !== null ? { webauthnCredentialId } : {}),
          },
        },
      ],
      new Date(now.getTime() - SESSION_IDLE_MS),
    );
    return {
      ok: true,
      account: publicAccount(account),
      session: { token, expiresAt: session.expiresAt },
      usedRecoveryCode,
      recoveryCodesLeft: await this.#store.passage.countRecoveryCodes(account.id),
    };
  }

  /** The signed-in account of a session cookie, or null when the session does not exist, was idle
   * too long or has reached its maximum age. */
  async authenticate(token: string): Promise<{ account: PassageAccount; session: PassageSessionInfo } | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const session = await this.#store.passage.findSession(this.#hash('session', token));
    if (!session) return null;
    const now = this.#now();
    if (!isLive(session, now)) {
      await this.#store.passage.deleteSessions(session.accountId, { ids: [session.id] });
      return null;
    }
    const account = await this.#store.passage.findAccount({ id: session.accountId });
    if (!account || account.disabledAt) return null;
    if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_MS) {
      await this.#store.passage.touchSession(session.id, now);
      session.lastSeenAt = now;
    }
    return { account: publicAccount(account), session: sessionInfo(session) };
  }

  async logout(token: string, client?: ClientContext): Promise<void> {
    if (!TOKEN_PATTERN.test(token)) return;
    const session = await this.#store.passage.findSession(this.#hash('session', token));
    if (!session) return;
    const account = await this.#store.passage.findAccount({ id: session.accountId });
    await this.#store.passage.deleteSessions(session.accountId, { ids: [session.id] }, (count) =>
      count && account
        ? [
            {
              actor: passageActor(account.email),
              remoteAddress: client ? normaliseAddress(client.remoteAddress) : null,
              action: 'passage.logout',
              detail: { sessionId: session.id },
            },
          ]
        : [],
    );
  }

  /** The account's live sessions, most recently used first. */
  async listSessions(accountId: number): Promise<PassageSessionInfo[]> {
    const now = this.#now();
    return (await this.#store.passage.listSessions(accountId)).filter((s) => isLive(s, now)).map(sessionInfo);
  }

  async revokeSession(accountId: number, sessionId: number, by: Actor): Promise<void> {
    const count = await this.#store.passage.deleteSessions(accountId, { ids: [sessionId] }, (n) =>
      n ? [{ ...actorOf(by), action: 'passage.session.revoke', detail: { accountId, sessionId } }] : [],
    );
    if (count === 0) throw new UserError('NONEXISTENT', 'No such session');
  }

  /** "Sign out everywhere": every session but `keepSessionId` ends (all of them when null). */
  async revokeOtherSessions(accountId: number, keepSessionId: number | null, by: Actor): Promise<number> {
    return this.#store.passage.deleteSessions(accountId, { allExcept: keepSessionId }, (count) => [
      {
        ...actorOf(by),
        action: 'passage.session.revoke-all',
        detail: { accountId, count, keptSessionId: keepSessionId },
      },
    ]);
  }

  // ── Account security ──────────────────────────────────────────────────────────────────────────

  /** Needs the current password; ends every other session (`keepSessionId` is the one asking;
   * without it every session ends). */
  async changePassword(
    account: PassageAccount,
    input: { current: string; next: string; keepSessionId?: number | null },
    client: ClientContext,
  ): Promise<void> {
    const remoteAddress = normaliseAddress(client.remoteAddress);
    const base = { actor: passageActor(account.email), remoteAddress };
    const stored = await this.#activeAccount(account.id, remoteAddress);
    if (!(await verifyPassword(stored.passwordHash, input.current))) {
      await this.#recordAccountFailure(stored, remoteAddress, {
        ...base,
        action: 'passage.password.change.failure',
        detail: { reason: 'password' },
      });
      throw new UserError('AUTHENTICATIONFAILED', 'The current password is not correct', 'wrong-password');
    }
    checkPasswordPolicy(input.next, stored.email);
    if (input.next.normalize('NFKC') === input.current.normalize('NFKC')) {
      throw new UserError('BADINPUT', 'The new password must differ from the current one', 'same-password');
    }
    const keep = input.keepSessionId ?? null;
    await this.#store.passage.setPassword(stored.id, await hashPassword(input.next), keep, [
      { ...base, action: 'passage.password.change', detail: { accountId: stored.id, keptSessionId: keep } },
    ]);
  }

  /** Ten new recovery codes replace all earlier ones; proven with a current TOTP code. */
  async regenerateRecoveryCodes(account: PassageAccount, totpCode: string, client: ClientContext): Promise<string[]> {
    const remoteAddress = normaliseAddress(client.remoteAddress);
    const base = { actor: passageActor(account.email), remoteAddress };
    const stored = await this.#activeAccount(account.id, remoteAddress);
    const factor = await this.#checkSecondFactor(stored, totpCode, this.#now(), { allowRecoveryCode: false });
    if (!factor.ok) {
      await this.#recordAccountFailure(stored, remoteAddress, {
        ...base,
        action: 'passage.recovery-codes.failure',
        detail: { reason: factor.reason },
      });
      throw new UserError(
        'AUTHENTICATIONFAILED',
        'The code from the authenticator app is not correct (or was used already): enter the code it shows now',
        'wrong-code',
      );
    }
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await this.#store.passage.replaceRecoveryCodes(
      stored.id,
      codes.map((code) => this.#hash('recovery', canonicalRecoveryCode(code)!)),
      [{ ...base, action: 'passage.recovery-codes.regenerate', detail: { accountId: stored.id, count: codes.length } }],
    );
    return codes;
  }

  recoveryCodesLeft(accountId: number): Promise<number> {
    return this.#store.passage.countRecoveryCodes(accountId);
  }

  /** The stored account, refusing while the account is throttled. */
  async #activeAccount(accountId: number, remoteAddress: string): Promise<PassageAccountRecord> {
    const stored = await this.#store.passage.findAccount({ id: accountId });
    if (!stored || stored.disabledAt) throw new UserError('NOPERM', 'This Passage ID is not active');
    const wait = this.#loginThrottle.retryAfter(`account:${stored.id}`, remoteAddress);
    if (wait > 0) throw tooManyAttempts(wait);
    return stored;
  }

  async #recordAccountFailure(account: PassageAccountRecord, remoteAddress: string, audit: AuditEntry): Promise<void> {
    this.#loginThrottle.recordFailure(`account:${account.id}`, remoteAddress);
    await this.#audit.record(audit);
    await pause(this.#failureDelayMs);
  }

  async #checkSecondFactor(
    account: PassageAccountRecord,
    code: string,
    now: Date,
    { allowRecoveryCode }: { allowRecoveryCode: boolean },
  ): Promise<{ ok: true; recoveryCode: boolean } | { ok: false; reason: string }> {
    if (isTotpCode(code)) {
      const step = totpStep(this.#sealer.openText(account.sealedTotpSecret), code, now);
      if (step === null) return { ok: false, reason: 'totp' };
      // RFC 6238 §5.2: a code is accepted once; a later login needs a later code.
      if (!(await this.#store.passage.acceptTotpStep(account.id, step))) return { ok: false, reason: 'totp-reused' };
      return { ok: true, recoveryCode: false };
    }
    const recovery = allowRecoveryCode ? canonicalRecoveryCode(code) : null;
    if (recovery && (await this.#store.passage.useRecoveryCode(account.id, this.#hash('recovery', recovery), now)))
      return { ok: true, recoveryCode: true };
    return { ok: false, reason: allowRecoveryCode ? 'recovery-code' : 'totp' };
  }

  // ── Security keys (WebAuthn, SPEC R1): see passage-webauthn.ts ─────────────────────────────

  webauthnRegistrationOptions(
    account: PassageAccount,
  ): Promise<WebauthnChallenge<PublicKeyCredentialCreationOptionsJSON>> {
    return this.#webauthn.registrationOptions(account);
  }

  registerWebauthnCredential(
    account: PassageAccount,
    input: { challengeId: string; name: string; response: RegistrationResponseJSON },
    client: ClientContext,
  ): Promise<WebauthnCredentialInfo> {
    return this.#webauthn.register(account, input, client);
  }

  listWebauthnCredentials(accountId: number): Promise<WebauthnCredentialInfo[]> {
    return this.#webauthn.list(accountId);
  }

  removeWebauthnCredential(account: PassageAccount, id: number, by: Actor): Promise<void> {
    return this.#webauthn.remove(account, id, by);
  }

  /** Before sign-in: the options for `navigator.credentials.get()` (decoys for unknown addresses). */
  webauthnSignInOptions(email: string): Promise<WebauthnChallenge<PublicKeyCredentialRequestOptionsJSON>> {
    return this.#webauthn.signInOptions(email);
  }

  // ── Mailboxes (SPEC R2, R3): see passage-mailboxes.ts ───────────────────────────────────────

  issueActivation(mailbox: Mailbox, by: Actor): Promise<MailboxActivation> {
    return this.#mailboxes.issueActivation(mailbox, by);
  }

  linkMailbox(
    account: PassageAccount,
    input: { klantnummer: string; code: string },
    client: ClientContext,
  ): Promise<LinkedMailbox> {
    return this.#mailboxes.linkMailbox(account, input, client);
  }

  linkedMailboxes(accountId: number): Promise<LinkedMailbox[]> {
    return this.#mailboxes.linkedMailboxes(accountId);
  }

  /** The check in front of every webmail and portal request on a mailbox. */
  requireLinkedMailbox(account: PassageAccount, mailboxId: number): Promise<Mailbox> {
    return this.#mailboxes.requireLinkedMailbox(account, mailboxId);
  }

  unlinkMailbox(account: PassageAccount, mailboxId: number, by: Actor): Promise<void> {
    return this.#mailboxes.unlinkMailbox(account, mailboxId, by);
  }

  generateHostedMailKey(
    account: PassageAccount,
    mailboxId: number,
    client: ClientContext,
  ): Promise<{ key: string; mailbox: Mailbox }> {
    return this.#mailboxes.generateHostedMailKey(account, mailboxId, client);
  }

  // ── For the operator's CLI ────────────────────────────────────────────────────────────────────

  async listAccounts(): Promise<PassageAccountSummary[]> {
    const [accounts, organisations] = await Promise.all([
      this.#store.passage.listAccounts(),
      this.#store.accounts.listOrganisations(),
    ]);
    const domains = new Map(organisations.map((org) => [org.id, org.domain]));
    return accounts.map((a) => ({
      ...publicAccount(a),
      organisation: a.orgId === null ? null : (domains.get(a.orgId) ?? null),
      linkedMailboxes: a.linkedMailboxes,
      disabledAt: a.disabledAt,
    }));
  }

  /** Off-boarding (SPEC R22 "account closing"): a disabled Passage ID cannot sign in and its sessions
   * end at once; enabling it again restores it as it was (links, keys, recovery codes). */
  async setDisabled(email: string, disabled: boolean, by: Actor): Promise<PassageAccount> {
    const account = await this.#store.passage.findAccount({ email: email.trim().toLowerCase() });
    if (!account) throw new UserError('NONEXISTENT', `No Passage ID for ${email}`);
    await this.#store.passage.setDisabled(account.id, disabled ? this.#now() : null, [
      { ...actorOf(by), action: disabled ? 'passage.account.disable' : 'passage.account.enable', detail: { email: account.email } },
    ]);
    return publicAccount(account);
  }

  async findAccount(email: string): Promise<PassageAccount | null> {
    const account = await this.#store.passage.findAccount({ email: email.trim().toLowerCase() });
    return account && publicAccount(account);
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────────

  /** A keyed hash: the database alone does not allow testing guesses of tokens and codes. */
  #hash(purpose: 'invitation' | 'session' | 'recovery', secret: string): string {
    return this.#sealer.hashSecret(`passage ${purpose}`, secret);
  }

  #newSessionRecord(token: string, now: Date, client: ClientContext, remoteAddress: string) {
    return {
      tokenHash: this.#hash('session', token),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_MS),
      remoteAddress,
      userAgent: client.userAgent.slice(0, 512),
    };
  }

  /** A hash to verify against when the address has no account, so that costs as long as a wrong
   * password. */
  #dummyPasswordHash(): Promise<string> {
    this.#dummyHash ??= hashPassword(newToken());
    return this.#dummyHash;
  }
}

/** Only what callers may see: never the hashes or the sealed secret. */
function publicAccount(account: PassageAccountRecord): PassageAccount {
  return {
    id: account.id,
    email: account.email,
    role: account.role,
    orgId: account.orgId,
    createdAt: account.createdAt,
  };
}

function sessionInfo(session: PassageSessionRecord): PassageSessionInfo {
  const { tokenHash: _tokenHash, ...info } = session;
  return info;
}

function isLive(session: PassageSessionRecord, now: Date): boolean {
  return session.expiresAt > now && now.getTime() - session.lastSeenAt.getTime() < SESSION_IDLE_MS;
}
