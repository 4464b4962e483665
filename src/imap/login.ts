// The shared end of LOGIN and AUTHENTICATE: one Authenticator call, the SPEC's failure texts, and a
// per-connection limit on failures on top of the Authenticator's throttling (SPEC R24).
import type { CommandResult } from './command.ts';
import { capabilityList } from './capabilities.ts';
import { ImapNoError } from './errors.ts';
import type { Session } from './session.ts';

const MAX_FAILURES_PER_CONNECTION = 5;

/** `authzid` is the SASL authorisation identity (RFC 4616 §2); the Authenticator refuses one that
 * names another mailbox. */
export async function logIn(session: Session, username: string, password: string, authzid = ''): Promise<CommandResult> {
  const result = await session.services.auth.login({
    username,
    password,
    protocol: 'imap',
    remoteAddress: session.io.remoteAddress,
    authzid,
  });
  if (!result.ok && result.reason === 'forbidden') throw new ImapNoError('AUTHORIZATIONFAILED', 'Not authorised to act as that user');
  if (!result.ok) {
    session.failedLogins++;
    if (session.failedLogins >= MAX_FAILURES_PER_CONNECTION) void session.io.bye('Too many failed login attempts');
    if (result.reason === 'throttled') {
      throw new ImapNoError('UNAVAILABLE', 'Too many failed attempts, try again later');
    }
    // RFC 5530 AUTHENTICATIONFAILED: the same text whether the name or the key was wrong.
    throw new ImapNoError('AUTHENTICATIONFAILED', 'Invalid credentials');
  }
  session.loggedIn(result.mailbox, result.keyId);
  session.logger.info({ mailboxId: result.mailbox.id }, 'imap login');
  // RFC 3501 §6.2.3: capabilities may change at login; announce them with the OK.
  return { code: `CAPABILITY ${capabilityList(session)}`, text: 'Logged in' };
}
