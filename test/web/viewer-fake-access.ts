// An in-memory ViewerAccess for the Viewer's route and browser tests: a few messages in fixed
// states, codes and sessions kept in maps, every call recorded with its RequestContext, and a way to
// make the next call of a method fail, to check how errors reach the browser.
import { randomBytes } from 'node:crypto';
import { UserError } from '../../src/errors.ts';
import type {
  CodeCheckResult,
  CodeRequestResult,
  DownloadFile,
  RequestContext,
  ViewerAccess,
  ViewerLanding,
  ViewerMessageView,
  ViewerReply,
  ViewerSession,
} from '../../src/secure/types.ts';

/** A well-formed link (22 base64url characters) that is easy to read in a failing test. */
export function fakeLink(name: string): string {
  return name
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .padEnd(22, 'x')
    .slice(0, 22);
}

export interface FakeMessage {
  link: string;
  landing: ViewerLanding;
  code: string;
  view: ViewerMessageView;
  html: string | null;
  files: DownloadFile[];
  eml: Buffer;
  pdf: Buffer;
  attemptsLeft: number;
  resendsLeft: number;
  codeRequested: boolean;
  codeExpired: boolean;
}

export interface RecordedCall {
  method: keyof ViewerAccess;
  link: string;
  context?: RequestContext;
}

const HOUR = 3_600_000;

export const LINKS = {
  active: fakeLink('active'),
  withdrawn: fakeLink('withdrawn'),
  expired: fakeLink('expired'),
  locked: fakeLink('locked'),
  unknown: fakeLink('unknown'),
};

/** Binary bytes that are not valid UTF-8, to prove downloads are passed through unchanged. */
export const LAB_PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n'),
  Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a]),
  randomBytes(3000),
]);
export const HOSTILE_NAME = 'uitslag "lab"\r\nSet-Cookie: x=1; überweisung.pdf';

export function fakeMessages(): Map<string, FakeMessage> {
  const now = Date.now();
  const landing = (state: ViewerLanding['state']): ViewerLanding => ({
    state,
    organisation: 'Huisartsenpraktijk De Linde',
    senderName: 'Dr. Jan Müller',
    channel: 'sms',
    maskedDestination: '06-****5678',
    language: 'nl',
    lockedUntil: state === 'locked' ? new Date(now + HOUR) : null,
    expiresAt: new Date(now + 90 * 24 * HOUR),
  });
  const view: ViewerMessageView = {
    subject: 'Uitslag bloedonderzoek',
    from: { name: 'Dr. Jan Müller', address: 'jan.muller@huisarts.example' },
    to: 'piet.patient@example.nl',
    date: new Date('2025-05-06T09:30:00Z'),
    text: 'Beste Piet,\n\nDe uitslag van uw bloedonderzoek is binnen.\n    Hb: 8,9 mmol/l\n\nMet vriendelijke groet,\nDr. Müller',
    hasHtml: true,
    attachments: [
      { index: 0, filename: HOSTILE_NAME, contentType: 'application/pdf', size: LAB_PDF.length },
      {
        index: 1,
        filename: 'een-heel-lange-bestandsnaam-zonder-spaties-die-niet-mag-uitsteken-op-een-smal-scherm.txt',
        contentType: 'text/plain',
        size: 12,
      },
    ],
    replies: [],
    expiresAt: new Date(now + 90 * 24 * HOUR),
  };
  const messages = new Map<string, FakeMessage>();
  for (const [name, state] of [
    ['active', 'active'],
    ['withdrawn', 'withdrawn'],
    ['expired', 'expired'],
    ['locked', 'locked'],
  ] as const) {
    const link = LINKS[name];
    messages.set(link, {
      link,
      landing: landing(state),
      code: '123456',
      view: structuredClone(view),
      html: '<p>Beste <b>Piet</b>,</p><p>De uitslag is binnen.</p><img src="https://tracker.example/pixel.gif" alt="">',
      files: [
        { filename: HOSTILE_NAME, contentType: 'application/pdf', content: LAB_PDF },
        { filename: view.attachments[1]!.filename, contentType: 'text/plain', content: Buffer.from('hallo wereld') },
      ],
      eml: Buffer.from('From: jan.muller@huisarts.example\r\nSubject: Uitslag bloedonderzoek\r\n\r\nBeste Piet,\r\n'),
      pdf: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(500)]),
      attemptsLeft: 5,
      resendsLeft: 3,
      codeRequested: false,
      codeExpired: false,
    });
  }
  return messages;
}

export class FakeViewerAccess implements ViewerAccess {
  readonly messages = fakeMessages();
  readonly calls: RecordedCall[] = [];
  readonly replies: Array<{ link: string; reply: ViewerReply; context: RequestContext }> = [];
  readonly sessions = new Map<string, ViewerSession>();
  readonly #failures = new Map<keyof ViewerAccess, Error>();
  #nextId = 1;

  /** The next call of `method` rejects with `error`. */
  failNext(method: keyof ViewerAccess, error: Error): void {
    this.#failures.set(method, error);
  }

