// The service's results as the portal API sends them (wire.ts), and the JSON schemas that validate
// what comes in: lengths are bounded before anything reaches a password hash or the database.
import type { LinkedMailbox, PassageAccount, PassageSessionInfo } from '../../identity/passage-types.ts';
import type { Organisation } from '../../identity/types.ts';
import type { AccountJson, MailboxJson, SessionInfoJson } from './wire.ts';

export function accountJson(account: PassageAccount, organisation: Organisation | null): AccountJson {
  return {
    email: account.email,
    role: account.role,
    organisation: organisation && { name: organisation.name, domain: organisation.domain },
  };
}

export function mailboxJson(mailbox: LinkedMailbox): MailboxJson {
  return {
    id: mailbox.id,
    address: mailbox.address,
    displayName: mailbox.displayName,
    klantnummer: mailbox.klantnummer,
    linkedAt: mailbox.linkedAt.toISOString(),
  };
}

export function sessionInfoJson(session: PassageSessionInfo, currentId: number): SessionInfoJson {
  return {
    id: session.id,
    current: session.id === currentId,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    remoteAddress: session.remoteAddress,
    userAgent: session.userAgent,
  };
}

function object(properties: Record<string, unknown>, optional: string[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    properties,
  } as const;
}

// RFC 5321 §4.5.3.1.3: a path is at most 256 octets.
const email = { type: 'string', minLength: 3, maxLength: 256 } as const;
// Long enough for a passphrase, short enough that hashing it costs nothing unusual.
const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const code = { type: 'string', minLength: 1, maxLength: 64 } as const;
const token = { type: 'string', minLength: 1, maxLength: 128 } as const;

// WebAuthn answers as @simplewebauthn/browser sends them (RegistrationResponseJSON and
// AuthenticationResponseJSON): only their size is bounded here, the service checks their content.
const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const credentialId = { type: 'string', minLength: 1, maxLength: 1400 } as const;
const credentialAnswer = (response: Record<string, unknown>, required: string[]) =>
  ({
    type: 'object',
    required: ['id', 'rawId', 'type', 'response'],
    properties: {
      id: credentialId,
      rawId: credentialId,
      type: text(32),
      authenticatorAttachment: text(32),
      clientExtensionResults: { type: 'object' },
      response: { type: 'object', required, properties: response },
    },
  }) as const;
const registrationResponse = credentialAnswer(
  {
    clientDataJSON: text(8192),
    attestationObject: text(32_768),
    authenticatorData: text(8192),
    transports: { type: 'array', maxItems: 16, items: text(32) },
    publicKeyAlgorithm: { type: 'integer' },
    publicKey: text(4096),
  },
  ['clientDataJSON', 'attestationObject'],
);
const authenticationResponse = credentialAnswer(
  { clientDataJSON: text(8192), authenticatorData: text(8192), signature: text(2048), userHandle: { type: ['string', 'null'], maxLength: 1024 } },
  ['clientDataJSON', 'authenticatorData', 'signature'],
);
const webauthnAssertion = object({ challengeId: token, response: authenticationResponse });

export const schemas = {
  // The second factor: a code or a security key's assertion, exactly one.
  login: { ...object({ email, password, code, webauthn: webauthnAssertion }, ['code', 'webauthn']), oneOf: [{ required: ['code'] }, { required: ['webauthn'] }] },
  webauthnLoginOptions: object({ email }),
  webauthnRegister: object({ challengeId: token, name: { type: 'string', minLength: 1, maxLength: 256 }, response: registrationResponse }),
  invitationToken: object({ token }),
  acceptInvitation: object({ token, password, code }),
  passwordChange: object({ current: password, next: password }),
  code: object({ code }),
  link: object({ klantnummer: { type: 'string', minLength: 1, maxLength: 32 }, code }),
  invite: object(
    { email, role: { type: 'string', enum: ['operator', 'admin', 'user'] }, organisation: { type: 'string', maxLength: 253 } },
    ['organisation'],
  ),
  activation: object({ mailbox: { type: 'string', minLength: 1, maxLength: 256 } }),
};
