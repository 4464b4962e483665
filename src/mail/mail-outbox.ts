// The development transport: each message becomes an .eml file with a JSON envelope beside it in
// <dataDir>/outbox/mail/. Each file is written and synced under a temporary name on a writer
// thread and renamed into place; the directory is synced once per batch. File names come from the
// queue entry, so a batch retried after a crash writes the same files again instead of copies.
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { QueuedMail } from '../store/store.ts';
import { syncDirectory } from '../store/durable-file.ts';
import type { DurableWriter } from '../store/durable-writer.ts';
import type { OutboundTransport } from './outbound.ts';

export class MailOutbox implements OutboundTransport {
  readonly #dir: string;
  readonly #writer: DurableWriter;
  #ready: Promise<unknown> | null = null;

  constructor(dir: string, writer: DurableWriter) {
    this.#dir = dir;
    this.#writer = writer;
  }

  get directory(): string {
    return this.#dir;
  }

  async deliver(batch: readonly QueuedMail[]): Promise<Array<Error | null>> {
    this.#ready ??= mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await this.#ready;
    const results = await Promise.all(batch.map((mail) => this.#write(mail).then(() => null, (error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
    // The renames are durable only once the directory itself is synced.
    await syncDirectory(this.#dir);
    return results;
  }

  async #write(mail: QueuedMail): Promise<void> {
    // Names sort by queue time, then queue id.
    const name = join(this.#dir, `${mail.queuedAt.toISOString().replace(/[-:.]/g, '')}-${String(mail.id).padStart(10, '0')}`);
    const envelope = { mailFrom: mail.mailFrom, recipients: mail.recipients, kind: mail.kind, queuedAt: mail.queuedAt.toISOString() };
    const files = [
      { path: `${name}.json`, bytes: Buffer.from(JSON.stringify(envelope, null, 2)) },
      { path: `${name}.eml`, bytes: mail.raw },
    ];
    try {
      await Promise.all(files.map((file) => this.#writeFresh(`${file.path}.part`, file.bytes)));
      // The envelope appears first, so a reader that sees an .eml also finds its envelope.
      for (const file of files) await rename(`${file.path}.part`, file.path);
    } catch (error) {
      await Promise.all(files.map((file) => rm(`${file.path}.part`, { force: true })));
      throw error;
    }
  }

  /** A new file; one left by an attempt a crash cut short is replaced. */
  async #writeFresh(path: string, bytes: Buffer): Promise<void> {
    try {
      await this.#writer.write(path, [bytes], { syncDirectory: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await rm(path, { force: true });
      await this.#writer.write(path, [bytes], { syncDirectory: false });
    }
  }
}
