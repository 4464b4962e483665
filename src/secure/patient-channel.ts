// The secure channel for patients (SPEC R31, NTA 7516 §6.5): an organisation's public page where a
// person proves an e-mail address (code by e-mail) or mobile number (code by SMS) and then sends the
// practice a message with attachments. The message lands in the practice mailbox's INBOX; the
// verified contact is remembered, so the practice's answers to it go back through the Viewer.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MailService } from '../mail/types.ts';
import type { OutboundMail } from '../mail/outbound.ts';
import type { PolicyService } from '../policy/policy-service.ts';
import { UserError } from '../errors.ts';
import { rfc5322Date } from '../mail/submission.ts';
import type { ContentSealer } from './content-sealing.ts';
import type { DownloadFile, RequestContext, SmsGateway, ViewerLanguage } from './types.ts';
import { maskMobile, normaliseMobile } from './phone.ts';
import { maskAddress } from './viewer-access.ts';
import { codeSmsText, composeCodeMail, noReplyAddress } from './viewer-mail.ts';
import { CODE_VALID_MINUTES, MAX_WRONG_CODES, SESSION_MINUTES, languageFromSetting } from './viewer-context.ts';

const MINUTE = 60_000;
/** Code requests one source address may make per hour, across organisations. */
export const MAX_CODE_REQUESTS_PER_HOUR = 10;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export interface PatientChannelInfo {
  organisation: string;
  domain: string;
  language: ViewerLanguage;
}

export type PatientCodeResult =
  | { ok: true; token: string; channel: 'sms' | 'email'; maskedDestination: string; codeValidUntil: Date }
  | { ok: false; reason: 'rate-limit' | 'delivery-failed' };

export type PatientVerifyResult =
  | { ok: true; sessionExpiresAt: Date }
  | { ok: false; reason: 'wrong-code' | 'code-expired' | 'locked' | 'unknown'; attemptsLeft: number };

export interface PatientMessage {
  name: string;
  subject: string;
  text: string;
  attachments: DownloadFile[];
}

export class PatientChannelService {
  readonly #store: Store;
  readonly #policies: PolicyService;
  readonly #mail: MailService;
  readonly #outbound: OutboundMail;
  readonly #sms: SmsGateway;
  readonly #sealer: ContentSealer;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #hostname: string;

  constructor(options: {
    store: Store;
    policies: PolicyService;
    mail: MailService;
    outbound: OutboundMail;
    sms: SmsGateway;
    sealer: ContentSealer;
    audit: AuditLog;
    logger: Logger;
    hostname: string;
  }) {
    this.#store = options.store;
    this.#policies = options.policies;
    this.#mail = options.mail;
    this.#outbound = options.outbound;
    this.#sms = options.sms;
    this.#sealer = options.sealer;
    this.#audit = options.audit;
    this.#logger = options.logger;
    this.#hostname = options.hostname;
  }

  /** The organisation behind a patient page, or null when it does not exist or has the page off. */
  async info(domain: string): Promise<PatientChannelInfo | null> {
    const found = await this.#enabled(domain);
    return found && { organisation: found.org.name, domain: found.org.domain, language: found.language };
  }

