// What the portal's routes need of the services (tests may supply fakes): the Passage ID service,
// the organisations and mailboxes, and the client settings of a mailbox.
import type { PassageService } from '../../identity/passage-service.ts';
import type { Mailbox, Organisation } from '../../identity/types.ts';
import type { MailboxClientSettings } from '../../mail/client-config/apple-mobileconfig.ts';

/** The Passage ID steps the portal takes, exactly as the service offers them. */
export type PassageLike = Pick<
  PassageService,
  | 'invite'
  | 'inspectInvitation'
  | 'acceptInvitation'
  | 'login'
  | 'authenticate'
  | 'logout'
  | 'listSessions'
  | 'revokeSession'
  | 'revokeOtherSessions'
  | 'changePassword'
  | 'regenerateRecoveryCodes'
  | 'recoveryCodesLeft'
  | 'issueActivation'
  | 'linkMailbox'
  | 'linkedMailboxes'
  | 'requireLinkedMailbox'
  | 'unlinkMailbox'
  | 'generateHostedMailKey'
  | 'webauthnRegistrationOptions'
  | 'registerWebauthnCredential'
  | 'listWebauthnCredentials'
  | 'removeWebauthnCredential'
  | 'webauthnSignInOptions'
>;

export interface PortalServices {
  passage: PassageLike;
  findOrganisation(by: { id: number } | { domain: string }): Promise<Organisation | null>;
  /** A mailbox by klantnummer or address. */
  findMailbox(reference: string): Promise<Mailbox | null>;
  /** The manual's settings summary for the mailbox, with this server's listeners. */
  clientSettings(mailbox: Mailbox): MailboxClientSettings;
}
