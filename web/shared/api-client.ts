// The browser's side of an app's JSON API: every POST with the CSRF header the server demands, JSON or
// multipart bodies, never cached, and every failure — an error answer or no connection at all — turned
// into an ApiFailure carrying the server's machine code (status 0: no answer).
import type { CommonErrorCode, ErrorJsonOf } from '../../src/web/shared/wire.ts';

type BaseErrorJson = ErrorJsonOf<CommonErrorCode | (string & {}), string>;

export class ApiFailure<Body extends BaseErrorJson = BaseErrorJson> extends Error {
  readonly status: number;
  readonly body: Body;
  constructor(status: number, body: Body) {
    super(body.message);
    this.name = 'ApiFailure';
    this.status = status;
    this.body = body;
  }
}

export type ApiCall = <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: FormData | object) => Promise<T>;

/** Calls under `base`; failures are thrown as `Failure` (an app's own ApiFailure with its error type).
 * Every call but a GET carries `csrfHeader` with `csrfValue()` ("1" unless the app has a session token). */
export function apiCaller<Body extends BaseErrorJson>(
  base: string,
  csrfHeader: string,
  Failure: new (status: number, body: Body) => ApiFailure<Body>,
  csrfValue: () => string = () => '1',
): ApiCall {
  return async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: FormData | object): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method !== 'GET') headers[csrfHeader] = csrfValue();
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: payload,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new Failure(0, { error: 'unavailable', message: 'network' } as Body);
    }
    if (response.status === 204) return undefined as T;
    const parsed: unknown = await response.json().catch(() => null);
    if (response.ok && parsed !== null) return parsed as T;
    const error = parsed && typeof parsed === 'object' && 'error' in parsed ? (parsed as Body) : null;
    throw new Failure(
      response.status,
      error ?? ({ error: response.status >= 500 ? 'internal' : 'bad-input', message: response.statusText } as Body),
    );
  };
}
