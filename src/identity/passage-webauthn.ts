// Security keys and passkeys (W3C Web Authentication, "WebAuthn") as the second factor of a Passage
// ID — SPEC R1: "TOTP, WebAuthn optional". A signed-in holder registers keys; at sign-in an
// assertion from one of them takes the place of the TOTP code, the password is still needed.
// @simplewebauthn/server does the ceremonies' checks (WebAuthn §7.1 registration, §7.2
// authentication); this file decides what is asked, keeps the challenges and stores the keys.
// Only the portal's own origin and host name are accepted: nothing else, not even 127.0.0.1.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PassageAccountRecord, PassageWebauthnCredentialRecord, Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ContentSealer } from '../secure/content-sealing.ts';
import { UserError } from '../errors.ts';
import type { Actor } from './identity-service.ts';
import { normaliseAddress } from './authenticator.ts';
import type { ClientContext, PassageAccount, WebauthnChallenge, WebauthnCredentialInfo } from './passage-types.ts';
import { TOKEN_PATTERN, newToken } from './passage-secrets.ts';
import { actorOf, passageActor } from './passage-common.ts';

/** A challenge is answered within 5 minutes, once. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;
/** Enough for every key a person carries, few enough that a list stays a list. */
export const MAX_WEBAUTHN_CREDENTIALS = 20;
export const MAX_WEBAUTHN_NAME_LENGTH = 64;
/** The sign-in options are asked before anyone is known: a bound on what a flood of them holds. */
const MAX_PENDING_CHALLENGES = 10_000;
/** AuthenticatorTransport (WebAuthn §5.8.4) and the values browsers send besides. */
const TRANSPORTS: readonly AuthenticatorTransportFuture[] = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
];
/** What decoy keys claim to be reached by: what passkeys, the commonest kind, report. A browser then
 * says at once that no such passkey is there, rather than waiting for a security key to be touched. */
const DECOY_TRANSPORTS: readonly AuthenticatorTransportFuture[][] = [['internal'], ['hybrid', 'internal']];

type Pending =
  | { purpose: 'register'; challenge: string; expiresAt: number; accountId: number }
  | { purpose: 'sign-in'; challenge: string; expiresAt: number; email: string };

export type SignInChallenge = Extract<Pending, { purpose: 'sign-in' }>;

/**
 * Challenges waiting for their answer, by a random id the client sends back. Kept in this process's
 * memory: a restart only makes a person start the step again. Several instances behind one address
 * would need them in the store (or sticky sessions) — noted for when the portal scales out.
 */
class PendingChallenges {
  readonly #pending = new Map<string, Pending>();

