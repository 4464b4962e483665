// Security keys and passkeys (WebAuthn) of the signed-in Passage ID, and the options for a sign-in
// with one (SPEC R1, R22, R24). The ceremonies run in the browser (@simplewebauthn/browser); the
// Passage ID service checks their answers, keeps the challenges and audits every change.
import type { FastifyPluginAsync } from 'fastify';
import type { WebauthnCredentialInfo } from '../../identity/passage-types.ts';
import { schemas } from './portal-json.ts';
import { actorOf, clientOf, positiveId, signedIn } from './portal-api.ts';
import type { PortalServices } from './portal-services.ts';
import { requirePreSessionHeader } from './portal-session.ts';
import {
  type WebauthnCredentialJson,
  type WebauthnLoginOptionsJson,
  type WebauthnLoginOptionsRequestJson,
  type WebauthnRegisterJson,
  type WebauthnRegistrationOptionsJson,
} from './wire.ts';

export function webauthnCredentialJson(credential: WebauthnCredentialInfo): WebauthnCredentialJson {
  return {
    id: credential.id,
    name: credential.name,
    transports: credential.transports,
    createdAt: credential.createdAt.toISOString(),
    lastUsedAt: credential.lastUsedAt?.toISOString() ?? null,
  };
}

/** Register at /api/portal, after portal-api.ts's hooks. */
export const portalWebauthnApi: FastifyPluginAsync<{ services: PortalServices }> = async (api, { services }) => {
  const { passage } = services;

  // Before a session exists, like /login: the fixed header a cross-site form cannot send. The
  // answer has the same shape for every address, so it tells nobody which ones have an account.
  api.post<{ Body: WebauthnLoginOptionsRequestJson }>(
    '/login/webauthn/options',
    { bodyLimit: 1024, schema: { body: schemas.webauthnLoginOptions } },
    async (request): Promise<WebauthnLoginOptionsJson> => {
      requirePreSessionHeader(request);
      return passage.webauthnSignInOptions(request.body.email);
    },
  );

  api.post('/webauthn/register/options', async (request): Promise<WebauthnRegistrationOptionsJson> => {
    const { account } = await signedIn(request, services);
    return passage.webauthnRegistrationOptions(account);
  });

  api.post<{ Body: WebauthnRegisterJson }>(
    '/webauthn/register',
    { bodyLimit: 65_536, schema: { body: schemas.webauthnRegister } },
    async (request): Promise<WebauthnCredentialJson> => {
      const { account } = await signedIn(request, services);
      return webauthnCredentialJson(await passage.registerWebauthnCredential(account, request.body, clientOf(request)));
    },
  );

  api.get('/webauthn/credentials', async (request): Promise<{ credentials: WebauthnCredentialJson[] }> => {
    const { account } = await signedIn(request, services);
    return { credentials: (await passage.listWebauthnCredentials(account.id)).map(webauthnCredentialJson) };
  });

  api.delete<{ Params: { id: string } }>('/webauthn/credentials/:id', async (request) => {
    const { account } = await signedIn(request, services);
    await passage.removeWebauthnCredential(account, positiveId(request.params.id), actorOf(account, request));
    return { ok: true };
  });
};
