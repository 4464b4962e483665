// What a reply, reply-all or forward starts with: recipients (RFC 5322 §3.6.3: Reply-To before From),
// the subject with one prefix, the quoted text, and the threading fields (RFC 5322 §3.6.4:
// In-Reply-To is the original's Message-ID, References its References plus that id).
import type { AddressJson, MailboxJson, MessageJson } from '../../../../src/web/webmail/wire.ts';
import type { ComposeStart } from './Compose.tsx';
import type { MailTexts } from './mail-texts.ts';

const REPLY_PREFIX = /^\s*(re|aw|antw|sv|vs)\s*:/i;
const FORWARD_PREFIX = /^\s*(fwd?|wg|doorst)\s*:/i;

function display(address: AddressJson): string {
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

function quote(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
}

function threading(message: MessageJson) {
  const references = message.messageId ? [...message.references, message.messageId] : message.references;
  return { ...(message.messageId ? { inReplyTo: message.messageId } : {}), references };
}

export function replyStart(
  message: MessageJson,
  mode: 'reply' | 'all',
  mailbox: MailboxJson | null,
  m: MailTexts,
  dateTime: (iso: string) => string,
): ComposeStart {
  const own = mailbox?.address.toLowerCase();
  const to = message.replyTo.length > 0 ? message.replyTo : message.from ? [message.from] : [];
  const seen = new Set([own, ...to.map((a) => a.address.toLowerCase())]);
  const cc =
    mode === 'all'
      ? [...message.to, ...message.cc].filter((a) => {
          const key = a.address.toLowerCase();
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
      : [];
  const from = message.from ? display(message.from) : '';
  return {
    kind: 'reply',
    to,
    cc,
    subject: REPLY_PREFIX.test(message.subject) ? message.subject : `${m.replyPrefix}${message.subject}`,
    text: `\n\n${m.quoteHeader(dateTime(message.date), from)}\n${quote(message.text)}\n`,
    ...threading(message),
    origin: { folderId: message.folderId, uid: message.uid, kind: 'reply' },
    kept: [],
  };
}

export function forwardStart(message: MessageJson, m: MailTexts, dateTime: (iso: string) => string): ComposeStart {
  const header = [
    m.forwardHeader,
    `${m.from}: ${message.from ? display(message.from) : ''}`,
    `${m.date}: ${dateTime(message.date)}`,
    `${m.subject}: ${message.subject}`,
    `${m.to}: ${message.to.map(display).join(', ')}`,
  ].join('\n');
  return {
    kind: 'forward',
    to: [],
    cc: [],
    subject: FORWARD_PREFIX.test(message.subject) ? message.subject : `${m.forwardPrefix}${message.subject}`,
    text: `\n\n${header}\n\n${message.text}\n`,
    ...threading(message),
    origin: { folderId: message.folderId, uid: message.uid, kind: 'forward' },
    kept: message.attachments
      .filter((a) => !a.inline)
      .map((a) => ({ folderId: message.folderId, uid: message.uid, part: a.part, filename: a.filename, size: a.size })),
  };
}
