// The portal's JSON API (/api/portal/) as it travels (dates as ISO 8601 strings): one definition the
// route plugin and the browser app (web/portal) both compile against. Types and plain constants only:
// the browser bundle imports this file, so it must not pull server code in.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { CommonErrorCode, ErrorJsonOf } from '../shared/wire.ts';

/** Every request that changes something carries the session's CSRF token in this header. */
export const CSRF_HEADER = 'x-zorgpost-csrf';

export type RoleJson = 'operator' | 'admin' | 'user';

export interface MailboxJson {
  id: number;
  address: string;
  displayName: string;
  klantnummer: string;
  linkedAt: string;
}

export interface AccountJson {
  email: string;
  role: RoleJson;
  organisation: { name: string; domain: string } | null;
}

/** `GET /api/portal/session`, 200: who is signed in; 401 `no-session` otherwise. */
export interface SessionJson {
  account: AccountJson;
  /** Sent back in CSRF_HEADER on every POST/DELETE. */
  csrfToken: string;
  mailboxes: MailboxJson[];
  recoveryCodesLeft: number;
}

/** `POST /api/portal/login` body: the second factor is `code` (a TOTP code or a recovery code) or
 * `webauthn` (a security key's answer to `POST /api/portal/login/webauthn/options`), exactly one. */
export type LoginJson = { email: string; password: string } & (
  | { code: string; webauthn?: never }
  | { webauthn: WebauthnAssertionJson; code?: never }
);

/** `POST /api/portal/login/webauthn/options` body (before sign-in, with `x-zorgpost-csrf: 1`). */
export interface WebauthnLoginOptionsRequestJson {
  email: string;
}

/** `POST /api/portal/login/webauthn/options`, 200: for `navigator.credentials.get()`; the same shape
 * whether or not the address has a Passage ID with keys. */
export interface WebauthnLoginOptionsJson {
  challengeId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** The `webauthn` of a sign-in: the challenge's id and the browser's assertion. */
export interface WebauthnAssertionJson {
  challengeId: string;
  response: AuthenticationResponseJSON;
}

/** `POST /api/portal/webauthn/register/options`, 200: for `navigator.credentials.create()`. */
export interface WebauthnRegistrationOptionsJson {
  challengeId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
}

/** `POST /api/portal/webauthn/register` body; 200 is the new WebauthnCredentialJson. */
export interface WebauthnRegisterJson {
  challengeId: string;
  /** The holder's name for the key, 1–64 characters. */
  name: string;
  response: RegistrationResponseJSON;
}

/** A security key or passkey: `GET /api/portal/webauthn/credentials` → `{ credentials }`,
 * `DELETE /api/portal/webauthn/credentials/:id` removes one. */
export interface WebauthnCredentialJson {
  id: number;
  name: string;
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** The longest name a security key may have. */
export const MAX_WEBAUTHN_NAME_LENGTH = 64;

/** `POST /api/portal/login`, 200. */
export interface LoggedInJson extends SessionJson {
  usedRecoveryCode: boolean;
}

/** `POST /api/portal/invitation` body: the token from the link's fragment. */
export interface InvitationTokenJson {
  token: string;
}

/** `POST /api/portal/invitation`, 200: who is invited, and the TOTP secret to enrol. */
export interface InvitationJson {
  email: string;
  role: RoleJson;
  organisation: { name: string; domain: string } | null;
  expiresAt: string;
  totp: { secret: string; uri: string; qrSvg: string };
}

/** `POST /api/portal/invitation/accept` body. */
export interface AcceptInvitationJson {
  token: string;
  password: string;
  code: string;
}

/** `POST /api/portal/invitation/accept`, 200: signed in; the recovery codes are shown once. */
export interface AccountCreatedJson extends SessionJson {
  recoveryCodes: string[];
}

/** `POST /api/portal/mailboxes/link` body: the mailbox's activation data. */
export interface LinkMailboxJson {
  klantnummer: string;
  code: string;
}

/** `POST /api/portal/mailboxes/:id/key`, 200: the new Hosted Mail Key, shown once. */
export interface HostedMailKeyJson {
  key: string;
  klantnummer: string;
  address: string;
}

/** `GET /api/portal/mailboxes/:id/settings`, 200: the manual's settings summary (sections 2.1 and
 * 3.1) with this server's real values. */
export type { ClientSettings as ClientSettingsJson, ServerSettings as ServerSettingJson } from '../../mail/client-settings.ts';

export interface SessionInfoJson {
  id: number;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  remoteAddress: string;
  userAgent: string;
}

/** `POST /api/portal/password` body. */
export interface PasswordChangeJson {
  current: string;
  next: string;
}

/** `POST /api/portal/recovery-codes` body (a current TOTP code), 200 `{ recoveryCodes }`. */
export interface RecoveryCodesRequestJson {
  code: string;
}

/** `POST /api/portal/invitations` body (organisation admins and operators). */
export interface InviteJson {
  email: string;
  role: RoleJson;
  /** Operators choose the organisation; an admin's own is used. */
  organisation?: string;
}

/** `POST /api/portal/invitations`, 200. */
export interface InvitedJson {
  email: string;
  url: string;
  expiresAt: string;
}

/** `POST /api/portal/activations` body (admins: a mailbox of their organisation). */
export interface ActivationRequestJson {
  mailbox: string;
}

/** `POST /api/portal/activations`, 200. */
export interface ActivationJson {
  klantnummer: string;
  code: string;
  expiresAt: string;
}

export type ErrorCode = CommonErrorCode | 'no-session' | 'invalid-login' | 'throttled';

/** Which rule a refused step broke (the Passage ID service's reasons, and the admin pages' own): the
 * app shows its own sentence for each, and the English `message` for any other. */
export type ErrorReason =
  | 'klantnummer-format'
  | 'activation-mismatch'
  | 'activation-used'
  | 'already-linked'
  | 'password-too-short'
  | 'password-too-long'
  | 'password-is-email'
  | 'wrong-password'
  | 'same-password'
  | 'wrong-code'
  | 'invalid-email'
  | 'organisation-needed'
  | 'unknown-organisation'
  | 'account-exists'
  | 'invitation-invalid'
  | 'invitation-used'
  | 'invitation-expired'
  | 'admins-only'
  | 'own-organisation-only'
  | 'mailbox-not-in-organisation';

export type ErrorJson = ErrorJsonOf<ErrorCode, ErrorReason>;

/** Password rule shown in the form and enforced by the service. */
export const MIN_PASSWORD_LENGTH = 12;
