// The browser's side of the patient API (src/web/patient/patient-api.ts): one function per route,
// every POST with the X-Zorgpost-Patient header the server demands, failures as ApiFailure
// (web/shared/api-client.ts).
import { ApiFailure as SharedApiFailure, apiCaller } from '../../shared/api-client.ts';
import {
  CSRF_HEADER,
  DOMAIN_PATTERN,
  type CodeRequestJson,
  type CodeSentJson,
  type ErrorJson,
  type MessageSentJson,
  type PatientPageJson,
  type VerifiedJson,
} from '../../../src/web/patient/wire.ts';

/**
 * The domain from `/patient/<domain>`, exactly as in the address bar: the server scopes the cookie
 * to the API path it was called with, so every call must use the same spelling.
 */
export const DOMAIN = location.pathname.split('/')[2] ?? '';
export const DOMAIN_IS_WELL_FORMED = DOMAIN_PATTERN.test(DOMAIN);

export class ApiFailure extends SharedApiFailure<ErrorJson> {}

const call = apiCaller(`/api/patient/${DOMAIN}`, CSRF_HEADER, ApiFailure);

export const api = {
  page: () => call<PatientPageJson>('GET', '/'),
  requestCode: (contact: CodeRequestJson) => call<CodeSentJson>('POST', '/code', contact),
  verify: (code: string) => call<VerifiedJson>('POST', '/verify', { code }),
  send: (form: FormData) => call<MessageSentJson>('POST', '/message', form),
  logout: () => call<void>('POST', '/logout'),
};
