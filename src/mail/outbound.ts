// Mail leaving the platform. Until outbound internet delivery exists (and always in development),
// the outbox writes each message as an .eml file with a JSON envelope beside it under
// <dataDir>/outbox/mail/, durably, before the submission is acknowledged.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeSynced } from '../store/durable-file.ts';

export type OutboundKind = 'ordinary' | 'community-partner' | 'viewer-notification' | 'viewer-code' | 'patient-code';

export interface OutboundEnvelope {
  mailFrom: string;
  recipients: string[];
  kind: OutboundKind;
}

export interface OutboundMail {
  /** Resolves once the message is durably queued; the id names it in logs and the audit log. */
  send(envelope: OutboundEnvelope, raw: Buffer): Promise<{ id: string }>;
}

export class MailOutbox implements OutboundMail {
  readonly #dir: string;
  #ready: Promise<unknown> | null = null;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get directory(): string {
    return this.#dir;
  }

  async send(envelope: OutboundEnvelope, raw: Buffer): Promise<{ id: string }> {
    this.#ready ??= mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await this.#ready;
    // Names sort by time; the random part keeps two sends in one millisecond apart.
    const id = `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(6).toString('hex')}`;
    const json = join(this.#dir, `${id}.json`);
    const eml = join(this.#dir, `${id}.eml`);
    const written = await Promise.allSettled([
      writeSynced(`${json}.part`, JSON.stringify({ ...envelope, queuedAt: new Date().toISOString() }, null, 2)),
      writeSynced(`${eml}.part`, raw),
    ]);
    const failed = written.find((w) => w.status === 'rejected');
    if (failed) {
      await Promise.all([rm(`${json}.part`, { force: true }), rm(`${eml}.part`, { force: true })]);
      throw failed.reason;
    }
    // The .eml appears last, so a reader that sees it also finds its envelope.
    await rename(`${json}.part`, json);
    await rename(`${eml}.part`, eml);
    // The renames are durable only once the directory itself is synced.
    await syncDirectory(this.#dir);
    return { id };
  }
}
