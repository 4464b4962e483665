// The patient page's JSON API as it travels (dates as ISO 8601 strings): one definition that both the
// route plugin and the browser app (web/patient) compile against, so the two cannot drift apart.
// Types and plain constants only: the browser bundle imports this file, so it must not pull server code in.
import type { CodeChannel, ViewerLanguage } from '../../secure/types.ts';
import { UPLOAD_LIMITS, type CommonErrorCode, type ErrorJsonOf, type TooLargeReason } from '../shared/wire.ts';

export type { CodeChannel, TooLargeReason, ViewerLanguage };

/**
 * An organisation's domain as it may appear in `/patient/<domain>`: DNS labels (RFC 1035 §2.3.1,
 * letters, digits and inner hyphens, at most 63 each), at least two of them, 253 characters in all.
 * Anything else is answered 404 without asking the service.
 */
export const DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** `GET /api/patient/:domain/`: whose page this is. */
export interface PatientPageJson {
  organisation: string;
  domain: string;
  language: ViewerLanguage;
}

/** `POST /api/patient/:domain/code` body: without a mobile number the code goes by e-mail. */
export interface CodeRequestJson {
  email: string;
  mobile?: string;
}

/** `POST /api/patient/:domain/code`, 200; the token travels only in the HttpOnly cookie. */
export interface CodeSentJson {
  channel: CodeChannel;
  maskedDestination: string;
  codeValidUntil: string;
}

/** `POST /api/patient/:domain/verify`, 200: messages can be sent until `expiresAt`. */
export interface VerifiedJson {
  expiresAt: string;
}

/** `POST /api/patient/:domain/message`, 200. */
export interface MessageSentJson {
  at: string;
  attachmentCount: number;
}

/** Machine codes of every error answer; the app shows its own sentence for each. */
export type ErrorCode =
  | CommonErrorCode
  // no cookie, or a session that ended: start again with a new code
  | 'no-session'
  // the code request and its check (PatientCodeResult / PatientVerifyResult reasons)
  | 'delivery-failed'
  | 'wrong-code'
  | 'code-expired'
  | 'no-code'
  | 'locked';

/** Which field of the code request was refused with 400 `bad-input`. */
export type ContactReason = 'email' | 'mobile';

export type ErrorJson = ErrorJsonOf<ErrorCode, ContactReason | TooLargeReason>;

/** Limits of one message (also checked in the browser before sending). */
export const MESSAGE_LIMITS = {
  ...UPLOAD_LIMITS,
  /** Characters of the name and the subject the practice sees (the service cuts longer ones). */
  nameChars: 100,
  subjectChars: 200,
} as const;

/** The header every POST must carry (a CSRF defence besides SameSite=Strict). */
export const CSRF_HEADER = 'x-zorgpost-patient';
