// Reading what the server "sent" to the outside world in development mode: .eml files with their
// JSON envelopes in <dataDir>/outbox/mail, and SMS as JSON in <dataDir>/outbox/sms. Mail reaches the
// outbox through the outbound queue, a moment after the step that queued it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSmsOutbox, type OutboxSms } from '../../src/secure/sms/outbox-gateway.ts';
import type { RunningServer } from '../../src/main.ts';

export interface OutboxMail {
  id: string;
  mailFrom: string;
  recipients: string[];
  kind: string;
  raw: Buffer;
}

/** The outbox of a server in this process, once its queue has handed on everything due. */
export async function readMailOutbox(server: { dataDir: string; server: RunningServer }): Promise<OutboxMail[]> {
  await server.server.services.outbound.idle();
  return readOutboxFiles(server.dataDir);
}

export async function readOutboxFiles(dataDir: string): Promise<OutboxMail[]> {
  const dir = join(dataDir, 'outbox', 'mail');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const mails: OutboxMail[] = [];
  for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
    const id = name.slice(0, -4);
    const envelope = JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as Omit<OutboxMail, 'id' | 'raw'>;
    mails.push({ id, mailFrom: envelope.mailFrom, recipients: envelope.recipients, kind: envelope.kind, raw: await readFile(join(dir, name)) });
  }
  return mails;
}

export async function readSms(dataDir: string): Promise<OutboxSms[]> {
  try {
    return await readSmsOutbox(join(dataDir, 'outbox', 'sms'));
  } catch {
    return [];
  }
}

/** The Viewer link in a notification (the only link it has). */
export function viewerLinkIn(notification: Buffer): { url: string; link: string } {
  const text = notification.toString('utf8').replace(/=\r?\n/g, '');
  const match = /https:\/\/[^\s"<>]+\/v\/([A-Za-z0-9_-]{22})/.exec(text);
  if (!match) throw new Error(`no Viewer link in notification:\n${text}`);
  return { url: match[0], link: match[1]! };
}

/** The six-digit code in an SMS text or a code e-mail. */
export function accessCodeIn(text: string): string {
  const match = /\b(\d{6})\b/.exec(text);
  if (!match) throw new Error(`no access code in: ${text}`);
  return match[1]!;
}
