// The portal's JSON API under /api/portal/ (SPEC R1, R3, R4, R5, R24): sign-in with Passage ID,
// accepting an invitation, the session and account security, and the linked mailboxes — each a thin
// step in front of the Passage ID service, which throttles, audits and decides. Nothing is cached.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import QRCode from 'qrcode';
import type { PassageAccount } from '../../identity/passage-types.ts';
import { apiErrorHandler, apiNotFoundHandler, ApiError } from '../shared/api-errors.ts';
import { requestContext } from '../shared/request.ts';
import { accountJson, mailboxJson, schemas, sessionInfoJson } from './portal-json.ts';
import {
  checkCsrf,
  clearSessionCookie,
  csrfTokenOf,
  noSession,
  requirePreSessionHeader,
  sessionToken,
  setSessionCookie,
  type SignedIn,
} from './portal-session.ts';
import type { PortalServices } from './portal-services.ts';
import { portalMailboxApi } from './portal-mailbox-api.ts';
import { portalAdminApi } from './portal-admin-api.ts';
import { portalWebauthnApi } from './portal-webauthn-api.ts';
import {
  type AcceptInvitationJson,
  type AccountCreatedJson,
  type ErrorJson,
  type InvitationJson,
  type LoggedInJson,
  type LoginJson,
  type PasswordChangeJson,
  type SessionJson,
} from './wire.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `signedIn()` once the session cookie checked out. */
    passage: SignedIn | null;
  }
}

/** Who is signed in, or a 401; requests that change something must carry the CSRF token too. */
export async function signedIn(request: FastifyRequest, services: PortalServices): Promise<SignedIn> {
  if (request.passage) return request.passage;
  const token = sessionToken(request);
  const found = token ? await services.passage.authenticate(token) : null;
  if (!token || !found) throw noSession();
  checkCsrf(request, token);
  request.passage = { ...found, token };
  return request.passage;
}

export function actorOf(account: PassageAccount, request: FastifyRequest) {
  return { actor: `passage:${account.email}`, remoteAddress: requestContext(request).remoteAddress };
}

/** The client context the Passage ID service wants (user agent always a string). */
export function clientOf(request: FastifyRequest) {
  const context = requestContext(request);
  return { remoteAddress: context.remoteAddress, userAgent: context.userAgent ?? '' };
}

export const portalApi: FastifyPluginAsync<{ services: PortalServices }> = async (api, { services }) => {
  const { passage } = services;
  if (!api.hasRequestDecorator('cookies')) await api.register(fastifyCookie);
  if (!api.hasRequestDecorator('passage')) api.decorateRequest('passage', null);
  apiErrorHandler(api, 'portal');
  apiNotFoundHandler(api, 'No such portal API route');
  api.addHook('onRequest', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
  });

  const sessionJson = async (account: PassageAccount, token: string): Promise<SessionJson> => {
    const [mailboxes, recoveryCodesLeft, organisation] = await Promise.all([
      passage.linkedMailboxes(account.id),
      passage.recoveryCodesLeft(account.id),
      account.orgId === null ? null : services.findOrganisation({ id: account.orgId }),
    ]);
    return {
      account: accountJson(account, organisation),
      csrfToken: csrfTokenOf(token),
      mailboxes: mailboxes.map(mailboxJson),
      recoveryCodesLeft,
    };
  };

  api.get('/session', async (request): Promise<SessionJson> => {
    const { account, token } = await signedIn(request, services);
    return sessionJson(account, token);
  });

  api.post<{ Body: LoginJson }>('/login', { bodyLimit: 16_384, schema: { body: schemas.login } }, async (request, reply): Promise<LoggedInJson> => {
    requirePreSessionHeader(request);
    const result = await passage.login(request.body, clientOf(request));
    if (!result.ok) {
      if (result.reason === 'throttled') {
        throw new ApiError<ErrorJson>(
          429,
          { error: 'throttled', message: 'Too many failed sign-ins; try again later', retryAfter: new Date(Date.now() + result.retryAfterSeconds * 1000).toISOString() },
          new Date(Date.now() + result.retryAfterSeconds * 1000),
        );
      }
      throw new ApiError<ErrorJson>(401, { error: 'invalid-login', message: 'E-mail address, password or code is wrong' });
    }
    setSessionCookie(reply, result.session.token, result.session.expiresAt);
    return { ...(await sessionJson(result.account, result.session.token)), usedRecoveryCode: result.usedRecoveryCode };
  });

  api.post('/logout', async (request, reply) => {
    const token = sessionToken(request);
    if (token) {
      checkCsrf(request, token);
      await passage.logout(token, clientOf(request));
    }
    clearSessionCookie(reply);
    return { ok: true };
  });

  api.post<{ Body: { token: string } }>('/invitation', { bodyLimit: 1024, schema: { body: schemas.invitationToken } }, async (request): Promise<InvitationJson> => {
    requirePreSessionHeader(request);
    const invitation = await passage.inspectInvitation(request.body.token);
    return {
      email: invitation.email,
      role: invitation.role,
      organisation: invitation.organisation && { name: invitation.organisation.name, domain: invitation.organisation.domain },
      expiresAt: invitation.expiresAt.toISOString(),
      totp: { ...invitation.totp, qrSvg: await QRCode.toString(invitation.totp.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) },
    };
  });

  api.post<{ Body: AcceptInvitationJson }>(
    '/invitation/accept',
    { bodyLimit: 4096, schema: { body: schemas.acceptInvitation } },
    async (request, reply): Promise<AccountCreatedJson> => {
      requirePreSessionHeader(request);
      const { token, password, code } = request.body;
      const created = await passage.acceptInvitation({ token, password, totpCode: code }, clientOf(request));
      setSessionCookie(reply, created.session.token, created.session.expiresAt);
      return { ...(await sessionJson(created.account, created.session.token)), recoveryCodes: created.recoveryCodes };
    },
  );

  api.get('/sessions', async (request) => {
    const { account, session } = await signedIn(request, services);
    return { sessions: (await passage.listSessions(account.id)).map((s) => sessionInfoJson(s, session.id)) };
  });

  api.delete<{ Params: { id: string } }>('/sessions/:id', async (request) => {
    const { account } = await signedIn(request, services);
    await passage.revokeSession(account.id, positiveId(request.params.id), actorOf(account, request));
    return { ok: true };
  });

  // "Sign out everywhere": every session of the account ends, this one included.
  api.post('/sessions/revoke-all', async (request, reply) => {
    const { account } = await signedIn(request, services);
    await passage.revokeOtherSessions(account.id, null, actorOf(account, request));
    clearSessionCookie(reply);
    return { ok: true };
  });

  api.post<{ Body: PasswordChangeJson }>('/password', { bodyLimit: 4096, schema: { body: schemas.passwordChange } }, async (request) => {
    const { account, session } = await signedIn(request, services);
    // The session that changed the password stays; every other one ends.
    await passage.changePassword(account, { ...request.body, keepSessionId: session.id }, clientOf(request));
    return { ok: true };
  });

  api.post<{ Body: { code: string } }>('/recovery-codes', { bodyLimit: 1024, schema: { body: schemas.code } }, async (request) => {
    const { account } = await signedIn(request, services);
    return { recoveryCodes: await passage.regenerateRecoveryCodes(account, request.body.code, clientOf(request)) };
  });

  await api.register(portalMailboxApi, { prefix: '/mailboxes', services });
  await api.register(portalAdminApi, { services });
  await api.register(portalWebauthnApi, { services });
};

export function positiveId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new ApiError<ErrorJson>(404, { error: 'not-found', message: 'No such item' });
  return id;
}
