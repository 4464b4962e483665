// Contracts of secure sending (SPEC R14–R18, R31): what the Viewer web front-end, the SMS gateways and
// the sender-side API may ask of the secure services. Front-ends depend on these types only.

/** SPEC R14, highest security first. */
export const INSTALL_TYPES = ['viewer-06-verplicht', 'viewer-06-controle', 'viewer', 'standaard'] as const;
export type InstallType = (typeof INSTALL_TYPES)[number];

/** How the recipient of a Viewer message receives the access code. */
export type CodeChannel = 'sms' | 'email';

export type ViewerLanguage = 'nl' | 'en' | 'de';

/** What the Viewer may show before the recipient has entered a code: nothing medical (SPEC R25). */
export interface ViewerLanding {
  state: 'active' | 'withdrawn' | 'expired' | 'locked';
  /** Display name of the sending organisation. */
  organisation: string;
  /** Display name of the sender (a person or a practice). */
  senderName: string;
  channel: CodeChannel;
  /** `06-****5678` for SMS, `p****@example.nl` for e-mail. */
  maskedDestination: string;
  /** The organisation's default language for this recipient. */
  language: ViewerLanguage;
  /** Until when a locked message stays locked. */
  lockedUntil: Date | null;
  expiresAt: Date;
}

export type CodeRequestResult =
  | { ok: true; channel: CodeChannel; maskedDestination: string; resendsLeft: number; codeValidUntil: Date }
  | { ok: false; reason: 'resend-limit' | 'locked' | 'withdrawn' | 'expired' | 'delivery-failed'; retryAfter?: Date };

export type CodeCheckResult =
  | { ok: true; sessionToken: string; sessionExpiresAt: Date }
  | { ok: false; reason: 'wrong-code' | 'code-expired' | 'no-code' | 'locked' | 'withdrawn' | 'expired'; attemptsLeft: number; lockedUntil?: Date };

export interface ViewerAttachmentInfo {
  /** Position in the message's attachment list, 0-based; the key for downloads. */
  index: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface ViewerMessageView {
  subject: string;
  from: { name: string; address: string };
  to: string;
  date: Date;
  /** Plain-text body (derived from HTML when the message has no text part). */
  text: string;
  /** Whether an HTML body exists; served separately, for a sandboxed frame. */
  hasHtml: boolean;
  attachments: ViewerAttachmentInfo[];
  replies: Array<{ at: Date; attachmentCount: number }>;
  expiresAt: Date;
}

export interface DownloadFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface ViewerReply {
  text: string;
  attachments: DownloadFile[];
}

/** Who is asking, for throttling and the audit log (SPEC R22, R24). */
export interface RequestContext {
  remoteAddress: string;
  userAgent?: string;
}

/** A verified Viewer session: valid for exactly one message (the link it was opened with). */
export interface ViewerSession {
  link: string;
  viewerMessageId: number;
  expiresAt: Date;
}

/**
 * The Viewer's server side. `link` is the random identifier from the notification's URL
 * (`https://<host>/v/<link>`). An unknown or malformed link gives `null` / a rejected promise with
 * a UserError('NONEXISTENT'), indistinguishable from each other, so guessing finds nothing.
 */
export interface ViewerAccess {
  describe(link: string): Promise<ViewerLanding | null>;
  requestCode(link: string, context: RequestContext): Promise<CodeRequestResult>;
  checkCode(link: string, code: string, context: RequestContext): Promise<CodeCheckResult>;
  /** The session behind a cookie, or null when it is unknown, expired, for another link, or the
   * message was withdrawn/expired meanwhile. */
  session(link: string, sessionToken: string): Promise<ViewerSession | null>;
  read(session: ViewerSession, context: RequestContext): Promise<ViewerMessageView>;
  /** The message's HTML body as sent (the front-end serves it under a sandboxing CSP). */
  html(session: ViewerSession): Promise<string | null>;
  attachment(session: ViewerSession, index: number, context: RequestContext): Promise<DownloadFile>;
  ownCopy(session: ViewerSession, format: 'eml' | 'pdf', context: RequestContext): Promise<DownloadFile>;
  reply(session: ViewerSession, reply: ViewerReply, context: RequestContext): Promise<void>;
  endSession(session: ViewerSession, sessionToken: string): Promise<void>;
}

/** One SMS to send. `reference` is ours and comes back in delivery reports. */
export interface SmsMessage {
  /** E.164, e.g. +31612345678. */
  to: string;
  text: string;
  reference: string;
}

export interface SmsGateway {
  readonly name: string;
  /** Resolves once the provider accepted the message (or the outbox file is written). */
  send(message: SmsMessage): Promise<{ providerMessageId: string | null }>;
}

/** A delivery report from a provider's webhook, already parsed and checked. */
export interface SmsDeliveryReport {
  reference: string;
  status: 'delivered' | 'failed' | 'pending';
  at: Date;
  detail: string | null;
}
