// Mail leaving the platform. Until outbound internet delivery exists (and always in development),
// the outbox writes each message as an .eml file with a JSON envelope beside it under
// <dataDir>/outbox/mail/, durably, before the submission is acknowledged.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';

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
    await writeDurably(join(this.#dir, `${id}.json`), Buffer.from(JSON.stringify({ ...envelope, queuedAt: new Date().toISOString() }, null, 2)));
    // The .eml appears last, so a reader that sees it also finds its envelope.
    await writeDurably(join(this.#dir, `${id}.eml`), raw);
    return { id };
  }
}

async function writeDurably(path: string, bytes: Buffer): Promise<void> {
  const tmp = `${path}.part`;
  const file = await open(tmp, 'wx', 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}