  async #enabled(domain: string) {
    if (!/^[a-z0-9.-]{1,253}$/i.test(domain)) return null;
    const org = await this.#store.accounts.findOrganisation({ domain: domain.toLowerCase() });
    if (!org) return null;
    const policy = await this.#policies.get(org.id);
    if (!policy.patientChannel.enabled || !policy.patientChannel.mailbox) return null;
    return { org, mailboxAddress: policy.patientChannel.mailbox, language: languageFromSetting(policy.languageSetting) };
  }

  async requestCode(domain: string, contact: { email: string; mobile?: string | null }, context: RequestContext): Promise<PatientCodeResult> {
    const found = await this.#enabled(domain);
    if (!found) throw new UserError('NONEXISTENT', 'This organisation has no patient page');
    const email = contact.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) throw new UserError('BADINPUT', 'Enter a valid e-mail address');
    const mobile = contact.mobile?.trim() ? normaliseMobile(contact.mobile).e164 : null;
    // SPEC R24: code requests are limited per source address.
    const since = new Date(Date.now() - 60 * MINUTE);
    if ((await this.#store.patientChannel.countVerificationsFrom(context.remoteAddress, since)) >= MAX_CODE_REQUESTS_PER_HOUR) {
      await this.#record('patient.code.limit', email, found.org.id, context, {});
      return { ok: false, reason: 'rate-limit' };
    }
    const token = randomBytes(32).toString('base64url');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const channel = mobile ? 'sms' : 'email';
    const now = new Date();
    const verification = await this.#store.patientChannel.insertVerification({
      tokenHash: hash(token),
      orgId: found.org.id,
      email,
      mobile,
      channel,
      codeHash: this.#sealer.hashSecret('patient-code', `${token}:${code}`),
      remoteAddress: context.remoteAddress,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CODE_VALID_MINUTES * MINUTE),
    });
    try {
      if (mobile) {
        await this.#sms.send({ to: mobile, text: codeSmsText(found.language, code, CODE_VALID_MINUTES, found.org.name), reference: randomBytes(12).toString('hex') });
      } else {
        const raw = await composeCodeMail({ language: found.language, organisation: found.org, recipient: email, code, minutes: CODE_VALID_MINUTES });
        await this.#outbound.send({ mailFrom: noReplyAddress(found.org.domain), recipients: [email], kind: 'patient-code' }, raw);
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'patient channel code could not be sent');
      await this.#record('patient.code.failure', email, found.org.id, context, { channel });
      return { ok: false, reason: 'delivery-failed' };
    }
    await this.#record('patient.code.send', email, found.org.id, context, { channel, verificationId: verification.id });
    return { ok: true, token, channel, maskedDestination: mobile ? maskMobile(mobile) : maskAddress(email), codeValidUntil: verification.expiresAt };
  }

  async verify(domain: string, token: string, code: string, context: RequestContext): Promise<PatientVerifyResult> {
    const found = await this.#enabled(domain);
    const verification = found && token ? await this.#store.patientChannel.findVerification(hash(token)) : null;
    if (!found || !verification || verification.orgId !== found.org.id || verification.verifiedAt) return { ok: false, reason: 'unknown', attemptsLeft: 0 };
    if (verification.failedAttempts >= MAX_WRONG_CODES) return { ok: false, reason: 'locked', attemptsLeft: 0 };
    const given = this.#sealer.hashSecret('patient-code', `${token}:${code.replace(/\s+/g, '')}`);
    if (!equal(given, verification.codeHash)) {
      const failures = await this.#store.patientChannel.recordFailedAttempt(verification.id);
      await this.#record('patient.code.wrong', verification.email, found.org.id, context, { failures });
      return failures >= MAX_WRONG_CODES ? { ok: false, reason: 'locked', attemptsLeft: 0 } : { ok: false, reason: 'wrong-code', attemptsLeft: MAX_WRONG_CODES - failures };
    }
    if (verification.expiresAt <= new Date()) return { ok: false, reason: 'code-expired', attemptsLeft: MAX_WRONG_CODES - verification.failedAttempts };
    const sessionExpiresAt = new Date(Date.now() + SESSION_MINUTES * MINUTE);
    if (!(await this.#store.patientChannel.verify(verification.id, new Date(), sessionExpiresAt))) return { ok: false, reason: 'unknown', attemptsLeft: 0 };
    await this.#record('patient.verified', verification.email, found.org.id, context, { channel: verification.channel });
    return { ok: true, sessionExpiresAt };
  }

  async send(domain: string, token: string, message: PatientMessage, context: RequestContext): Promise<void> {
    const found = await this.#enabled(domain);
    const verification = found && token ? await this.#store.patientChannel.findVerification(hash(token)) : null;
    if (!found || !verification || verification.orgId !== found.org.id || !verification.verifiedAt || !verification.sessionExpiresAt || verification.sessionExpiresAt <= new Date()) {
      throw new UserError('NOPERM', 'Verify your e-mail address or mobile number first');
    }
    if (!message.text.trim() && message.attachments.length === 0) throw new UserError('BADINPUT', 'The message is empty');
    const mailbox = await this.#store.accounts.findMailbox({ address: found.mailboxAddress });
    if (!mailbox) throw new UserError('NONEXISTENT', 'This organisation has no patient page');
    const name = message.name.replace(/[\r\n]+/g, ' ').trim().slice(0, 100);
    const verifiedBy = verification.channel === 'sms' ? `mobile ${verification.mobile}` : `e-mail ${verification.email}`;
    const raw = await new MailComposer({
      from: { name: name ? `${name} (patiëntenpagina)` : 'Patiëntenpagina', address: verification.email },
      to: { name: mailbox.displayName, address: mailbox.address },
      subject: message.subject.replace(/[\r\n]+/g, ' ').trim().slice(0, 200) || '(geen onderwerp)',
      text: message.text,
      attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      messageId: `<${randomBytes(16).toString('hex')}@${this.#hostname}>`,
      headers: { 'X-Zorgpost-Patient-Channel': `verified ${verifiedBy}` },
    })
      .compile()
      .build();
    const received = Buffer.from(
      `Received: from patient page ([${context.remoteAddress.replace(/[^0-9a-fA-F:.]/g, '?')}])\r\n\tby ${this.#hostname} (Zorgpost) with HTTPS;\r\n\t${rfc5322Date(new Date())}\r\n`,
    );
    await this.#mail.deliver([mailbox.id], raw, {
      prefix: received,
      audit: (delivered) => [
        {
          actor: verification.email,
          action: 'patient.message',
          mailboxId: mailbox.id,
          remoteAddress: context.remoteAddress,
          detail: { verifiedBy: verification.channel, attachments: message.attachments.length, uid: delivered[0]?.uid ?? null },
        },
      ],
    });
    await this.#store.patientChannel.rememberContact(found.org.id, verification.email, verification.channel === 'sms' ? verification.mobile : null, new Date());
  }

  async #record(action: string, actor: string, orgId: number, context: RequestContext, detail: Record<string, unknown>): Promise<void> {
    await this.#audit.record({ actor, action, remoteAddress: context.remoteAddress, detail: { orgId, ...detail } });
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
