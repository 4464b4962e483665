// The portal's side of its JSON API (src/web/portal/wire.ts), on the shared caller: requests that
// change something carry the session's CSRF token (before sign-in "1", which only the sign-in steps
// accept); every failure is an ApiFailure with the server's machine code (status 0: no answer).
import type {
  AccountCreatedJson,
  ActivationJson,
  ClientSettingsJson,
  ErrorJson,
  HostedMailKeyJson,
  InvitationJson,
  InvitedJson,
  InviteJson,
  LoggedInJson,
  LoginJson,
  MailboxJson,
  SessionInfoJson,
  SessionJson,
} from '../../../src/web/portal/wire.ts';
import { CSRF_HEADER } from '../../../src/web/portal/wire.ts';
import { ApiFailure as SharedApiFailure, apiCaller } from '../../shared/api-client.ts';

export class ApiFailure extends SharedApiFailure<ErrorJson> {}

let csrfToken = '1';

/** Remembered from the session answer; sent with every change from then on. */
export function rememberCsrfToken(token: string | null): void {
  csrfToken = token ?? '1';
}

/** Paths are absolute: the portal calls both /api/portal and /api/webmail. */
export const call = apiCaller<ErrorJson>('', CSRF_HEADER, ApiFailure, () => csrfToken);

const portal = (path: string) => `/api/portal${path}`;

export const api = {
  session: () => call<SessionJson>('GET', portal('/session')),
  login: (body: LoginJson) => call<LoggedInJson>('POST', portal('/login'), body),
  logout: () => call<{ ok: true }>('POST', portal('/logout')),
  invitation: (token: string) => call<InvitationJson>('POST', portal('/invitation'), { token }),
  acceptInvitation: (token: string, password: string, code: string) =>
    call<AccountCreatedJson>('POST', portal('/invitation/accept'), { token, password, code }),
  mailboxes: () => call<{ mailboxes: MailboxJson[] }>('GET', portal('/mailboxes')),
  link: (klantnummer: string, code: string) => call<MailboxJson>('POST', portal('/mailboxes/link'), { klantnummer, code }),
  unlink: (id: number) => call<{ ok: true }>('DELETE', portal(`/mailboxes/${id}`)),
  generateKey: (id: number) => call<HostedMailKeyJson>('POST', portal(`/mailboxes/${id}/key`)),
  settings: (id: number) => call<ClientSettingsJson>('GET', portal(`/mailboxes/${id}/settings`)),
  mobileconfigUrl: (id: number) => portal(`/mailboxes/${id}/profile.mobileconfig`),
  sessions: () => call<{ sessions: SessionInfoJson[] }>('GET', portal('/sessions')),
  revokeSession: (id: number) => call<{ ok: true }>('DELETE', portal(`/sessions/${id}`)),
  revokeAllSessions: () => call<{ ok: true }>('POST', portal('/sessions/revoke-all')),
  changePassword: (current: string, next: string) => call<{ ok: true }>('POST', portal('/password'), { current, next }),
  newRecoveryCodes: (code: string) => call<{ recoveryCodes: string[] }>('POST', portal('/recovery-codes'), { code }),
  invite: (body: InviteJson) => call<InvitedJson>('POST', portal('/invitations'), body),
  issueActivation: (mailbox: string) => call<ActivationJson>('POST', portal('/activations'), { mailbox }),
};
