// The Viewer's JSON API as it travels (dates as ISO 8601 strings): one definition that both the
// route plugin and the browser app (web/viewer) compile against, so the two cannot drift apart.
// Types and plain constants only: the browser bundle imports this file, so it must not pull server code in.
import type { CodeChannel, ViewerLanguage } from '../../secure/types.ts';
import { UPLOAD_LIMITS, type CommonErrorCode, type ErrorJsonOf, type TooLargeReason } from '../shared/wire.ts';

export type { CodeChannel, TooLargeReason, ViewerLanguage };

/** `GET /api/viewer/:link/`: what may be shown before the code (nothing medical, SPEC R25). */
export interface LandingJson {
  state: 'active' | 'withdrawn' | 'expired' | 'locked';
  organisation: string;
  senderName: string;
  channel: CodeChannel;
  maskedDestination: string;
  language: ViewerLanguage;
  lockedUntil: string | null;
  expiresAt: string;
  /** Whether this browser already holds a valid session for the link (a reload after the code). */
  signedIn: boolean;
}

/** `POST /api/viewer/:link/code`, 200. */
export interface CodeSentJson {
  channel: CodeChannel;
  maskedDestination: string;
  resendsLeft: number;
  codeValidUntil: string;
}

/** `POST /api/viewer/:link/session`, 200; the session itself travels only in the HttpOnly cookie. */
export interface SessionJson {
  expiresAt: string;
}

export interface AttachmentJson {
  index: number;
  filename: string;
  contentType: string;
  size: number;
}

/** `GET /api/viewer/:link/message`. */
export interface MessageJson {
  subject: string;
  from: { name: string; address: string };
  to: string;
  date: string;
  text: string;
  hasHtml: boolean;
  attachments: AttachmentJson[];
  replies: Array<{ at: string; attachmentCount: number }>;
  expiresAt: string;
}

/** `POST /api/viewer/:link/reply`, 200. */
export interface ReplySentJson {
  at: string;
  attachmentCount: number;
}

/** Machine codes of every error answer; the app shows its own sentence for each. */
export type ErrorCode =
  | CommonErrorCode
  // link and session
  | 'no-session'
  // code request and check (CodeRequestResult / CodeCheckResult reasons)
  | 'resend-limit'
  | 'delivery-failed'
  | 'wrong-code'
  | 'code-expired'
  | 'no-code'
  | 'locked'
  | 'withdrawn'
  | 'expired';

/** Every 4xx/5xx answer of the API; `reason` says which upload limit a 413 crossed. */
export type ErrorJson = ErrorJsonOf<ErrorCode, TooLargeReason>;

/** Limits of one reply (also checked in the browser before sending). */
export const REPLY_LIMITS = UPLOAD_LIMITS;

/** The header every POST must carry (a CSRF defence besides SameSite=Strict). */
export const CSRF_HEADER = 'x-zorgpost-viewer';
