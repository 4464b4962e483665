// Creating Viewer messages and the sender's view of them (SPEC R15): one message per external
// recipient with its own link and content key; the notification goes out before the submission is
// acknowledged. The sender sees each recipient's status and can revoke; expired and revoked
// content is deleted from storage.
import { randomBytes } from 'node:crypto';
import type { Mailbox, Organisation } from '../identity/types.ts';
import type { AuditEntry, ViewerMessageRecord } from '../store/store.ts';
import { UserError } from '../errors.ts';
import type { CodeChannel, ViewerLanguage } from './types.ts';
import { viewerLink, type ViewerContext } from './viewer-context.ts';
import { composeNotification, noReplyAddress } from './viewer-mail.ts';

export interface ViewerRecipient {
  address: string;
  channel: CodeChannel;
  /** E.164, for the SMS channel. */
  mobile: string | null;
}

export interface NewViewerSend {
  sender: Mailbox;
  organisation: Organisation;
  submissionId: string;
  /** The message as the recipient will see it (trigger removed, our request headers stripped). */
  raw: Buffer;
  subject: string;
  messageId: string | null;
  recipients: ViewerRecipient[];
  retentionDays: number;
  language: ViewerLanguage;
  remoteAddress: string | null;
  via: 'trigger' | 'header' | 'api' | 'policy';
}

/** What the sender sees of one recipient's Viewer message: the milestones as stored, the subject
 * decrypted, the mobile number masked. */
export interface ViewerStatus
  extends Pick<
    ViewerMessageRecord,
    | 'id'
    | 'submissionId'
    | 'messageId'
    | 'recipient'
    | 'channel'
    | 'createdAt'
    | 'expiresAt'
    | 'notifiedAt'
    | 'codeSentAt'
    | 'codeDeliveredAt'
    | 'codeFailedAt'
    | 'openedAt'
    | 'repliedAt'
    | 'revokedAt'
    | 'expiredAt'
    | 'lockedUntil'
  > {
  maskedMobile: string | null;
  subject: string;
  state: 'active' | 'revoked' | 'expired';
}

const DAY = 24 * 60 * 60 * 1000;

export class ViewerMessageService {
  readonly #ctx: ViewerContext;

  constructor(ctx: ViewerContext) {
    this.#ctx = ctx;
  }

