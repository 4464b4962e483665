// IMAP dates (RFC 3501 §9 date, date-time) for SEARCH, APPEND and INTERNALDATE.
import type { CommandParser } from './command-parser.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3501 §9 date = date-text / DQUOTE date-text DQUOTE; returns "YYYY-MM-DD". */
export function parseSearchDate(p: CommandParser): string {
  const quoted = p.tryExpect('"');
  const text = p.takeWhile((c) => c !== 0x22 && c !== 0x20 && c !== 0x29, 12);
  if (quoted) p.expect('"');
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!match) p.fail('Invalid date');
  const month = monthIndex(match[2]!);
  const day = Number(match[1]);
  if (month < 0 || !validDay(Number(match[3]), month, day)) p.fail('Invalid date');
  return `${match[3]}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** RFC 3501 §9 date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
export function parseDateTime(p: CommandParser): Date {
  const text = p.quoted().toString('latin1');
  const match = /^([ \d]?\d)-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!match) p.fail('Invalid date-time');
  const [, day, mon, year, hh, mm, ss, sign, zh, zm] = match;
  const month = monthIndex(mon!);
  if (month < 0 || !validDay(Number(year), month, Number(day)) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) {
    p.fail('Invalid date-time');
  }
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Math.min(Number(ss), 59));
  return new Date(utc - offsetMinutes * 60_000);
}

/** INTERNALDATE as RFC 3501 §9 date-time, in UTC. */
export function formatDateTime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, '0');
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `"${day}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000"`;
}

function monthIndex(name: string): number {
  const lower = name.toLowerCase();
  return MONTHS.findIndex((m) => m.toLowerCase() === lower);
}

function validDay(year: number, month: number, day: number): boolean {
  if (day < 1) return false;
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return day <= days;
}
