// Mobile numbers for Viewer access codes (SPEC R14, R15). Senders type numbers in every Dutch habit
// (06-12345678, +31 (0)6 …, 0031 6 …); we keep one form, E.164, and refuse anything an SMS cannot
// reach — landlines, 0800/0900 service numbers, 088 company numbers, pagers — before a code is ever
// sent to it. libphonenumber-js's `max` metadata is needed: only it knows a number's *type*.
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { UserError } from '../errors.ts';

export interface NormalisedMobile {
  /** E.164, e.g. +31612345678. */
  e164: string;
  /** A Dutch mobile number (06…/+316…), the kind SPEC R14 `viewer-06-verplicht` requires. */
  dutch: boolean;
}

/** What people put in a number besides digits: a leading +, spaces (also non-breaking), dashes
 * (also the typographic ones word processors make of them), dots, slashes, brackets ((0)). */
const TYPED_NUMBER = /^\+?[0-9 ()./\-\u00a0\u2010-\u2014]+$/;

/**
 * The E.164 form of a mobile number as typed; national forms are read as `defaultCountry`'s.
 * Throws UserError('BADINPUT') with a message fit to show the sender.
 */
export function normaliseMobile(input: string, defaultCountry: CountryCode = 'NL'): NormalisedMobile {
  const typed = input.trim();
  if (typed === '') throw new UserError('BADINPUT', 'No mobile number given.');
  // libphonenumber reads numbers out of free text ("call 06… ext 3", vanity letters); a code must go
  // to exactly the number the sender meant, so anything but a plain number is refused here.
  if (typed.length > 40 || !TYPED_NUMBER.test(typed)) {
    throw new UserError('BADINPUT', `"${shorten(typed)}" is not a phone number: use digits only, e.g. 06-12345678 or +31612345678.`);
  }
  const digits = typed.replace(/\D/g, '');
  if (digits.length < 8) throw new UserError('BADINPUT', `"${typed}" is too short for a mobile number.`);
  const number = parsePhoneNumberFromString(typed, defaultCountry);
  if (!number || !number.isValid()) {
    throw new UserError('BADINPUT', `"${typed}" is not a valid phone number; check the digits (and the country code, e.g. +49 for Germany).`);
  }
  const type = number.getType();
  if (number.country === 'NL') {
    if (!isDutchMobileNumber(number)) {
      const kind = type === 'MOBILE' ? 'a machine-to-machine number' : `a ${describeType(type)}`;
      throw new UserError('BADINPUT', `"${typed}" is ${kind}, not a Dutch mobile number (06…); access codes are sent by SMS to a mobile phone.`);
    }
    return { e164: number.number, dutch: true };
  }
  // Where a country's plan does not separate mobile from fixed numbers (US, Canada, …) the
  // metadata answers FIXED_LINE_OR_MOBILE; those are accepted, provably fixed numbers are not.
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    throw new UserError('BADINPUT', `"${typed}" is a ${describeType(type)}, not a mobile number; access codes are sent by SMS to a mobile phone.`);
  }
  return { e164: number.number, dutch: false };
}

/** SPEC R14: a Dutch mobile number, 06…/+316… (E.164 input). */
export function isDutchMobile(e164: string): boolean {
  if (!/^\+316\d{8}$/.test(e164)) return false;
  const number = parsePhoneNumberFromString(e164);
  return number !== undefined && isDutchMobileNumber(number);
}

/**
 * The number as the Viewer shows it before a code is entered (SPEC R15): `06-****5678` for a Dutch
 * mobile, `+49 ****6789` for others — only the last four digits.
 */
export function maskMobile(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const last4 = digits.slice(-4);
  if (isDutchMobile(e164)) return `06-****${last4}`;
  const number = parsePhoneNumberFromString(e164);
  if (number?.countryCallingCode) return `+${number.countryCallingCode} ****${last4}`;
  return `****${last4}`;
}

/** 06 mobile numbers only: 066 is a pager range and 097 is for machines; neither is a person's phone. */
function isDutchMobileNumber(number: PhoneNumber): boolean {
  return number.country === 'NL' && number.getType() === 'MOBILE' && /^6[1-58]\d{7}$/.test(number.nationalNumber);
}

function describeType(type: string | undefined): string {
  const names: Record<string, string> = {
    FIXED_LINE: 'landline number',
    TOLL_FREE: 'free-phone number',
    PREMIUM_RATE: 'premium-rate number',
    SHARED_COST: 'shared-cost number',
    VOIP: 'internet telephony number',
    PERSONAL_NUMBER: 'personal routing number',
    PAGER: 'pager number',
    UAN: 'company number',
    VOICEMAIL: 'voicemail number',
  };
  return (type && names[type]) || 'number of another kind';
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