  put(entry: Pending, now: number): string {
    if (this.#pending.size >= MAX_PENDING_CHALLENGES) {
      for (const [id, pending] of this.#pending) if (pending.expiresAt <= now) this.#pending.delete(id);
      // Still full: the oldest go first (a Map iterates in insertion order).
      for (const id of this.#pending.keys()) {
        if (this.#pending.size < MAX_PENDING_CHALLENGES) break;
        this.#pending.delete(id);
      }
    }
    const id = newToken();
    this.#pending.set(id, entry);
    return id;
  }

  /** The challenge, removed whatever comes of it: single use. */
  take(id: string, now: number): Pending | null {
    if (!TOKEN_PATTERN.test(id)) return null;
    const pending = this.#pending.get(id);
    if (!pending) return null;
    this.#pending.delete(id);
    return pending.expiresAt > now ? pending : null;
  }
}

export interface PassageWebauthnOptions {
  store: Store;
  audit: AuditLog;
  sealer: ContentSealer;
  /** `https://host[:port]`, where the portal is reached: its origin is the only one accepted
   * (§7.1 step 9), its host name the relying party ID (§5.1.2). */
  publicUrl: string;
  now: () => Date;
}

export class PassageWebauthn {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #sealer: ContentSealer;
  readonly #origin: string;
  readonly #rpId: string;
  readonly #now: () => Date;
  readonly #pending = new PendingChallenges();

  constructor(options: PassageWebauthnOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#sealer = options.sealer;
    const url = new URL(options.publicUrl);
    this.#origin = url.origin;
    this.#rpId = url.hostname;
    this.#now = options.now;
  }

  // ── Registering a key (signed in) ──────────────────────────────────────────────────────────────

  async registrationOptions(
    account: PassageAccount,
  ): Promise<WebauthnChallenge<PublicKeyCredentialCreationOptionsJSON>> {
    const existing = await this.#store.passageWebauthn.list(account.id);
    if (existing.length >= MAX_WEBAUTHN_CREDENTIALS) {
      throw new UserError(
        'CANNOT',
        `A Passage ID has at most ${MAX_WEBAUTHN_CREDENTIALS} security keys: remove one first`,
      );
    }
    const options = await generateRegistrationOptions({
      rpName: 'Zorgpost',
      rpID: this.#rpId,
      userName: account.email,
      userDisplayName: account.email,
      userID: this.#userHandle(account.id),
      timeout: WEBAUTHN_CHALLENGE_TTL_MS,
      // No attestation: which make of key it is does not matter here, and asking would show a prompt.
      attestationType: 'none',
      // The same key twice would only be a confusing second entry.
      excludeCredentials: existing.map(descriptor),
      // A second factor after the password: possession is what counts, a PIN is not asked for, and
      // the key need not store a discoverable credential (a security key has few places for them).
      authenticatorSelection: { residentKey: 'discouraged', userVerification: 'discouraged' },
    });
    const challengeId = this.#pending.put(
      { purpose: 'register', challenge: options.challenge, accountId: account.id, expiresAt: this.#expiry() },
      this.#now().getTime(),
    );
    return { challengeId, options };
  }

  async register(
    account: PassageAccount,
    input: { challengeId: string; name: string; response: RegistrationResponseJSON },
    client: ClientContext,
  ): Promise<WebauthnCredentialInfo> {
    const base = { actor: passageActor(account.email), remoteAddress: normaliseAddress(client.remoteAddress) };
    const name = credentialName(input.name);
    const now = this.#now();
    const pending = this.#pending.take(input.challengeId, now.getTime());
    if (!pending || pending.purpose !== 'register' || pending.accountId !== account.id) {
      throw new UserError('CANNOT', 'This request to add a security key has expired or was used already: start again');
    }
    let failure = 'not verified';
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>> | null = null;
    try {
      verified = await verifyRegistrationResponse({
        response: input.response,
        expectedChallenge: pending.challenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.#rpId,
        requireUserVerification: false,
      });
    } catch (error) {
      failure = error instanceof Error ? error.message.slice(0, 200) : 'invalid response';
    }
    if (!verified?.verified) {
      await this.#audit.record({
        ...base,
        action: 'passage.webauthn.register.failure',
        detail: { accountId: account.id, reason: failure },
      });
      throw new UserError('BADINPUT', 'The answer of the security key could not be verified: try adding it again');
    }
    const { credential } = verified.registrationInfo;
    const transports = knownTransports(credential.transports ?? input.response.response.transports);
    const created = await this.#store.passageWebauthn.insert(
      {
        accountId: account.id,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports,
        name,
        createdAt: now,
      },
      (stored) => [
        {
          ...base,
          action: 'passage.webauthn.register',
          detail: { accountId: account.id, credentialId: stored.id, name, transports },
        },
      ],
    );
    return credentialInfo(created);
  }

  async list(accountId: number): Promise<WebauthnCredentialInfo[]> {
    return (await this.#store.passageWebauthn.list(accountId)).map(credentialInfo);
  }

  async remove(account: PassageAccount, id: number, by: Actor): Promise<void> {
    const removed = await this.#store.passageWebauthn.delete(account.id, id, (credential) => [
      {
        ...actorOf(by),
        action: 'passage.webauthn.remove',
        detail: { accountId: account.id, credentialId: credential.id, name: credential.name },
      },
    ]);
    if (!removed) throw new UserError('NONEXISTENT', 'No such security key');
  }

  // ── Signing in ─────────────────────────────────────────────────────────────────────────────────

  /** The options for a sign-in by `email`. An address without a Passage ID, or one without keys,
   * gets decoy keys — the same ones every time, shaped like real ones — so the answer does not
   * tell which addresses have an account. */
  async signInOptions(emailInput: string): Promise<WebauthnChallenge<PublicKeyCredentialRequestOptionsJSON>> {
    // The sign-in name exactly as `PassageService.login` reads it.
    const email = emailInput.trim().toLowerCase().slice(0, 320);
    const account = email ? await this.#store.passage.findAccount({ email }) : null;
    const credentials = account ? await this.#store.passageWebauthn.list(account.id) : [];
    const options = await generateAuthenticationOptions({
      rpID: this.#rpId,
      allowCredentials: credentials.length ? credentials.map(descriptor) : this.#decoys(email),
      timeout: WEBAUTHN_CHALLENGE_TTL_MS,
      userVerification: 'discouraged',
    });
    const challengeId = this.#pending.put(
      { purpose: 'sign-in', challenge: options.challenge, email, expiresAt: this.#expiry() },
      this.#now().getTime(),
    );
    return { challengeId, options };
  }

  /** Takes (single use) the sign-in challenge, if it is live and was asked for this address. */
  takeSignInChallenge(challengeId: string, email: string): SignInChallenge | null {
    const pending = this.#pending.take(challengeId, this.#now().getTime());
    return pending?.purpose === 'sign-in' && pending.email === email ? pending : null;
  }

  /** Checks an assertion as the account's second factor (§7.2) and records the key's new signature
   * counter; a failure's reason is for the audit log only. */
  async verifyAssertion(
    account: PassageAccountRecord,
    challenge: SignInChallenge | null,
    response: AuthenticationResponseJSON,
  ): Promise<{ ok: true; credentialId: number } | { ok: false; reason: string }> {
    if (!challenge) return { ok: false, reason: 'webauthn-challenge' };
    const credential =
      typeof response.id === 'string' ? await this.#store.passageWebauthn.findByCredentialId(response.id) : null;
    // §7.2 step 5/6: the key must be one of this account's.
    if (!credential || credential.accountId !== account.id) return { ok: false, reason: 'webauthn-credential' };
    let newCounter: number;
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.#origin,
        expectedRPID: this.#rpId,
        credential: {
          id: credential.credentialId,
          publicKey: Uint8Array.from(Buffer.from(credential.publicKey, 'base64url')),
          counter: credential.counter,
          transports: knownTransports(credential.transports),
        },
        requireUserVerification: false,
      });
      if (!result.verified) return { ok: false, reason: 'webauthn' };
      newCounter = result.authenticationInfo.newCounter;
    } catch (error) {
      // §7.2 step 22: a counter that did not go up may mean a cloned authenticator.
      return {
        ok: false,
        reason: error instanceof Error && /counter/i.test(error.message) ? 'webauthn-counter' : 'webauthn',
      };
    }
    if (!(await this.#store.passageWebauthn.recordUse(credential.id, newCounter, this.#now()))) {
      return { ok: false, reason: 'webauthn-counter' };
    }
    return { ok: true, credentialId: credential.id };
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────────────────────

  #expiry(): number {
    return this.#now().getTime() + WEBAUTHN_CHALLENGE_TTL_MS;
  }

  /** The user handle (§5.4.3): opaque, no personal data, the same for an account every time. */
  #userHandle(accountId: number): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(
      Buffer.from(this.#sealer.hashSecret('passage webauthn user', String(accountId)), 'base64url'),
    );
  }

  #decoys(email: string): Array<{ id: string; transports: AuthenticatorTransportFuture[] }> {
    const id = this.#sealer.hashSecret('passage webauthn decoy', email);
    const pick = Buffer.from(id, 'base64url')[0]! % DECOY_TRANSPORTS.length;
    return [{ id, transports: [...DECOY_TRANSPORTS[pick]!] }];
  }
}

