// FETCH ENVELOPE (RFC 3501 §7.4.2).
import type { Envelope, EnvelopeAddress } from '../../mail/mime/types.ts';
import { imapNStringText } from './imap-string.ts';

/** RFC 3501 §9 `address`: "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")". */
function addressText(address: EnvelopeAddress): string {
  const fields = [address.name, address.adl, address.mailbox, address.host];
  return `(${fields.map(imapNStringText).join(' ')})`;
}

/** RFC 3501 §9 env-from, env-to…: "(" 1*address ")" / nil. */
function addressListText(list: EnvelopeAddress[] | null): string {
  return list === null || list.length === 0 ? 'NIL' : `(${list.map(addressText).join('')})`;
}

/** The envelope as a byte string (latin1), for embedding in BODYSTRUCTURE. */
export function envelopeText(envelope: Envelope): string {
  return (
    `(${imapNStringText(envelope.date)} ${imapNStringText(envelope.subject)}` +
    ` ${addressListText(envelope.from)} ${addressListText(envelope.sender)}` +
    ` ${addressListText(envelope.replyTo)} ${addressListText(envelope.to)}` +
    ` ${addressListText(envelope.cc)} ${addressListText(envelope.bcc)}` +
    ` ${imapNStringText(envelope.inReplyTo)} ${imapNStringText(envelope.messageId)})`
  );
}

/** The ENVELOPE value, ready to write after "ENVELOPE ". */
export function formatEnvelope(envelope: Envelope): Buffer {
  return Buffer.from(envelopeText(envelope), 'latin1');
}