  /** A session as if the code had been entered, for route tests that start behind the code. */
  openSession(link: string): string {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { link, viewerMessageId: this.#nextId++, expiresAt: new Date(Date.now() + HOUR / 2) });
    return token;
  }

  #enter(method: keyof ViewerAccess, link: string, context?: RequestContext): void {
    this.calls.push({ method, link, ...(context ? { context } : {}) });
    const failure = this.#failures.get(method);
    if (failure) {
      this.#failures.delete(method);
      throw failure;
    }
  }

  #message(link: string): FakeMessage {
    const message = this.messages.get(link);
    if (!message) throw new UserError('NONEXISTENT', 'Unknown link');
    return message;
  }

  async describe(link: string): Promise<ViewerLanding | null> {
    this.#enter('describe', link);
    return this.messages.get(link)?.landing ?? null;
  }

  async requestCode(link: string, context: RequestContext): Promise<CodeRequestResult> {
    this.#enter('requestCode', link, context);
    const message = this.#message(link);
    const { state, lockedUntil } = message.landing;
    if (state === 'locked') return { ok: false, reason: 'locked', retryAfter: lockedUntil! };
    if (state !== 'active') return { ok: false, reason: state };
    if (message.resendsLeft === 0)
      return { ok: false, reason: 'resend-limit', retryAfter: new Date(Date.now() + 24 * HOUR) };
    message.resendsLeft--;
    message.codeRequested = true;
    message.codeExpired = false;
    return {
      ok: true,
      channel: message.landing.channel,
      maskedDestination: message.landing.maskedDestination,
      resendsLeft: message.resendsLeft,
      codeValidUntil: new Date(Date.now() + HOUR / 4),
    };
  }

  async checkCode(link: string, code: string, context: RequestContext): Promise<CodeCheckResult> {
    this.#enter('checkCode', link, context);
    const message = this.#message(link);
    const { state, lockedUntil } = message.landing;
    if (state === 'locked') return { ok: false, reason: 'locked', attemptsLeft: 0, lockedUntil: lockedUntil! };
    if (state !== 'active') return { ok: false, reason: state, attemptsLeft: message.attemptsLeft };
    if (!message.codeRequested) return { ok: false, reason: 'no-code', attemptsLeft: message.attemptsLeft };
    if (code.replace(/\s+/g, '') !== message.code) {
      message.attemptsLeft--;
      if (message.attemptsLeft > 0) return { ok: false, reason: 'wrong-code', attemptsLeft: message.attemptsLeft };
      message.landing.state = 'locked';
      message.landing.lockedUntil = new Date(Date.now() + HOUR / 4);
      return { ok: false, reason: 'locked', attemptsLeft: 0, lockedUntil: message.landing.lockedUntil };
    }
    if (message.codeExpired) return { ok: false, reason: 'code-expired', attemptsLeft: message.attemptsLeft };
    message.codeRequested = false;
    message.attemptsLeft = 5;
    const token = this.openSession(link);
    return { ok: true, sessionToken: token, sessionExpiresAt: this.sessions.get(token)!.expiresAt };
  }

  async session(link: string, sessionToken: string): Promise<ViewerSession | null> {
    this.#enter('session', link);
    const session = this.sessions.get(sessionToken);
    const state = this.messages.get(link)?.landing.state;
    if (
      !session ||
      session.link !== link ||
      session.expiresAt <= new Date() ||
      state === 'withdrawn' ||
      state === 'expired'
    )
      return null;
    return session;
  }

  async read(session: ViewerSession, context: RequestContext): Promise<ViewerMessageView> {
    this.#enter('read', session.link, context);
    return this.#message(session.link).view;
  }

  async html(session: ViewerSession): Promise<string | null> {
    this.#enter('html', session.link);
    return this.#message(session.link).html;
  }

  async attachment(session: ViewerSession, index: number, context: RequestContext): Promise<DownloadFile> {
    this.#enter('attachment', session.link, context);
    const file = this.#message(session.link).files[index];
    if (!file) throw new UserError('NONEXISTENT', 'No such attachment');
    return file;
  }

  async ownCopy(session: ViewerSession, format: 'eml' | 'pdf', context: RequestContext): Promise<DownloadFile> {
    this.#enter('ownCopy', session.link, context);
    const message = this.#message(session.link);
    return format === 'eml'
      ? { filename: 'bericht-2025-05-06.eml', contentType: 'message/rfc822', content: message.eml }
      : { filename: 'bericht-2025-05-06.pdf', contentType: 'application/pdf', content: message.pdf };
  }

  async reply(session: ViewerSession, reply: ViewerReply, context: RequestContext): Promise<void> {
    this.#enter('reply', session.link, context);
    const message = this.#message(session.link);
    this.replies.push({ link: session.link, reply, context });
    message.view.replies.push({ at: new Date(), attachmentCount: reply.attachments.length });
  }

  async endSession(session: ViewerSession, sessionToken: string): Promise<void> {
    this.#enter('endSession', session.link);
    this.sessions.delete(sessionToken);
  }
}
