// Message submission (SPEC R7): who may send as whom, which recipients this platform can take, and
// the trace headers added on delivery. Shared by SMTP submission and, later, webmail and the add-in.
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Mailbox } from '../identity/types.ts';
import { UserError } from '../errors.ts';
import type { MailService, MessageSource } from './types.ts';
import type { EnvelopeAddress, MessageStructure } from './mime/types.ts';
import type { HeaderField } from './mime/header-fields.ts';
import { buildEnvelope, repeatedSingleFields } from './mime/envelope.ts';

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
  /** The id the whole submission is known by, when part of it went another way too. */
  queueId?: string;
}

export class SubmissionService {
  readonly #mail: MailService;
  readonly #audit: AuditLog;
  readonly #hostname: string;

  constructor(options: { mail: MailService; audit: AuditLog; hostname: string }) {
    this.#mail = options.mail;
    this.#audit = options.audit;
    this.#hostname = options.hostname;
  }

  async submit(submission: Submission): Promise<{ messageId: string | null; queueId: string }> {
    const { sender, recipients } = submission;
    const queueId = submission.queueId ?? randomBytes(8).toString('hex').toUpperCase();
    const prefix = traceHeaders(this.#hostname, submission.trace, submission.mailFrom, submission.recipients.map((r) => r.address), queueId);
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
}

/** SPEC R7: the envelope sender must be the authenticated mailbox's own address. */
export function checkEnvelopeSender(sender: Mailbox, address: string): void {
  if (address.toLowerCase() !== sender.address) {
    throw new UserError('NOPERM', `You may only send as your own address <${sender.address}>`);
  }
}

/** RFC 5321 §4.4: Return-Path and Received are prepended; nothing else in the message changes. */
export function traceHeaders(hostname: string, trace: SubmissionTrace, mailFrom: string, recipients: readonly string[], queueId: string): Buffer {
  const reverse = trace.clientHostname ? `${headerSafe(trace.clientHostname)} ` : '';
  const from = `${headerSafe(trace.heloName)} (${reverse}[${headerSafe(trace.remoteAddress)}])`;
  const tls = trace.tls ? `\r\n\t(using ${headerSafe(trace.tls.version)} with cipher ${headerSafe(trace.tls.cipher)})` : '';
  const forClause = recipients.length === 1 ? `\r\n\tfor <${headerSafe(recipients[0]!)}>` : '';
  return Buffer.from(
    `Return-Path: <${headerSafe(mailFrom)}>\r\n` +
      `Received: from ${from}\r\n\tby ${hostname} (Zorgpost) with ${trace.protocol} id ${queueId}${tls}${forClause};\r\n\t${rfc5322Date(new Date())}\r\n`,
    'utf8',
  );
}

/** SPEC R7 on a header read before the body: the same rule as `checkFromHeader`. */
export function checkFromFields(sender: Mailbox, fields: readonly HeaderField[]): void {
  checkFromHeader(sender, { envelope: buildEnvelope(fields), repeatedFields: repeatedSingleFields(fields) });
}

/** SPEC R7: every From address must be the sender's own (submission accepts only the user's From). */
function checkFromHeader(sender: Mailbox, structure: Pick<MessageStructure, 'envelope' | 'repeatedFields'>): void {
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
