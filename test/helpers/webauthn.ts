// WebAuthn ceremonies made by a real browser for the tests: Chromium's virtual authenticator (through
// the DevTools protocol) answers navigator.credentials.create()/get(), and the browser's own JSON
// serialisation (WebAuthn Level 3 §5.1.8, §5.1.10: parse*OptionsFromJSON, toJSON) carries options and
// answers — code the server's library did not write.
import type { Page } from 'playwright-core';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** What the virtual authenticator reports; the defaults are a platform passkey with a PIN set. */
export interface VirtualAuthenticatorOptions {
  protocol?: 'ctap2' | 'u2f';
  transport?: 'usb' | 'nfc' | 'ble' | 'internal';
  hasResidentKey?: boolean;
  hasUserVerification?: boolean;
  isUserVerified?: boolean;
}

/** Adds a virtual authenticator to the page's browser; returns its id (for `removeVirtualAuthenticator`). */
export async function addVirtualAuthenticator(page: Page, options: VirtualAuthenticatorOptions = {}): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      ...options,
    },
  });
  return authenticatorId;
}

/** Serves an empty HTTPS page at `origin` from inside the browser (nothing listens there): a secure
 * context whose host can be a relying party ID. */
export async function openBlankOrigin(page: Page, origin: string): Promise<void> {
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><title>WebAuthn</title></html>',
    }),
  );
  await page.goto(`${origin}/`);
}

interface WebAuthnGlobals {
  PublicKeyCredential: {
    parseCreationOptionsFromJSON(json: unknown): unknown;
    parseRequestOptionsFromJSON(json: unknown): unknown;
  };
  navigator: {
    credentials: {
      create(o: unknown): Promise<{ toJSON(): unknown }>;
      get(o: unknown): Promise<{ toJSON(): unknown }>;
    };
  };
}

/** navigator.credentials.create() on the page; rejects with the browser's error name and message. */
export async function createCredential(
  page: Page,
  options: PublicKeyCredentialCreationOptionsJSON,
): Promise<RegistrationResponseJSON> {
  return (await page.evaluate(async (json) => {
    const w = globalThis as unknown as WebAuthnGlobals;
    const credential = await w.navigator.credentials.create({
      publicKey: w.PublicKeyCredential.parseCreationOptionsFromJSON(json),
    });
    return credential.toJSON();
  }, options)) as RegistrationResponseJSON;
}

/** navigator.credentials.get() on the page. */
export async function getAssertion(
  page: Page,
  options: PublicKeyCredentialRequestOptionsJSON,
): Promise<AuthenticationResponseJSON> {
  return (await page.evaluate(async (json) => {
    const w = globalThis as unknown as WebAuthnGlobals;
    const credential = await w.navigator.credentials.get({
      publicKey: w.PublicKeyCredential.parseRequestOptionsFromJSON(json),
    });
    return credential.toJSON();
  }, options)) as AuthenticationResponseJSON;
}
