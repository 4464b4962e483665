// What the Passage ID tests share: a store on a temporary directory, a service with a clock the test
// moves and small throttle limits; TOTP codes come from test/helpers/totp.ts, our own RFC 6238.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { IdentityService } from '../../src/identity/identity-service.ts';
import { ContentSealer } from '../../src/secure/content-sealing.ts';
import { PassageService } from '../../src/identity/passage-service.ts';
import type { ThrottleLimits } from '../../src/identity/login-throttle.ts';
import type { ClientContext, PassageAccount, PassageRole } from '../../src/identity/passage-types.ts';

import { totp } from '../helpers/totp.ts';

export { hotp, totp } from '../helpers/totp.ts';

// ── The service under test ─────────────────────────────────────────────────────────────────────

export const SMALL_LIMITS: ThrottleLimits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 6, windowSeconds: 300 };

export interface PassageFixture {
  store: SqliteStore;
  identity: IdentityService;
  sealer: ContentSealer;
  clock: { now: Date; advance(ms: number): void };
  /** A new service on the same store: fresh throttle counters. */
  service(limits?: ThrottleLimits): PassageService;
  cleanup(): Promise<void>;
}

export async function passageFixture(): Promise<PassageFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'zorgpost-passage-'));
  const store = await openSqliteStore(join(dir, 'zorgpost.db'));
  const audit = new AuditLog(store, pino({ level: 'silent' }));
  const identity = new IdentityService(store, audit);
  const sealer = new ContentSealer(randomBytes(32));
  // In the middle of a 30-second step, so a test's own small moves stay within it.
  const clock = {
    now: new Date(Date.UTC(2031, 2, 3, 10, 0, 15)),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  return {
    store,
    identity,
    sealer,
    clock,
    service: (limits = SMALL_LIMITS) =>
      new PassageService({
        store,
        audit,
        identity,
        sealer,
        publicUrl: 'https://portal.example/',
        limits,
        now: () => clock.now,
      }),
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface CreatedAccount {
  account: PassageAccount;
  password: string;
  secret: string;
  recoveryCodes: string[];
  sessionToken: string;
}

let addressCounter = 0;
/** A client from an address no other test uses, so throttling by address stays per test. */
export function freshClient(): ClientContext {
  addressCounter += 1;
  return { remoteAddress: `198.51.100.${addressCounter}`, userAgent: 'node:test' };
}

/** Invite → open → accept, the way the portal does it; then moves the clock to the next TOTP step
 * so the enrolment code is not the one a following sign-in uses. */
export async function createAccount(
  fixture: PassageFixture,
  passage: PassageService,
  email: string,
  role: PassageRole = 'user',
  orgDomain?: string,
): Promise<CreatedAccount> {
  const invited = await passage.invite({ email, role, ...(orgDomain ? { orgDomain } : {}) }, { actor: 'cli:test' });
  const { totp: enrolment } = await passage.inspectInvitation(invited.token);
  const password = `correct horse ${email}`;
  const created = await passage.acceptInvitation(
    { token: invited.token, password, totpCode: totp(enrolment.secret, fixture.clock.now) },
    freshClient(),
  );
  fixture.clock.advance(30_000);
  return {
    account: created.account,
    password,
    secret: enrolment.secret,
    recoveryCodes: created.recoveryCodes,
    sessionToken: created.session.token,
  };
}
