// The development SMS gateway (SPEC R26: everything works on a fresh machine without accounts):
// each SMS becomes a JSON file in <dataDir>/outbox/sms/ that tests and the /dev/outbox page read the
// access codes from. Written like every other file we promise to keep — temporary file, fsync,
// rename, directory fsync — so a code "sent" before a crash is still there after it.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SmsGateway, SmsMessage } from '../types.ts';
import { checkSmsMessage } from './sms-message.ts';
import { syncDirectory, writeAndRename } from '../../store/durable-file.ts';

/** One SMS as stored in the outbox. */
export interface OutboxSms {
  to: string;
  text: string;
  reference: string;
  createdAt: Date;
  /** The file name, which is also the `providerMessageId` `send` returned. */
  id: string;
}

/** `20250131T142501123Z-000042-9f86d081` + `.json`: UTC time to the millisecond, a per-process
 * sequence for sends within one millisecond, and randomness against other processes. Names sort
 * by time. */
const OUTBOX_NAME = /^\d{8}T\d{9}Z-\d{6}-[0-9a-f]{8}\.json$/;

export function smsOutboxDir(dataDir: string): string {
  return join(dataDir, 'outbox', 'sms');
}

let sequence = 0;

function outboxName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, ''); // 20250131T142501123Z
  sequence = (sequence + 1) % 1_000_000;
  return `${stamp}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}.json`;
}

export class OutboxSmsGateway implements SmsGateway {
  readonly name = 'outbox';
  readonly #dir: string;
  readonly #now: () => Date;
  #dirReady: Promise<void> | null = null;

  /** `dir` is the SMS outbox itself; see smsOutboxDir(). */
  constructor(dir: string, options: { now?: () => Date } = {}) {
    this.#dir = dir;
    this.#now = options.now ?? (() => new Date());
  }

  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    checkSmsMessage(message);
    this.#dirReady ??= mkdir(this.#dir, { recursive: true, mode: 0o700 }).then(() => undefined);
    try {
      await this.#dirReady;
    } catch (error) {
      this.#dirReady = null;
      throw error;
    }
    const createdAt = this.#now();
    const name = outboxName(createdAt);
    const record = { to: message.to, text: message.text, reference: message.reference, createdAt: createdAt.toISOString() };
    // Dot-prefixed so readers never see a half-written file.
    const tmp = join(this.#dir, `.${name}.tmp`);
    await writeAndRename(tmp, join(this.#dir, name), `${JSON.stringify(record, null, 2)}\n`);
    await syncDirectory(this.#dir);
    return { providerMessageId: name };
  }
}

/** The outbox's messages, newest first; at most `limit`. A missing outbox is an empty one. */
export async function readSmsOutbox(dir: string, options: { limit?: number } = {}): Promise<OutboxSms[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const newestFirst = names.filter((name) => OUTBOX_NAME.test(name)).sort().reverse();
  const limit = options.limit ?? Infinity;
  const messages: OutboxSms[] = [];
  for (const name of newestFirst) {
    if (messages.length >= limit) break;
    const parsed = parseOutboxFile(await readFile(join(dir, name), 'utf8'), name);
    if (parsed) messages.push(parsed);
  }
  return messages;
}

function parseOutboxFile(text: string, id: string): OutboxSms | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null; // only a hand-edited file can be broken; the page shows the rest
  }
  if (typeof value !== 'object' || value === null) return null;
  const { to, text: body, reference, createdAt } = value as Record<string, unknown>;
  if (typeof to !== 'string' || typeof body !== 'string' || typeof reference !== 'string' || typeof createdAt !== 'string') return null;
  const at = new Date(createdAt);
  if (Number.isNaN(at.getTime())) return null;
  return { to, text: body, reference, createdAt: at, id };
}