function descriptor(credential: PassageWebauthnCredentialRecord): {
  id: string;
  transports?: AuthenticatorTransportFuture[];
} {
  const transports = knownTransports(credential.transports);
  return transports.length ? { id: credential.credentialId, transports } : { id: credential.credentialId };
}

function knownTransports(values: readonly string[] | undefined): AuthenticatorTransportFuture[] {
  return [
    ...new Set(
      (values ?? []).filter((t): t is AuthenticatorTransportFuture =>
        TRANSPORTS.includes(t as AuthenticatorTransportFuture),
      ),
    ),
  ].sort();
}

/** The holder's name for a key: trimmed, 1–64 characters, no control characters. */
function credentialName(input: string): string {
  const name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!name) throw new UserError('BADINPUT', 'Give the security key a name, so you can tell your keys apart');
  if ([...name].length > MAX_WEBAUTHN_NAME_LENGTH)
    throw new UserError('BADINPUT', `The name of a security key has at most ${MAX_WEBAUTHN_NAME_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name))
    throw new UserError('BADINPUT', 'The name contains characters that cannot be shown');
  return name;
}

function credentialInfo(credential: PassageWebauthnCredentialRecord): WebauthnCredentialInfo {
  return {
    id: credential.id,
    name: credential.name,
    transports: credential.transports,
    createdAt: credential.createdAt,
    lastUsedAt: credential.lastUsedAt,
  };
}
