// Hosted Mail Key logins for IMAP, SMTP, POP3 (and later LDAP): throttled per account and per source
// address, every success and failure audited, and successful verifications cached briefly in memory
// so a mail client reconnecting every minute does not pay for argon2 each time.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Authenticator, LoginAttempt, LoginResult, Mailbox } from './types.ts';
import { keyFingerprint, verifyHostedMailKey } from './hosted-mail-key.ts';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.ts';

const CACHE_TTL_MS = 10 * 60 * 1000;

export interface AuthenticatorOptions extends ThrottleLimits {
  /** Delay before answering a failed attempt: slows guessing without holding a lock. */
  failureDelayMs: number;
}

export class KeyAuthenticator implements Authenticator {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #throttle: LoginThrottle;
  readonly #failureDelayMs: number;
  readonly #cacheSecret = randomBytes(32);
  readonly #verified = new Map<string, { keyId: number; expires: number }>();

  constructor(store: Store, audit: AuditLog, options: AuthenticatorOptions) {
    this.#store = store;
    this.#audit = audit;
    this.#throttle = new LoginThrottle(options);
    this.#failureDelayMs = options.failureDelayMs;
    store.onChange((event) => {
      if (event.type === 'credentials') {
        for (const [key, entry] of this.#verified) if (entry.keyId !== event.keyId && key.startsWith(`${event.mailboxId}:`)) this.#verified.delete(key);
      }
    });
  }

  async login(attempt: LoginAttempt): Promise<LoginResult> {
    const account = attempt.username.trim().toLowerCase();
    const remoteAddress = normaliseAddress(attempt.remoteAddress);
    const base = { actor: account, remoteAddress };
    const mailbox = await this.#findMailbox(account);
    // Throttled per mailbox, whichever of its login names (klantnummer or address) is used.
    const throttleKey = mailbox ? `mailbox:${mailbox.id}` : `name:${account}`;
    const retryAfterSeconds = this.#throttle.retryAfter(throttleKey, remoteAddress);
    if (retryAfterSeconds > 0) {
      await this.#audit.record({ ...base, action: 'login.throttled', mailboxId: mailbox?.id ?? null, detail: { protocol: attempt.protocol } });
      return { ok: false, reason: 'throttled', retryAfterSeconds };
    }
    const keyId = mailbox ? await this.#check(mailbox, attempt.password) : null;
    if (!mailbox || keyId === null) {
      this.#throttle.recordFailure(throttleKey, remoteAddress);
      await this.#audit.record({ ...base, action: 'login.failure', mailboxId: mailbox?.id ?? null, detail: { protocol: attempt.protocol } });
      if (this.#failureDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#failureDelayMs));
      return { ok: false, reason: 'invalid' };
    }
    this.#throttle.recordSuccess(throttleKey);
    const authzid = attempt.authzid?.trim().toLowerCase();
    if (authzid && authzid !== mailbox.address && authzid !== mailbox.klantnummer) {
      await this.#audit.record({ ...base, action: 'login.forbidden', mailboxId: mailbox.id, detail: { protocol: attempt.protocol, authzid } });
      return { ok: false, reason: 'forbidden' };
    }
    await this.#audit.record({ ...base, action: 'login.success', mailboxId: mailbox.id, detail: { protocol: attempt.protocol, keyId } });
    return { ok: true, mailbox, keyId };
  }

  async #findMailbox(account: string): Promise<Mailbox | null> {
    if (/^\d{9}$/.test(account)) return this.#store.accounts.findMailbox({ klantnummer: account });
    if (account.includes('@')) return this.#store.accounts.findMailbox({ address: account });
    return null;
  }

  /** The id of the mailbox's active key when the password is that key, else null. */
  async #check(mailbox: Mailbox, password: string): Promise<number | null> {
    const active = await this.#store.accounts.activeHostedMailKey(mailbox.id);
    if (!active) return null;
    const cacheKey = `${mailbox.id}:${keyFingerprint(this.#cacheSecret, password)}`;
    const cached = this.#verified.get(cacheKey);
    if (cached && cached.keyId === active.id && cached.expires > Date.now()) return active.id;
    if (!(await verifyHostedMailKey(active.hash, password))) return null;
    this.#verified.set(cacheKey, { keyId: active.id, expires: Date.now() + CACHE_TTL_MS });
    return active.id;
  }
}

/** IPv4 clients of a dual-stack listener appear as ::ffff:a.b.c.d; count them as a.b.c.d. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
