// The recipient's side of a Viewer message (SPEC R15, R24, NTA 7516 6.1.10/6.1.17/6.1.18): no
// account, but a single-use code over a second channel; wrong codes lock the message, code requests
// are limited, and a session opens exactly one message. Every step is audit-logged (R22).
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import type { AuditEntry, ViewerMessageRecord } from '../store/store.ts';
import { UserError } from '../errors.ts';
import { LoginThrottle } from '../identity/login-throttle.ts';
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
} from './types.ts';
import {
  CODE_VALID_MINUTES,
  FIRST_LOCK_MINUTES,
  LINK_PATTERN,
  MAX_WRONG_CODES,
  SESSION_MINUTES,
  languageOf,
  messageState,
  openContent,
  type ViewerContext,
} from './viewer-context.ts';
import { codeSmsText, composeCodeMail, composeReply } from './viewer-mail.ts';
import { maskMobile } from './phone.ts';
import { rfc5322Date } from '../mail/submission.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export class ViewerAccessService implements ViewerAccess {
  readonly #ctx: ViewerContext;
  /** Wrong codes per source address across all messages (SPEC R24 "per source address"). */
  readonly #throttle: LoginThrottle;
  /** The PDF copy being rendered now; the next waits for it. */
  #pdfTurn: Promise<unknown> = Promise.resolve();

  constructor(ctx: ViewerContext, limits: { maxFailuresPerAddress: number; windowSeconds: number }) {
    this.#ctx = ctx;
    this.#throttle = new LoginThrottle({ maxFailuresPerAccount: Number.MAX_SAFE_INTEGER, ...limits });
  }

  async #find(link: string): Promise<ViewerMessageRecord | null> {
    if (!LINK_PATTERN.test(link)) return null;
    return this.#ctx.store.viewer.find({ linkHash: this.#ctx.sealer.hashSecret('link', link) });
  }

  async describe(link: string): Promise<ViewerLanding | null> {
    const record = await this.#find(link);
    if (!record) return null;
    const sender = await this.#ctx.store.accounts.findMailbox({ id: record.senderMailboxId });
    const org = await this.#ctx.store.accounts.findOrganisation({ id: record.orgId });
    return {
      state: messageState(record, new Date()),
      organisation: org?.name ?? '',
      senderName: sender?.displayName ?? '',
      channel: record.channel,
      maskedDestination: record.channel === 'sms' && record.mobile ? maskMobile(record.mobile) : maskAddress(record.recipient),
      language: languageOf(record),
      lockedUntil: record.lockedUntil && record.lockedUntil > new Date() ? record.lockedUntil : null,
      expiresAt: record.expiresAt,
    };
  }

  async requestCode(link: string, context: RequestContext): Promise<CodeRequestResult> {
    const record = await this.#find(link);
    if (!record) throw new UserError('NONEXISTENT', 'Unknown link');
    const now = new Date();
    const state = messageState(record, now);
    if (state === 'locked') return { ok: false, reason: 'locked', retryAfter: record.lockedUntil! };
    if (state !== 'active') return { ok: false, reason: state };
    const policy = await this.#ctx.policies.get(record.orgId);
    const since = new Date(now.getTime() - DAY);
    if ((await this.#ctx.store.viewer.countCodesSince(record.id, since)) >= policy.sms.maxCodeRequestsPerDay) {
      await this.#audit(record, 'secure.viewer.code.limit', context, {});
      return { ok: false, reason: 'resend-limit', retryAfter: new Date(now.getTime() + DAY) };
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const reference = randomBytes(12).toString('hex');
    const expiresAt = new Date(now.getTime() + CODE_VALID_MINUTES * MINUTE);
    await this.#ctx.store.viewer.insertCode({
      viewerMessageId: record.id,
      codeHash: this.#ctx.sealer.hashSecret(`code:${record.id}`, code),
      channel: record.channel,
      reference,
      createdAt: now,
      expiresAt,
    });
    await this.#audit(record, 'secure.viewer.code.request', context, { channel: record.channel, reference });
    const org = await this.#ctx.store.accounts.findOrganisation({ id: record.orgId });
    const organisation = { name: org?.name ?? '', domain: org?.domain ?? this.#ctx.hostname };
    try {
      if (record.channel === 'sms' && record.mobile) {
        await this.#ctx.sms.send({ to: record.mobile, text: codeSmsText(languageOf(record), code, CODE_VALID_MINUTES, organisation.name), reference });
      } else {
        const raw = await composeCodeMail({ language: languageOf(record), organisation, recipient: record.recipient, code, minutes: CODE_VALID_MINUTES });
        await this.#ctx.outbound.send({ mailFrom: `no-reply@${organisation.domain}`, recipients: [record.recipient], kind: 'viewer-code' }, raw);
      }
    } catch (error) {
      this.#ctx.logger.warn({ err: error, viewerMessageId: record.id }, 'access code could not be sent');
      await this.#ctx.store.viewer.mark(record.id, 'codeFailedAt', new Date(), [
        this.#entry(record, 'secure.viewer.code.failure', context, { channel: record.channel, reference, reason: (error as Error).message }),
      ]);
      return { ok: false, reason: 'delivery-failed' };
    }
    await this.#ctx.store.viewer.mark(record.id, 'codeSentAt', new Date(), [
      this.#entry(record, 'secure.viewer.code.send', context, { channel: record.channel, reference, gateway: record.channel === 'sms' ? this.#ctx.sms.name : 'mail' }),
    ]);
    const used = await this.#ctx.store.viewer.countCodesSince(record.id, since);
    return {
      ok: true,
      channel: record.channel,
      maskedDestination: record.channel === 'sms' && record.mobile ? maskMobile(record.mobile) : maskAddress(record.recipient),
      resendsLeft: Math.max(0, policy.sms.maxCodeRequestsPerDay - used),
      codeValidUntil: expiresAt,
    };
  }

  async checkCode(link: string, code: string, context: RequestContext): Promise<CodeCheckResult> {
    const record = await this.#find(link);
    if (!record) throw new UserError('NONEXISTENT', 'Unknown link');
    const now = new Date();
    const state = messageState(record, now);
    const attemptsLeft = Math.max(0, MAX_WRONG_CODES - (record.failedAttempts % MAX_WRONG_CODES));
    if (state === 'locked') return { ok: false, reason: 'locked', attemptsLeft: 0, lockedUntil: record.lockedUntil! };
    if (state !== 'active') return { ok: false, reason: state, attemptsLeft };
    // SPEC R24: wrong codes from one address across many messages are throttled as well.
    const wait = this.#throttle.retryAfter('viewer', context.remoteAddress);
    if (wait > 0) return { ok: false, reason: 'locked', attemptsLeft: 0, lockedUntil: new Date(now.getTime() + wait * 1000) };
    const latest = await this.#ctx.store.viewer.latestCode(record.id);
    if (!latest || latest.usedAt) return { ok: false, reason: 'no-code', attemptsLeft };
    const given = this.#ctx.sealer.hashSecret(`code:${record.id}`, code.replace(/\s+/g, ''));
    if (!equal(given, latest.codeHash)) return this.#wrongCode(record, context);
    if (latest.expiresAt <= now) {
      await this.#audit(record, 'secure.viewer.code.expired', context, { reference: latest.reference });
      return { ok: false, reason: 'code-expired', attemptsLeft };
    }
    if (!(await this.#ctx.store.viewer.useCode(latest.id, now))) return { ok: false, reason: 'no-code', attemptsLeft };
    await this.#ctx.store.viewer.resetFailedAttempts(record.id);
    const token = randomBytes(32).toString('base64url');
    const sessionExpiresAt = new Date(now.getTime() + SESSION_MINUTES * MINUTE);
    await this.#ctx.store.viewer.insertSession({ tokenHash: tokenHash(token), viewerMessageId: record.id, createdAt: now, expiresAt: sessionExpiresAt });
    await this.#audit(record, 'secure.viewer.code.accepted', context, { reference: latest.reference });
    return { ok: true, sessionToken: token, sessionExpiresAt };
  }

  async #wrongCode(record: ViewerMessageRecord, context: RequestContext): Promise<CodeCheckResult> {
    this.#throttle.recordFailure('viewer', context.remoteAddress);
    const failures = record.failedAttempts + 1;
    const locks = failures % MAX_WRONG_CODES === 0;
    // Each further lock lasts twice as long, up to a day.
    const lockMinutes = Math.min(FIRST_LOCK_MINUTES * 2 ** (failures / MAX_WRONG_CODES - 1), 24 * 60);
    const lockedUntil = locks ? new Date(Date.now() + lockMinutes * MINUTE) : null;
    await this.#ctx.store.viewer.recordFailedAttempt(record.id, lockedUntil);
    await this.#audit(record, 'secure.viewer.code.wrong', context, { failures });
    if (lockedUntil) {
      await this.#audit(record, 'secure.viewer.lockout', context, { until: lockedUntil.toISOString() });
      return { ok: false, reason: 'locked', attemptsLeft: 0, lockedUntil };
    }
    return { ok: false, reason: 'wrong-code', attemptsLeft: MAX_WRONG_CODES - (failures % MAX_WRONG_CODES) };
  }

  async session(link: string, sessionToken: string): Promise<ViewerSession | null> {
    const record = await this.#find(link);
    if (!record || !sessionToken) return null;
    const session = await this.#ctx.store.viewer.findSession(tokenHash(sessionToken));
    const now = new Date();
    if (!session || session.viewerMessageId !== record.id || session.expiresAt <= now) return null;
    const state = messageState(record, now);
    if (state === 'withdrawn' || state === 'expired') return null;
    return { link, viewerMessageId: record.id, expiresAt: session.expiresAt };
  }

  async #live(session: ViewerSession): Promise<ViewerMessageRecord> {
    const record = await this.#ctx.store.viewer.find({ id: session.viewerMessageId });
    const state = record ? messageState(record, new Date()) : 'expired';
    if (!record || state === 'withdrawn' || state === 'expired') throw new UserError('NONEXISTENT', 'This message is no longer available');
    return record;
  }

  async read(session: ViewerSession, context: RequestContext): Promise<ViewerMessageView> {
    const record = await this.#live(session);
    const parsed = await simpleParser(await openContent(this.#ctx, record), { skipImageLinks: true });
    const opened = this.#entry(record, 'secure.viewer.open', context, {});
    if (record.openedAt) await this.#ctx.audit.record(opened);
    else await this.#ctx.store.viewer.mark(record.id, 'openedAt', new Date(), [opened]);
    const from = parsed.from?.value[0];
    return {
      subject: parsed.subject ?? '',
      from: { name: from?.name ?? '', address: from?.address ?? '' },
      to: addressText(parsed.to),
      date: parsed.date ?? record.createdAt,
      text: parsed.text ?? '',
      hasHtml: typeof parsed.html === 'string' && parsed.html.length > 0,
      attachments: parsed.attachments.map((a, index) => ({
        index,
        filename: a.filename ?? `attachment-${index + 1}`,
        contentType: a.contentType,
        size: a.size,
      })),
      replies: (await this.#ctx.store.viewer.listReplies(record.id)).map((r) => ({ at: r.at, attachmentCount: r.attachmentCount })),
      expiresAt: record.expiresAt,
    };
  }

  async html(session: ViewerSession): Promise<string | null> {
    const record = await this.#live(session);
    const parsed = await simpleParser(await openContent(this.#ctx, record));
    return typeof parsed.html === 'string' && parsed.html ? parsed.html : null;
  }

  async attachment(session: ViewerSession, index: number, context: RequestContext): Promise<DownloadFile> {
    const record = await this.#live(session);
    const parsed = await simpleParser(await openContent(this.#ctx, record));
    const found = Number.isInteger(index) ? parsed.attachments[index] : undefined;
    if (!found) throw new UserError('NONEXISTENT', 'No such attachment');
    await this.#audit(record, 'secure.viewer.download', context, { attachment: index, filename: found.filename ?? null });
    return { filename: found.filename ?? `attachment-${index + 1}`, contentType: found.contentType, content: found.content };
  }

  async ownCopy(session: ViewerSession, format: 'eml' | 'pdf', context: RequestContext): Promise<DownloadFile> {
    const record = await this.#live(session);
    const raw = await openContent(this.#ctx, record);
    await this.#audit(record, 'secure.viewer.download', context, { copy: format });
    const name = `bericht-${record.createdAt.toISOString().slice(0, 10)}`;
    if (format === 'eml') return { filename: `${name}.eml`, contentType: 'message/rfc822', content: raw };
    // pdfkit is loaded on first use: most processes never render a PDF. Layout holds the event loop
    // in slices, so copies are rendered one at a time rather than piling up memory side by side.
    const rendering = this.#pdfTurn.then(async () => {
      const { renderMessagePdf } = await import('./own-copy-pdf.ts');
      return renderMessagePdf(raw, { language: languageOf(record), receivedAt: record.createdAt });
    });
    this.#pdfTurn = rendering.catch(() => undefined);
    return { filename: `${name}.pdf`, contentType: 'application/pdf', content: await rendering };
  }

  async reply(session: ViewerSession, reply: ViewerReply, context: RequestContext): Promise<void> {
    const record = await this.#live(session);
    if (!reply.text.trim() && reply.attachments.length === 0) throw new UserError('BADINPUT', 'The reply is empty');
    const sender = await this.#ctx.store.accounts.findMailbox({ id: record.senderMailboxId });
    if (!sender) throw new UserError('NONEXISTENT', 'The sender no longer has a mailbox here');
    const original = await simpleParser(await openContent(this.#ctx, record));
    const references = Array.isArray(original.references) ? original.references : original.references ? [original.references] : [];
    const raw = await composeReply({
      from: record.recipient,
      to: { name: sender.displayName, address: sender.address },
      subject: original.subject ?? '',
      inReplyTo: record.messageId,
      references,
      text: reply.text,
      attachments: reply.attachments,
      messageIdDomain: this.#ctx.hostname,
    });
    const received = Buffer.from(
      `Received: from Viewer ([${context.remoteAddress.replace(/[^0-9a-fA-F:.]/g, '?')}])\r\n\tby ${this.#ctx.hostname} (Zorgpost Viewer) with HTTPS;\r\n\t${rfc5322Date(new Date())}\r\n`,
    );
    const size = reply.attachments.reduce((sum, a) => sum + a.content.length, reply.text.length);
    // SPEC R15/6.1.14: the reply lands in the sender's mailbox as a normal message, never as mail
    // over the internet.
    await this.#ctx.mail.deliver([sender.id], raw, {
      prefix: received,
      audit: (delivered) => [
        {
          actor: record.recipient,
          action: 'secure.viewer.reply',
          mailboxId: sender.id,
          remoteAddress: context.remoteAddress,
          detail: { viewerMessageId: record.id, attachments: reply.attachments.length, size, uid: delivered[0]?.uid ?? null },
        },
      ],
    });
    await this.#ctx.store.viewer.insertReply({ viewerMessageId: record.id, at: new Date(), attachmentCount: reply.attachments.length, size });
    await this.#ctx.store.viewer.mark(record.id, 'repliedAt', new Date());
  }

  async endSession(_session: ViewerSession, sessionToken: string): Promise<void> {
    await this.#ctx.store.viewer.deleteSession(tokenHash(sessionToken));
  }

  async #audit(record: ViewerMessageRecord, action: string, context: RequestContext, detail: Record<string, unknown>): Promise<void> {
    await this.#ctx.audit.record(this.#entry(record, action, context, detail));
  }

  #entry(record: ViewerMessageRecord, action: string, context: RequestContext, detail: Record<string, unknown>): AuditEntry {
    return { actor: record.recipient, action, mailboxId: record.senderMailboxId, remoteAddress: context.remoteAddress, detail: { viewerMessageId: record.id, ...detail } };
  }
}

/** Session tokens are 256-bit random: a plain hash is enough to keep the database from holding them. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `p****@example.nl`: enough to recognise one's own address, not enough to learn someone's. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '****';
  return `${address[0]}****${address.slice(at)}`;
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((v) => v.text).join(', ');
}

