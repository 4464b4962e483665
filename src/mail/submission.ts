// Message submission (SPEC R7): who may send as whom, which recipients this platform can take, and
// the trace headers added on delivery. Shared by SMTP submission and, later, webmail and the add-in.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Mailbox } from '../identity/types.ts';
import { UserError } from '../errors.ts';
import type { MailService, MessageSource } from './types.ts';
import type { EnvelopeAddress, MessageStructure } from './mime/types.ts';

export interface SubmissionTrace {
  heloName: string;
  remoteAddress: string;
  clientHostname: string | null;
  /** RFC 3848 / RFC 6531 transmission type, e.g. ESMTPSA or UTF8SMTPSA. */
  protocol: string;
  tls: { version: string; cipher: string } | null;
}

export interface Submission {
  sender: Mailbox;
  mailFrom: string;
  recipients: Mailbox[];
  message: MessageSource;
  trace: SubmissionTrace;
}

export class SubmissionService {
  readonly #store: Store;
  readonly #mail: MailService;
  readonly #audit: AuditLog;
  readonly #hostname: string;

  constructor(options: { store: Store; mail: MailService; audit: AuditLog; hostname: string }) {
    this.#store = options.store;
    this.#mail = options.mail;
    this.#audit = options.audit;
    this.#hostname = options.hostname;
  }

  /** SPEC R7: the envelope sender must be the authenticated mailbox's own address. */
  checkEnvelopeSender(sender: Mailbox, address: string): void {
    if (address.toLowerCase() !== sender.address) {
      throw new UserError('NOPERM', `You may only send as your own address <${sender.address}>`);
    }
  }

  async resolveRecipient(address: string): Promise<Mailbox> {
    const normalised = address.toLowerCase();
    const mailbox = await this.#store.accounts.findMailbox({ address: normalised });
    if (mailbox) return mailbox;
    const domain = normalised.slice(normalised.lastIndexOf('@') + 1);
    if (await this.#store.accounts.findOrganisation({ domain })) {
      throw new UserError('NONEXISTENT', `No mailbox <${address}> on this server`);
    }
    throw new UserError('NOPERM', `Delivery to <${address}> outside this Zorgpost community is not enabled on this server`);
  }

  async submit(submission: Submission): Promise<{ messageId: string | null; queueId: string }> {
    const { sender, recipients } = submission;
    const queueId = randomBytes(8).toString('hex').toUpperCase();
    const prefix = this.#traceHeaders(submission, queueId);
    let messageId: string | null = null;
    const logged = { queueId, recipients: recipients.map((r) => r.address) };
    try {
      await this.#mail.deliver(
        recipients.map((r) => r.id),
        submission.message,
        {
          prefix,
          validate: (structure) => {
            checkFromHeader(sender, structure);
            messageId = structure.envelope.messageId;
          },
          // SPEC R22: the send and every receipt are logged in the delivery's own transaction.
          audit: (delivered) => [
            {
              actor: sender.address,
              action: 'message.submit',
              mailboxId: sender.id,
              remoteAddress: submission.trace.remoteAddress,
              detail: { ...logged, messageId },
            },
            ...delivered.map((entry) => ({
              actor: sender.address,
              action: 'message.receive',
              mailboxId: entry.mailboxId,
              detail: { queueId, messageId, folderId: entry.folderId, uid: entry.uid },
            })),
          ],
        },
      );
      return { messageId, queueId };
    } catch (error) {
      await this.#audit.record({
        actor: sender.address,
        action: 'message.submit.failure',
        mailboxId: sender.id,
        remoteAddress: submission.trace.remoteAddress,
        detail: { ...logged, reason: (error as Error).message },
      });
      throw error;
    }
  }

  /** RFC 5321 §4.4: Return-Path and Received are prepended; nothing else in the message changes. */
  #traceHeaders(submission: Submission, queueId: string): Buffer {
    const { trace } = submission;
    const reverse = trace.clientHostname ? `${headerSafe(trace.clientHostname)} ` : '';
    const from = `${headerSafe(trace.heloName)} (${reverse}[${headerSafe(trace.remoteAddress)}])`;
    const tls = trace.tls ? `\r\n\t(using ${headerSafe(trace.tls.version)} with cipher ${headerSafe(trace.tls.cipher)})` : '';
    const forClause = submission.recipients.length === 1 ? `\r\n\tfor <${submission.recipients[0]!.address}>` : '';
    return Buffer.from(
      `Return-Path: <${headerSafe(submission.mailFrom)}>\r\n` +
        `Received: from ${from}\r\n\tby ${this.#hostname} (Zorgpost) with ${trace.protocol} id ${queueId}${tls}${forClause};\r\n\t${rfc5322Date(new Date())}\r\n`,
      'utf8',
    );
  }
}

/** SPEC R7: every From address must be the sender's own (submission accepts only the user's From). */
function checkFromHeader(sender: Mailbox, structure: MessageStructure): void {
  // RFC 5322 §3.6: exactly one From. A second one would let a client display another sender.
  if (structure.repeatedFields?.includes('from')) {
    throw new UserError('NOPERM', 'The message has more than one From header field');
  }
  const from = (structure.envelope.from ?? []).filter((a: EnvelopeAddress) => a.mailbox !== null && a.host !== null);
  const own = (a: EnvelopeAddress) => `${a.mailbox}@${a.host}`.toLowerCase() === sender.address;
  if (from.length === 0 || !from.every(own)) {
    throw new UserError('NOPERM', `The From header must be your own address <${sender.address}>`);
  }
}

function headerSafe(value: string): string {
  return value.replace(/[^\x21-\x7e ]/g, '?');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC. */
export function rfc5322Date(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
