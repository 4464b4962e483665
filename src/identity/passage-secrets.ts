// The secrets of a Passage ID (SPEC R1): passwords and their policy, TOTP (RFC 6238), bearer tokens
// for invitations and sessions, recovery codes and mailbox activation codes. Pure functions; what is
// stored, and how, is the service's business.
import { randomBytes, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';
import { UserError } from '../errors.ts';

/** 32 random bytes, base64url: invitation links and session cookies. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

// ── Passwords ──────────────────────────────────────────────────────────────────────────────────

export const MIN_PASSWORD_LENGTH = 12;
// Long enough for any passphrase, short enough that nobody makes argon2 hash a megabyte.
const MAX_PASSWORD_LENGTH = 1024;

/** The same password typed on different keyboards or systems may arrive in different Unicode
 * forms; NIST SP 800-63B §5.1.1.2 asks for normalisation before hashing. */
function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Throws a UserError explaining what is wrong with a new password. */
export function checkPasswordPolicy(password: string, email: string): void {
  const normalised = normalisePassword(password);
  if ([...normalised].length < MIN_PASSWORD_LENGTH) {
    throw new UserError(
      'BADINPUT',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      'password-too-short',
    );
  }
  if (normalised.length > MAX_PASSWORD_LENGTH)
    throw new UserError(
      'BADINPUT',
      `The password must have at most ${MAX_PASSWORD_LENGTH} characters`,
      'password-too-long',
    );
  if (normalised.trim().toLowerCase() === email.trim().toLowerCase()) {
    throw new UserError('BADINPUT', 'The password must not be your e-mail address', 'password-is-email');
  }
}

// @node-rs/argon2 defaults: argon2id, m=19 MiB, t=2, p=1 (the OWASP recommendation).
export function hashPassword(password: string): Promise<string> {
  return hash(normalisePassword(password));
}

export async function verifyPassword(storedHash: string, candidate: string): Promise<boolean> {
  if (candidate.length > MAX_PASSWORD_LENGTH * 4) return false;
  try {
    return await verify(storedHash, normalisePassword(candidate));
  } catch {
    return false;
  }
}

// ── TOTP (RFC 6238) ────────────────────────────────────────────────────────────────────────────

// What every authenticator app supports: HMAC-SHA1, 6 digits, 30-second steps (RFC 6238 §4, §5.2).
const TOTP_PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** One step either side of now: a phone clock a little off, or a code typed as it changed. */
const TOTP_WINDOW = 1;

/** A new secret of 160 bits (RFC 4226 §4 recommends this length), base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans (as a QR code). */
export function totpUri(secret: string, email: string): string {
  return new TOTP({
    issuer: 'Zorgpost',
    label: email,
    secret: Secret.fromBase32(secret),
    ...TOTP_PARAMETERS,
  }).toString();
}

/** The time step of `code` when it is valid at `at` (within the window), else null. Apps show codes
 * as "123 456"; spaces are ignored. */
export function totpStep(secret: string, code: string, at: Date): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const timestamp = at.getTime();
  const delta = TOTP.validate({
    token,
    secret: Secret.fromBase32(secret),
    ...TOTP_PARAMETERS,
    timestamp,
    window: TOTP_WINDOW,
  });
  return delta === null ? null : TOTP.counter({ period: TOTP_PARAMETERS.period, timestamp }) + delta;
}

/** Whether the input looks like a TOTP code rather than a recovery code. */
export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s+/g, ''));
}

// ── Recovery and activation codes ──────────────────────────────────────────────────────────────

// No 0/o, 1/l/i: codes are read from paper and typed.
const RECOVERY_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
// 32 characters, no I/O/0/1: exactly 5 bits each.
const ACTIVATION_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
// Recovery codes: 12 × log2(31) ≈ 59 bits; activation codes: 12 × 5 = 60 bits. Both are single use,
// throttled, and stored only as a keyed hash.
const CODE_LENGTH = 12;

function randomCode(alphabet: string): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += alphabet[randomInt(alphabet.length)];
  return code.match(/.{4}/g)!.join('-');
}

/** Users type codes with or without dashes and spaces, in any case: the canonical form, or null
 * when the input cannot be a code. */
function canonicalCode(input: string, alphabet: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  const cased = alphabet === ACTIVATION_ALPHABET ? compact.toUpperCase() : compact.toLowerCase();
  if (cased.length !== CODE_LENGTH || [...cased].some((c) => !alphabet.includes(c))) return null;
  return cased;
}

/** Like `abcd-efgh-jkmn`. */
export function generateRecoveryCode(): string {
  return randomCode(RECOVERY_ALPHABET);
}

export function canonicalRecoveryCode(input: string): string | null {
  return canonicalCode(input, RECOVERY_ALPHABET);
}

/** Like `ABCD-EFGH-JKLM`. */
export function generateActivationCode(): string {
  return randomCode(ACTIVATION_ALPHABET);
}

export function canonicalActivationCode(input: string): string | null {
  return canonicalCode(input, ACTIVATION_ALPHABET);
}
