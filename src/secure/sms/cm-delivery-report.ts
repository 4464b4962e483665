// CM.com status reports (SPEC R15: the sender sees "code sent/delivered"). CM.com calls a webhook
// configured in its Channels app whenever an SMS changes state, and retries for up to 7 days until it
// gets a 2xx (https://developers.cm.com/messaging/docs/incoming-status-report). Pure parsing, no I/O.
//
// JSON format (the documented template; `msg` is one object, a list is accepted for batches):
//   { "messages": { "msg": { "received": "[CREATED_S]", "to": "[GSM]", "reference": "[REFERENCE]",
//       "status": { "code": "[STATUS]", "errorCode": "[STATUSDESCRIPTION]",
//                   "errorDescription": "[STANDARDERRORTEXT]" }, "operator": "[OPERATOR]" } } }
// Query-parameter format (CM's HTTP GET / form-encoded status reports, older gateway docs):
//   ?sent=…&received=…&to=…&reference=…&statuscode=…&errorcode=…&errordescription=…
// STATUS: 0 accepted by the operator, 1 rejected by CM.com or the operator, 2 delivered,
// 3 failed (not and never going to be delivered). Keys are read case-insensitively, as CM.com's JSON
// gateway does. Times without a zone are taken as UTC.
import { UserError } from '../../errors.ts';
import type { SmsDeliveryReport } from '../types.ts';

const STATUS: Record<string, { status: SmsDeliveryReport['status']; label: string }> = {
  '0': { status: 'pending', label: 'accepted by the operator' },
  '1': { status: 'failed', label: 'rejected by CM.com or the operator' },
  '2': { status: 'delivered', label: 'delivered' },
  '3': { status: 'failed', label: 'not delivered' },
};

/** At most this many statuses in one call (a batch from CM.com is far smaller). */
const MAX_REPORTS = 1000;

/**
 * The statuses in one CM.com status report: the parsed JSON body of a POST, the query of a GET, or a
 * form-encoded body (a flat object of strings). Throws UserError('BADINPUT') naming what is wrong.
 */
export function parseCmDeliveryReport(input: unknown): SmsDeliveryReport[] {
  if (typeof input === 'string') {
    if (input.trimStart().startsWith('<')) fail('XML status reports are not supported; choose JSON in the CM.com Channels app');
    fail('the status report is not a JSON object');
  }
  const root = asObject(input);
  if (!root) fail('the status report is not a JSON object');
  const messages = field(root, 'messages');
  if (messages !== undefined) {
    const envelope = asObject(messages);
    if (!envelope) fail('"messages" must be an object');
    const msg = field(envelope, 'msg');
    if (msg === undefined) fail('"messages.msg" is missing');
    const list = Array.isArray(msg) ? msg : [msg];
    if (list.length === 0) fail('"messages.msg" is empty');
    if (list.length > MAX_REPORTS) fail(`more than ${MAX_REPORTS} statuses in one report`);
    return list.map((item, index) => parseJsonMessage(item, list.length > 1 ? `messages.msg[${index}]` : 'messages.msg'));
  }
  if (field(root, 'reference') !== undefined || field(root, 'statuscode') !== undefined) return [parseFlat(root)];
  fail('expected a "messages" object (JSON) or "reference" and "statuscode" parameters');
}

function parseJsonMessage(value: unknown, where: string): SmsDeliveryReport {
  const msg = asObject(value);
  if (!msg) fail(`${where} must be an object`);
  const status = asObject(field(msg, 'status'));
  if (!status) fail(`${where}.status must be an object`);
  return build(where, {
    reference: field(msg, 'reference'),
    received: field(msg, 'received'),
    code: field(status, 'code'),
    errorCode: field(status, 'errorCode'),
    errorDescription: field(status, 'errorDescription'),
  });
}

function parseFlat(params: Record<string, unknown>): SmsDeliveryReport {
  const single = (name: string): unknown => {
    const value = field(params, name);
    if (Array.isArray(value)) fail(`parameter "${name}" is given more than once`);
    return value;
  };
  return build('report', {
    reference: single('reference'),
    received: single('received') ?? single('sent'),
    code: single('statuscode'),
    errorCode: single('errorcode'),
    errorDescription: single('errordescription'),
  });
}

interface RawStatus {
  reference: unknown;
  received: unknown;
  code: unknown;
  errorCode: unknown;
  errorDescription: unknown;
}

function build(where: string, raw: RawStatus): SmsDeliveryReport {
  const reference = text(raw.reference, where, 'reference');
  if (!reference) fail(`${where}: the reference is missing`);
  if (reference.length > 64 || !/^[\x21-\x7e]+$/.test(reference)) fail(`${where}: the reference "${clip(reference)}" is not one of ours`);
  const code = text(raw.code, where, 'status code');
  if (code === null) fail(`${where}: the status code is missing`);
  const known = STATUS[code];
  if (!known) fail(`${where}: unknown status code "${clip(code)}" (expected 0, 1, 2 or 3)`);
  const receivedText = text(raw.received, where, 'time');
  if (!receivedText) fail(`${where}: the time ("received") is missing`);
  const at = parseCmTime(receivedText);
  if (!at) fail(`${where}: "${clip(receivedText)}" is not a date and time`);
  const errorCode = text(raw.errorCode, where, 'error code');
  if (errorCode !== null && !/^\d{1,6}$/.test(errorCode)) fail(`${where}: error code "${clip(errorCode)}" is not a number`);
  const errorDescription = text(raw.errorDescription, where, 'error description');
  return { reference, status: known.status, at, detail: detail(known.status, known.label, errorCode, errorDescription) };
}

/** Nothing for a plain delivery; otherwise what happened and CM.com's standard error, if any. */
function detail(status: SmsDeliveryReport['status'], label: string, errorCode: string | null, description: string | null): string | null {
  if (status === 'delivered' && !errorCode && !description) return null;
  let result = label;
  if (errorCode) result += ` (error ${errorCode})`;
  if (description) result += `: ${clip(description.replace(/\s+/g, ' '), 200)}`;
  return result;
}

/** `2009-06-15T13:45:30`, with optional fraction and zone, `T` or a space between date and time. */
export function parseCmTime(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,7})?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const local = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), ms);
  const check = new Date(local);
  // Date.UTC rolls 2024-02-30 over into March; a real timestamp never needs that.
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return new Date(local - offsetMinutes * 60_000);
}

function field(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A scalar as trimmed text; null when absent or empty. */
function text(value: unknown, where: string, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') fail(`${where}: the ${what} must be text or a number, not ${Array.isArray(value) ? 'a list' : typeof value}`);
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function clip(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max - 3)}...` : value;
}

function fail(reason: string): never {
  throw new UserError('BADINPUT', `Malformed CM.com status report: ${reason}`);
}
