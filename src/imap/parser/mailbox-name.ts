// Mailbox arguments: astring in modified UTF-7 (RFC 3501 §5.1.3), "INBOX" in any case meaning the
// inbox (§5.1), hierarchy separator "/" (FOLDER_SEPARATOR).
import { FOLDER_SEPARATOR } from '../../mail/types.ts';
import { decodeMailboxName, encodeMailboxName } from '../mutf7.ts';
import { imapString } from '../imap-text.ts';
import type { CommandParser } from './command-parser.ts';

export const MAX_MAILBOX_NAME = 1000;

export function parseMailboxName(p: CommandParser): string {
  const raw = p.astring().toString('latin1');
  return mailboxFromWire(raw, p);
}

export function mailboxFromWire(raw: string, p: CommandParser): string {
  if (raw.length > MAX_MAILBOX_NAME) p.fail('Mailbox name too long');
  const name = decodeMailboxName(raw);
  if (name === null) p.fail('Mailbox name is not valid modified UTF-7');
  return normaliseInbox(name);
}

/** RFC 3501 §5.1: INBOX is case-insensitive, and so is the INBOX part of "inbox/child". */
export function normaliseInbox(name: string): string {
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  if (name.slice(0, 6).toUpperCase() === `INBOX${FOLDER_SEPARATOR}`) return `INBOX${name.slice(5)}`;
  return name;
}

/** The mailbox name as sent in responses. */
export function mailboxToWire(name: string): string {
  return imapString(encodeMailboxName(name));
}
