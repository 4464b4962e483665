// One row of the message list, from the metadata row and the structure stored at delivery: nothing
// here reads message bytes, so a page costs one small query per message however big the mail is.
import type { MailService, MessageMeta } from '../types.ts';
import type { MessageStructure } from '../mime/types.ts';
import { decodeAddresses, decodeText, messageIds } from './addresses.ts';
import { hasAttachments } from './body-parts.ts';
import type { MessageRow } from './types.ts';

export async function messageRows(mail: MailService, metas: readonly MessageMeta[]): Promise<MessageRow[]> {
  const structures = await Promise.all(metas.map((meta) => mail.getStructure(meta.bodyId)));
  return metas.map((meta, i) => messageRow(meta, structures[i]!));
}

export function messageRow(meta: MessageMeta, structure: MessageStructure): MessageRow {
  const { envelope } = structure;
  const charset = bodyCharset(structure);
  return {
    uid: meta.uid,
    flags: meta.flags,
    size: meta.size,
    date: headerDate(envelope.date) ?? meta.internalDate,
    receivedAt: meta.internalDate,
    from: decodeAddresses(envelope.from)[0] ?? null,
    to: decodeAddresses(envelope.to),
    subject: decodeText(envelope.subject, charset),
    hasAttachments: hasAttachments(structure),
    messageId: messageIds(envelope.messageId)[0] ?? null,
    inReplyTo: messageIds(envelope.inReplyTo)[0] ?? null,
  };
}

/** RFC 5322 §3.3 date-time; obsolete forms JavaScript reads too. Null when unreadable. */
export function headerDate(value: string | null): Date | null {
  if (value === null) return null;
  // Comments such as "(CET)" confuse Date.parse.
  const time = Date.parse(value.replace(/\([^)]*\)/g, ' ').trim());
  return Number.isNaN(time) ? null : new Date(time);
}

/** Raw 8-bit header text is most likely in the charset of the first text part (as search assumes). */
export function bodyCharset(structure: MessageStructure): string | null {
  const stack = [structure.root];
  while (stack.length) {
    const part = stack.shift()!;
    if (part.type === 'text') return part.params.find(([name]) => name === 'charset')?.[1] ?? null;
    stack.unshift(...(part.children ?? []));
  }
  return null;
}
