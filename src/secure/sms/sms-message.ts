// Checks every SMS gateway applies before a message leaves: an E.164 destination, a text that fits
// a few SMS parts, and a reference the providers accept (CM.com: 1–32 letters/digits, returned in
// its status reports — https://developers.cm.com/messaging/docs/shared-features, field `reference`).
import { UserError } from '../../errors.ts';
import type { SmsMessage } from '../types.ts';

/** Longest text sent: 8 concatenated GSM-7 parts of 153 characters (CM.com multipart limit). */
export const MAX_SMS_TEXT = 8 * 153;

export const SMS_REFERENCE = /^[A-Za-z0-9]{1,32}$/;

export function checkSmsMessage(message: SmsMessage): void {
  if (!/^\+[1-9]\d{6,14}$/.test(message.to)) throw new UserError('BADINPUT', 'SMS destination must be an E.164 number such as +31612345678');
  if (message.text.length === 0) throw new UserError('BADINPUT', 'SMS text is empty');
  if (message.text.length > MAX_SMS_TEXT) throw new UserError('BADINPUT', `SMS text is longer than ${MAX_SMS_TEXT} characters`);
  if (!SMS_REFERENCE.test(message.reference)) throw new UserError('BADINPUT', 'SMS reference must be 1 to 32 letters or digits');
}
