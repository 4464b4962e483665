// Security keys and passkeys in the browser (WebAuthn, SPEC R1): @simplewebauthn/browser runs the
// ceremony — the prompt to touch the key or unlock the passkey — between two calls to the portal API
// (src/web/portal/portal-webauthn-api.ts), which asks the questions and checks the answers.
import {
  WebAuthnError,
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import type {
  WebauthnAssertionJson,
  WebauthnCredentialJson,
  WebauthnLoginOptionsJson,
  WebauthnRegisterJson,
  WebauthnRegistrationOptionsJson,
} from '../../../src/web/portal/wire.ts';
import { call } from './api.ts';

const portal = (path: string) => `/api/portal${path}`;

export const webauthnApi = {
  loginOptions: (email: string) => call<WebauthnLoginOptionsJson>('POST', portal('/login/webauthn/options'), { email }),
  registrationOptions: () => call<WebauthnRegistrationOptionsJson>('POST', portal('/webauthn/register/options')),
  register: (body: WebauthnRegisterJson) => call<WebauthnCredentialJson>('POST', portal('/webauthn/register'), body),
  credentials: () => call<{ credentials: WebauthnCredentialJson[] }>('GET', portal('/webauthn/credentials')),
  remove: (id: number) => call<{ ok: true }>('DELETE', portal(`/webauthn/credentials/${id}`)),
};

/** False in a browser without WebAuthn (or outside HTTPS): then no key can be used or added. */
export function webauthnSupported(): boolean {
  return browserSupportsWebAuthn();
}

/** The browser's ceremony did not give an answer: cancelled, timed out, no matching key, or the
 * key was added before. The portal API's own refusals stay ApiFailures. */
export class KeyCeremonyFailed extends Error {
  readonly alreadyRegistered: boolean;
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : 'WebAuthn ceremony failed', { cause });
    this.name = 'KeyCeremonyFailed';
    this.alreadyRegistered =
      cause instanceof WebAuthnError && cause.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED';
  }
}

/** Asks the person for a new key (or passkey) and registers it under `name`. */
export async function addSecurityKey(name: string): Promise<WebauthnCredentialJson> {
  const { challengeId, options } = await webauthnApi.registrationOptions();
  const response = await startRegistration({ optionsJSON: options }).catch((error: unknown) => {
    throw new KeyCeremonyFailed(error);
  });
  return webauthnApi.register({ challengeId, name, response });
}

/** The second factor of a sign-in from a key: sent with the e-mail address and password. */
export async function securityKeyAssertion(email: string): Promise<WebauthnAssertionJson> {
  const { challengeId, options } = await webauthnApi.loginOptions(email);
  const response = await startAuthentication({ optionsJSON: options }).catch((error: unknown) => {
    throw new KeyCeremonyFailed(error);
  });
  return { challengeId, response };
}
