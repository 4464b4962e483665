// The browser's side of the Viewer API (src/web/viewer/viewer-api.ts): one function per route, every
// POST with the X-Zorgpost-Viewer header the server demands, and every failure — an error answer or
// no connection at all — turned into an ApiFailure carrying the server's machine code
// (web/shared/api-client.ts).
import { ApiFailure as SharedApiFailure, apiCaller } from '../../shared/api-client.ts';
import {
  CSRF_HEADER,
  type CodeSentJson,
  type ErrorJson,
  type LandingJson,
  type MessageJson,
  type ReplySentJson,
  type SessionJson,
} from '../../../src/web/viewer/wire.ts';

/** The link from `/v/<link>`; the server sends this page for any path under /v/. */
export const LINK = location.pathname.split('/')[2] ?? '';
export const LINK_IS_WELL_FORMED = /^[A-Za-z0-9_-]{22}$/.test(LINK);

const BASE = `/api/viewer/${LINK}`;

export class ApiFailure extends SharedApiFailure<ErrorJson> {}

const call = apiCaller(BASE, CSRF_HEADER, ApiFailure);

export const api = {
  landing: () => call<LandingJson>('GET', '/'),
  requestCode: () => call<CodeSentJson>('POST', '/code'),
  checkCode: (code: string) => call<SessionJson>('POST', '/session', { code }),
  message: () => call<MessageJson>('GET', '/message'),
  reply: (form: FormData) => call<ReplySentJson>('POST', '/reply', form),
  logout: () => call<void>('POST', '/logout'),
};

/** Downloads and the HTML frame are plain URLs: the browser fetches them with the session cookie. */
export const urls = {
  bodyHtml: `${BASE}/body.html`,
  attachment: (index: number) => `${BASE}/attachments/${index}`,
  copy: (format: 'eml' | 'pdf') => `${BASE}/copy.${format}`,
};
