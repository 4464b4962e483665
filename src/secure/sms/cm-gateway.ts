// Viewer access codes through CM.com, a Dutch SMS provider, with its Business Messaging HTTP API.
// The request follows CM.com's documentation (https://developers.cm.com/messaging/docs/integration,
// "API Endpoints" and "Header Authentication"; .../shared-features, "Sending messages"):
//   POST https://gw.messaging.cm.com/v1.0/message, JSON, product token in the X-CM-PRODUCTTOKEN header,
//   { "messages": { "msg": [ { "from", "to": [{ "number": "00<country><number>" }],
//     "body": { "type": "auto", "content" }, "reference", "allowedChannels": ["SMS"], … } ] } }
// and its answers (https://developers.cm.com/messaging/docs/responses-errors-json): a JSON body with
// `details`, `errorCode` and per message `status` "Accepted"/"Rejected" and `messageDetails`.
// The message text holds an access code and the token is a credential: neither is ever logged.
import type { Logger } from 'pino';
import { TemporaryError, UserError, type UserErrorCode } from '../../errors.ts';
import { maskMobile } from '../phone.ts';
import type { SmsGateway, SmsMessage } from '../types.ts';
import { checkSmsMessage } from './sms-message.ts';

export const CM_DEFAULT_ENDPOINT = 'https://gw.messaging.cm.com/v1.0/message';

/** CM.com `from`: 11 letters/digits (spaces allowed, at least one letter) or a number of up to 16
 * digits (https://developers.cm.com/messaging/docs/shared-features, field `from`). */
export const CM_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$|^[0-9]{1,16}$/;

export interface CmGatewayOptions {
  productToken: string;
  sender: string;
  /** Defaults to CM_DEFAULT_ENDPOINT; tests point it at a local server. */
  endpoint?: string;
  /** Longest wait for CM.com's answer, default 10 s. */
  timeoutMs?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** JSON POST error codes (responses-errors-json, table "JSON POST Error codes"). */
const ACCOUNT_ERRORS = new Set([101, 102, 103]); // authentication, balance, product token
const MESSAGE_ERRORS = new Set([202, 203, 301, 302, 303, 304, 305]); // malformed request/fields
const SERVER_ERRORS = new Set([500, 999]);

interface CmResponse {
  details?: unknown;
  errorCode?: unknown;
  messages?: Array<{ to?: unknown; status?: unknown; reference?: unknown; parts?: unknown; messageDetails?: unknown; messageErrorCode?: unknown }>;
}

export class CmSmsGateway implements SmsGateway {
  readonly name = 'cm';
  readonly #endpoint: URL;
  readonly #productToken: string;
  readonly #sender: string;
  readonly #timeoutMs: number;
  readonly #logger: Pick<Logger, 'info' | 'warn'> | undefined;

  constructor(options: CmGatewayOptions) {
    if (!options.productToken.trim()) throw new Error('CM.com gateway: a product token is required');
    if (!CM_SENDER.test(options.sender)) {
      throw new Error(`CM.com gateway: sender "${options.sender}" must be 1 to 11 letters, digits or spaces (with a letter), or up to 16 digits`);
    }
    const endpoint = new URL(options.endpoint ?? CM_DEFAULT_ENDPOINT);
    // The token travels in a header: only over TLS, except to this machine (tests, local proxies).
    if (endpoint.protocol !== 'https:' && !(endpoint.protocol === 'http:' && isLoopback(endpoint.hostname))) {
      throw new Error(`CM.com gateway: endpoint ${endpoint.origin} must use https`);
    }
    this.#endpoint = endpoint;
    this.#productToken = options.productToken;
    this.#sender = options.sender;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#logger = options.logger;
  }

  async send(message: SmsMessage): Promise<{ providerMessageId: string | null }> {
    checkSmsMessage(message);
    const body = {
      messages: {
        msg: [
          {
            from: this.#sender,
            // "Start with 00, country code, number; no + sign, no spaces" (shared-features, "Phone numbers").
            to: [{ number: `00${message.to.slice(1)}` }],
            body: { type: 'auto', content: message.text },
            reference: message.reference,
            // Only SMS: a code must not reach WhatsApp/RCS/Viber just because the account has them.
            allowedChannels: ['SMS'],
            minimumNumberOfMessageParts: 1,
            maximumNumberOfMessageParts: 8,
          },
        ],
      },
    };
    const log = { to: maskMobile(message.to), reference: message.reference };
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.#endpoint, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', 'x-cm-producttoken': this.#productToken },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const reason = timedOut ? `no answer within ${Math.round(this.#timeoutMs / 100) / 10} s` : describeNetworkError(error);
      this.#logger?.warn({ ...log, reason }, 'CM.com SMS gateway unreachable');
      throw new TemporaryError(`The SMS provider could not be reached (${reason}); try again later.`);
    }

    const parsed = parseJson(text);
    const mine = parsed?.messages?.find((m) => m.reference === message.reference) ?? parsed?.messages?.[0];
    const errorCode = typeof parsed?.errorCode === 'number' ? parsed.errorCode : null;
    const reason = providerReason(mine?.messageDetails) ?? providerReason(parsed?.details) ?? `HTTP ${response.status}`;

    if (response.ok && mine?.status === 'Accepted') {
      this.#logger?.info({ ...log, parts: mine.parts }, 'SMS accepted by CM.com');
      return { providerMessageId: null }; // CM.com identifies messages by our reference only
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408 || (errorCode !== null && SERVER_ERRORS.has(errorCode))) {
      this.#logger?.warn({ ...log, status: response.status, errorCode, reason }, 'CM.com SMS gateway failed');
      throw new TemporaryError(`The SMS provider is unavailable (${reason}); try again later.`);
    }
    if (response.ok && !mine) {
      // A 2xx we cannot read: whether the SMS went out is unknown, so the caller may retry.
      this.#logger?.warn({ ...log, status: response.status }, 'CM.com SMS gateway answered without a message status');
      throw new TemporaryError('The SMS provider gave an unreadable answer; try again later.');
    }
    const messageErrorCode = typeof mine?.messageErrorCode === 'number' ? mine.messageErrorCode : null;
    const code = userErrorCode(messageErrorCode ?? errorCode);
    this.#logger?.warn({ ...log, status: response.status, errorCode, messageErrorCode, reason }, 'CM.com refused the SMS');
    throw new UserError(code, `The SMS provider refused the message: ${reason}`);
  }
}

function userErrorCode(cmCode: number | null): UserErrorCode {
  if (cmCode !== null && ACCOUNT_ERRORS.has(cmCode)) return 'CANNOT'; // our account, not the sender's input
  if (cmCode !== null && MESSAGE_ERRORS.has(cmCode)) return 'BADINPUT';
  if (cmCode === 401 || cmCode === 402 || cmCode === 403) return 'CANNOT'; // spam filter, blacklist, rejected
  return 'BADINPUT';
}

function parseJson(text: string): CmResponse | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const response = value as CmResponse;
    if (response.messages !== undefined && !Array.isArray(response.messages)) return { ...response, messages: [] };
    return response;
  } catch {
    return null;
  }
}

/** The provider's own words, one line, bounded: they end up in a user-facing message and the log. */
function providerReason(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : 'network error';
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
