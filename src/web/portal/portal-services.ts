// What the portal's routes need of the services (tests may supply fakes): the Passage ID service,
// the organisations and mailboxes, and the client settings of a mailbox.
import type {
  ClientContext,
  InvitationSummary,
  LinkedMailbox,
  MailboxActivation,
  NewSession,
  PassageAccount,
  PassageLoginResult,
  PassageRole,
  PassageSessionInfo,
  TotpEnrolment,
  WebauthnAssertion,
  WebauthnChallenge,
  WebauthnCredentialInfo,
} from '../../identity/passage-types.ts';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Actor } from '../../identity/identity-service.ts';
import type { Mailbox, Organisation } from '../../identity/types.ts';
import type { MailboxClientSettings } from '../../mail/client-config/apple-mobileconfig.ts';

export interface PassageLike {
  invite(
    input: { email: string; orgDomain?: string; role: PassageRole },
    by: Actor,
  ): Promise<{ email: string; role: PassageRole; expiresAt: Date; token: string; url: string }>;
  inspectInvitation(token: string): Promise<InvitationSummary & { totp: TotpEnrolment }>;
  acceptInvitation(
    input: { token: string; password: string; totpCode: string },
    client: ClientContext,
  ): Promise<{ account: PassageAccount; recoveryCodes: string[]; session: NewSession }>;
  login(
    input: { email: string; password: string; code?: string; webauthn?: WebauthnAssertion },
    client: ClientContext,
  ): Promise<PassageLoginResult>;
  authenticate(token: string): Promise<{ account: PassageAccount; session: PassageSessionInfo } | null>;
  logout(token: string, client?: ClientContext): Promise<void>;
  listSessions(accountId: number): Promise<PassageSessionInfo[]>;
  revokeSession(accountId: number, sessionId: number, by: Actor): Promise<void>;
  revokeOtherSessions(accountId: number, keepSessionId: number | null, by: Actor): Promise<number>;
  changePassword(account: PassageAccount, input: { current: string; next: string; keepSessionId?: number | null }, client: ClientContext): Promise<void>;
  regenerateRecoveryCodes(account: PassageAccount, totpCode: string, client: ClientContext): Promise<string[]>;
  recoveryCodesLeft(accountId: number): Promise<number>;
  issueActivation(mailbox: Mailbox, by: Actor): Promise<MailboxActivation>;
  linkMailbox(account: PassageAccount, input: { klantnummer: string; code: string }, client: ClientContext): Promise<LinkedMailbox>;
  linkedMailboxes(accountId: number): Promise<LinkedMailbox[]>;
  requireLinkedMailbox(account: PassageAccount, mailboxId: number): Promise<Mailbox>;
  unlinkMailbox(account: PassageAccount, mailboxId: number, by: Actor): Promise<void>;
  generateHostedMailKey(account: PassageAccount, mailboxId: number, client: ClientContext): Promise<{ key: string; mailbox: Mailbox }>;
  webauthnRegistrationOptions(account: PassageAccount): Promise<WebauthnChallenge<PublicKeyCredentialCreationOptionsJSON>>;
  registerWebauthnCredential(
    account: PassageAccount,
    input: { challengeId: string; name: string; response: RegistrationResponseJSON },
    client: ClientContext,
  ): Promise<WebauthnCredentialInfo>;
  listWebauthnCredentials(accountId: number): Promise<WebauthnCredentialInfo[]>;
  removeWebauthnCredential(account: PassageAccount, id: number, by: Actor): Promise<void>;
  webauthnSignInOptions(email: string): Promise<WebauthnChallenge<PublicKeyCredentialRequestOptionsJSON>>;
}

export interface PortalServices {
  passage: PassageLike;
  findOrganisation(by: { id: number } | { domain: string }): Promise<Organisation | null>;
  /** A mailbox by klantnummer or address. */
  findMailbox(reference: string): Promise<Mailbox | null>;
  /** The manual's settings summary for the mailbox, with this server's listeners. */
  clientSettings(mailbox: Mailbox): MailboxClientSettings;
}
