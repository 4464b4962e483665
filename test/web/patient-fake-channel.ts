// An in-memory PatientChannelLike for the route tests: one practice with the page on, codes that are
// always 123456, and a way to make the next call of a method fail or answer something else. It
// records every call so a test can check what reached the service — and what did not.
import { UserError } from '../../src/errors.ts';
import type { PatientCodeResult, PatientMessage, PatientVerifyResult } from '../../src/secure/patient-channel.ts';
import type { RequestContext } from '../../src/secure/types.ts';
import type { PatientChannelLike } from '../../src/web/patient/patient-routes.ts';

export const DOMAIN = 'delinde.nl';
export const CODE = '123456';
const MINUTE = 60_000;

type Method = keyof PatientChannelLike;

export class FakePatientChannel implements PatientChannelLike {
  readonly calls: Array<{ method: Method; domain: string; args: unknown[]; context?: RequestContext }> = [];
  readonly sent: Array<{ domain: string; message: PatientMessage; context: RequestContext }> = [];
  /** Tokens handed out, and whether their code was entered. */
  readonly tokens = new Map<string, { verified: boolean }>();
  readonly #next = new Map<Method, Error | PatientCodeResult | PatientVerifyResult>();
  #issued = 0;

  /** The next call of `method` throws `outcome` (an Error) or answers it (a result). */
  answerNext(method: Method, outcome: Error | PatientCodeResult | PatientVerifyResult): void {
    this.#next.set(method, outcome);
  }

  #take(method: Method): PatientCodeResult | PatientVerifyResult | undefined {
    const outcome = this.#next.get(method);
    this.#next.delete(method);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  async info(domain: string) {
    this.calls.push({ method: 'info', domain, args: [] });
    this.#take('info');
    return domain.toLowerCase() === DOMAIN
      ? { organisation: 'Huisartsenpraktijk De Linde', domain: DOMAIN, language: 'nl' as const }
      : null;
  }

  async requestCode(domain: string, contact: { email: string; mobile?: string | null }, context: RequestContext) {
    this.calls.push({ method: 'requestCode', domain, args: [contact], context });
    const forced = this.#take('requestCode');
    if (forced) return forced as PatientCodeResult;
    if (domain !== DOMAIN) throw new UserError('NONEXISTENT', 'This organisation has no patient page');
    if (!/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(contact.email))
      throw new UserError('BADINPUT', 'Enter a valid e-mail address');
    const token = `token-${++this.#issued}-${'x'.repeat(32)}`;
    this.tokens.set(token, { verified: false });
    return {
      ok: true as const,
      token,
      channel: contact.mobile ? ('sms' as const) : ('email' as const),
      maskedDestination: contact.mobile ? '06-****5678' : 'p****@gmail.com',
      codeValidUntil: new Date(Date.now() + 15 * MINUTE),
    };
  }

  async verify(domain: string, token: string, code: string, context: RequestContext): Promise<PatientVerifyResult> {
    this.calls.push({ method: 'verify', domain, args: [token, code], context });
    const forced = this.#take('verify');
    if (forced) return forced as PatientVerifyResult;
    const known = this.tokens.get(token);
    if (!known || known.verified) return { ok: false, reason: 'unknown', attemptsLeft: 0 };
    if (code.replace(/\s+/g, '') !== CODE) return { ok: false, reason: 'wrong-code', attemptsLeft: 4 };
    known.verified = true;
    return { ok: true, sessionExpiresAt: new Date(Date.now() + 30 * MINUTE) };
  }

  async send(domain: string, token: string, message: PatientMessage, context: RequestContext): Promise<void> {
    this.calls.push({ method: 'send', domain, args: [token, message], context });
    this.#take('send');
    if (!this.tokens.get(token)?.verified)
      throw new UserError('NOPERM', 'Verify your e-mail address or mobile number first');
    if (!message.text.trim() && message.attachments.length === 0)
      throw new UserError('BADINPUT', 'The message is empty');
    this.sent.push({ domain, message, context });
  }

  /** The arguments of the newest call (besides the domain and context). */
  lastArgs(): unknown[] | undefined {
    return this.calls.at(-1)?.args;
  }

  /** A verified token, as if the code had been entered. */
  verifiedToken(): string {
    const token = `token-${++this.#issued}-${'v'.repeat(32)}`;
    this.tokens.set(token, { verified: true });
    return token;
  }
}
