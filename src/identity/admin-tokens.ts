// Bearer tokens for the admin HTTP API, issued on the server's own command line (`zorgpost admin
// token create`). A token is 256 random bits shown once; only its SHA-256 is stored, which is
// enough for a secret that cannot be guessed (a password would need argon2). Failed attempts are
// throttled per source address and audited (SPEC R22, R24).
import { createHash, randomBytes } from 'node:crypto';
import type { AdminToken, Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { UserError } from '../errors.ts';
import type { Actor } from './identity-service.ts';
import { LoginThrottle } from './login-throttle.ts';

const PREFIX = 'zpadm_';

export type AdminTokenCheck = { ok: true; token: AdminToken } | { ok: false; retryAfterSeconds: number };

export class AdminTokenService {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #throttle: LoginThrottle;

  constructor(store: Store, audit: AuditLog, limits: { maxFailuresPerAddress: number; windowSeconds: number }) {
    this.#store = store;
    this.#audit = audit;
    this.#throttle = new LoginThrottle({ maxFailuresPerAccount: limits.maxFailuresPerAddress, ...limits });
  }

  async create(name: string, by: Actor): Promise<{ token: string; id: number }> {
    const label = name.trim();
    if (!label) throw new UserError('BADINPUT', 'Give the token a name (who or what uses it)');
    const token = PREFIX + randomBytes(32).toString('base64url');
    const saved = await this.#store.adminTokens.insert(label, hash(token));
    await this.#audit.record({ ...by, action: 'admin-token.create', detail: { id: saved.id, name: label } });
    return { token, id: saved.id };
  }

  list(): Promise<AdminToken[]> {
    return this.#store.adminTokens.list();
  }

  async revoke(id: number, by: Actor): Promise<void> {
    if (!(await this.#store.adminTokens.revoke(id))) throw new UserError('NONEXISTENT', `No active admin token with id ${id}`);
    await this.#audit.record({ ...by, action: 'admin-token.revoke', detail: { id } });
  }

  async check(token: string, remoteAddress: string): Promise<AdminTokenCheck> {
    const retryAfterSeconds = this.#throttle.retryAfter(remoteAddress, remoteAddress);
    if (retryAfterSeconds > 0) return { ok: false, retryAfterSeconds };
    const found = token.startsWith(PREFIX) ? await this.#store.adminTokens.findActive(hash(token)) : null;
    if (!found) {
      this.#throttle.recordFailure(remoteAddress, remoteAddress);
      await this.#audit.record({ actor: null, remoteAddress, action: 'admin-api.login.failure' });
      return { ok: false, retryAfterSeconds: 0 };
    }
    return { ok: true, token: found };
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