  /** Stores the encrypted messages and queues each recipient's notification; resolves when all is
   * durable. `alsoRecord` (the caller's record of the whole send) commits in the same transaction. */
  async create(send: NewViewerSend, alsoRecord: AuditEntry[] = []): Promise<ViewerMessageRecord[]> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + send.retentionDays * DAY);
    const sealedSubject = this.#ctx.sealer.sealText(send.subject);
    const prepared: Array<{ link: string; recipient: ViewerRecipient; blobId: string; wrappedKey: string; notification: Buffer }> = [];
    try {
      for (const recipient of send.recipients) {
        const { wrappedKey, sealed } = this.#ctx.sealer.seal(send.raw);
        const link = randomBytes(16).toString('base64url');
        // The notification is composed while the content is being written.
        const writing = this.#ctx.blobs.write(once(sealed));
        const [blob, notification] = await Promise.all([
          writing,
          composeNotification({
            language: send.language,
            organisation: { name: send.organisation.name, domain: send.organisation.domain },
            senderName: send.sender.displayName,
            recipient: recipient.address,
            link: viewerLink(this.#ctx.publicUrl, link),
            expiresAt,
            channel: recipient.channel,
          }),
        ]).catch(async (error: unknown) => {
          const written = await writing.catch(() => null);
          if (written) await this.#ctx.blobs.delete(written.id).catch(() => undefined);
          throw error;
        });
        prepared.push({ link, recipient, blobId: blob.id, wrappedKey, notification });
      }
      const records = await this.#ctx.store.viewer.insert(
        prepared.map((p) => ({
          linkHash: this.#ctx.sealer.hashSecret('link', p.link),
          senderMailboxId: send.sender.id,
          orgId: send.organisation.id,
          submissionId: send.submissionId,
          recipient: p.recipient.address,
          mobile: p.recipient.mobile,
          channel: p.recipient.channel,
          language: send.language,
          messageId: send.messageId,
          sealedSubject,
          blobId: p.blobId,
          wrappedKey: p.wrappedKey,
          size: send.raw.length,
          createdAt: now,
          expiresAt,
          notification: { kind: 'viewer-notification', mailFrom: noReplyAddress(send.organisation.domain), recipients: [p.recipient.address], raw: p.notification },
        })),
        (created) => [
          ...created.flatMap(({ record, notificationId }) => [
            {
              actor: send.sender.address,
              action: 'secure.viewer.create',
              mailboxId: send.sender.id,
              remoteAddress: send.remoteAddress,
              detail: { viewerMessageId: record.id, submissionId: send.submissionId, recipient: record.recipient, channel: record.channel, via: send.via, expiresAt: expiresAt.toISOString() },
            },
            {
              actor: send.sender.address,
              action: 'secure.viewer.notify',
              mailboxId: send.sender.id,
              detail: { viewerMessageId: record.id, recipient: record.recipient, outboundId: String(notificationId) },
            },
          ]),
          ...alsoRecord,
        ],
      );
      this.#ctx.outbound.wake();
      return records;
    } catch (error) {
      // Nothing was promised yet: unless the transaction committed after all (a failed sync after
      // COMMIT), the content written so far goes.
      const stored = await Promise.all(prepared.map((p) => this.#ctx.store.viewer.find({ linkHash: this.#ctx.sealer.hashSecret('link', p.link) })));
      if (stored.every((r) => r === null)) await Promise.all(prepared.map((p) => this.#ctx.blobs.delete(p.blobId).catch(() => undefined)));
      throw error;
    }
  }

  async list(sender: Mailbox, options: { limit?: number; beforeId?: number } = {}): Promise<ViewerStatus[]> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const records = await this.#ctx.store.viewer.listBySender(sender.id, { limit, beforeId: options.beforeId });
    return records.map((r) => this.#status(r));
  }

  async status(sender: Mailbox, id: number): Promise<ViewerStatus> {
    return this.#status(await this.#owned(sender, id));
  }

  /** SPEC R15: the sender can revoke at any time; the content is deleted at once. */
  async revoke(sender: Mailbox, id: number, context: { remoteAddress?: string | null; actor?: string } = {}): Promise<ViewerStatus> {
    const record = await this.#owned(sender, id);
    await this.#end(record, 'revoked', context.actor ?? sender.address, context.remoteAddress ?? null);
    return this.#status((await this.#ctx.store.viewer.find({ id }))!);
  }

  /** Ends every message past its retention; returns how many. Runs periodically in `serve`. */
  async expireDue(now = new Date()): Promise<number> {
    let count = 0;
    for (;;) {
      const due = await this.#ctx.store.viewer.listExpired(now, 200);
      for (const record of due) if (await this.#end(record, 'expired', null, null)) count++;
      if (due.length < 200) return count;
    }
  }

  async #end(record: ViewerMessageRecord, how: 'revoked' | 'expired', actor: string | null, remoteAddress: string | null): Promise<boolean> {
    const ended = await this.#ctx.store.viewer.end(record.id, how, new Date(), {
      actor,
      action: how === 'revoked' ? 'secure.viewer.revoke' : 'secure.viewer.expire',
      mailboxId: record.senderMailboxId,
      remoteAddress,
      detail: { viewerMessageId: record.id, recipient: record.recipient },
    });
    if (ended?.blobId) await this.#ctx.blobs.delete(ended.blobId).catch((error: unknown) => this.#ctx.logger.warn({ err: error }, 'Viewer blob delete failed'));
    return ended !== null;
  }

  async #owned(sender: Mailbox, id: number): Promise<ViewerMessageRecord> {
    const record = Number.isSafeInteger(id) ? await this.#ctx.store.viewer.find({ id }) : null;
    // Another sender's message answers exactly like one that does not exist.
    if (!record || record.senderMailboxId !== sender.id) throw new UserError('NONEXISTENT', `No secure message ${id} of yours`);
    return record;
  }

  #status(record: ViewerMessageRecord): ViewerStatus {
    let subject = '';
    try {
      subject = this.#ctx.sealer.openText(record.sealedSubject);
    } catch {
      subject = '';
    }
    const { mobile } = record;
    return {
      id: record.id,
      submissionId: record.submissionId,
      messageId: record.messageId,
      recipient: record.recipient,
      channel: record.channel,
      maskedMobile: mobile ? `${mobile.slice(0, -4).replace(/\d/g, '*')}${mobile.slice(-4)}` : null,
      subject,
      state: record.revokedAt ? 'revoked' : record.expiredAt || record.expiresAt <= new Date() ? 'expired' : 'active',
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      notifiedAt: record.notifiedAt,
      codeSentAt: record.codeSentAt,
      codeDeliveredAt: record.codeDeliveredAt,
      codeFailedAt: record.codeFailedAt,
      openedAt: record.openedAt,
      repliedAt: record.repliedAt,
      revokedAt: record.revokedAt,
      expiredAt: record.expiredAt,
      lockedUntil: record.lockedUntil,
    };
  }

  /** A delivery report from the SMS gateway: the code reached (or failed to reach) the phone. */
  async recordSmsReport(report: { reference: string; status: 'delivered' | 'failed' | 'pending'; at: Date; detail: string | null }): Promise<void> {
    if (report.status === 'pending') return;
    const code = await this.#ctx.store.viewer.findCodeByReference(report.reference);
    if (!code) return;
    await this.#ctx.store.viewer.mark(code.viewerMessageId, report.status === 'delivered' ? 'codeDeliveredAt' : 'codeFailedAt', report.at);
    const record = await this.#ctx.store.viewer.find({ id: code.viewerMessageId });
    await this.#ctx.audit.record({
      actor: 'sms-gateway',
      action: report.status === 'delivered' ? 'secure.viewer.code.delivered' : 'secure.viewer.code.failure',
      mailboxId: record?.senderMailboxId ?? null,
      detail: { viewerMessageId: code.viewerMessageId, reference: report.reference, detail: report.detail },
    });
  }
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}
