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

export const schemas = {
  login: object({ email, password, code }),
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
