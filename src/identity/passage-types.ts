// Passage ID (SPEC R1, R2, R4): the personal account a person signs in to the portal and webmail
// with — e-mail address, password and a second factor — and the mailboxes it is linked to.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Mailbox } from './types.ts';

/** `operator` runs the platform; `admin` manages one organisation; `user` has linked mailboxes only. */
export type PassageRole = 'operator' | 'admin' | 'user';

export interface PassageAccount {
  id: number;
  /** Lower-case; the sign-in name. */
  email: string;
  role: PassageRole;
  /** The organisation an `admin` (or an invited `user`) belongs to; null for operators. */
  orgId: number | null;
  createdAt: Date;
}

export interface PassageSessionInfo {
  id: number;
  accountId: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  remoteAddress: string;
  userAgent: string;
}

/** Where a request comes from, for throttling, sessions and the audit log. */
export interface ClientContext {
  remoteAddress: string;
  userAgent: string;
}

export interface InvitationSummary {
  email: string;
  role: PassageRole;
  organisation: { id: number; name: string; domain: string } | null;
  expiresAt: Date;
}

/** What the invitee needs to enrol TOTP (RFC 6238): the secret and the otpauth:// URI of it. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
}

export interface NewSession {
  /** The bearer token: goes only into the HttpOnly cookie, stored only as a hash. */
  token: string;
  expiresAt: Date;
}

export type PassageLoginResult =
  | { ok: true; account: PassageAccount; session: NewSession; usedRecoveryCode: boolean; recoveryCodesLeft: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface MailboxActivation {
  klantnummer: string;
  /** One-time: a new activation replaces an unused earlier one. */
  code: string;
  expiresAt: Date;
}

export interface LinkedMailbox extends Mailbox {
  linkedAt: Date;
}

/** An account as the operator's CLI lists it. */
export interface PassageAccountSummary extends PassageAccount {
  /** The organisation's domain, or null. */
  organisation: string | null;
  linkedMailboxes: number;
  disabledAt: Date | null;
}

/** A security key or passkey (WebAuthn) as its holder sees it: never the public key. */
export interface WebauthnCredentialInfo {
  id: number;
  name: string;
  transports: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What `navigator.credentials.create()`/`.get()` needs, and the id that names its challenge when
 * the answer comes back. */
export interface WebauthnChallenge<Options> {
  challengeId: string;
  options: Options;
}

/** A sign-in's second factor by security key: the challenge's id and the browser's assertion
 * (@simplewebauthn's AuthenticationResponseJSON). */
export interface WebauthnAssertion {
  challengeId: string;
  response: AuthenticationResponseJSON;
}
