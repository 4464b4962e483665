// Bind (RFC 4511 §4.2, RFC 4513 §5): simple bind only, with the manual's user name
// `uid=<klantnummer>` (or the full `uid=<klantnummer>,<base>`) and the Hosted Mail Key.
import { encodeBindResponse } from '../protocol/messages.ts';
import { ResultCode, type LdapResult } from '../protocol/types.ts';
import { parseDn, sameDn } from '../../directory/dn.ts';
import type { OperationHandler } from './context.ts';

export const bind: OperationHandler<'bind'> = async (context, connection, message) => {
  const { request } = message;
  const reply = (result: LdapResult) => connection.send(encodeBindResponse(message.messageId, result));
  // RFC 4511 §4.2.1: whatever happens next, the earlier authentication is gone.
  connection.unbind();
  if (request.version !== 3) {
    return reply({ resultCode: ResultCode.protocolError, diagnosticMessage: 'Only LDAPv3 is supported' });
  }
  if (request.auth.type !== 'simple') {
    return reply({ resultCode: ResultCode.authMethodNotSupported, diagnosticMessage: 'Use a simple bind with your Hosted Mail Key' });
  }
  const password = request.auth.password.toString('utf8');
  // RFC 4513 §5.1.1–5.1.2: anonymous and unauthenticated binds are refused; the address book is
  // for community members only (SPEC R9).
  if (!request.name || !password) {
    return reply({ resultCode: ResultCode.invalidCredentials, diagnosticMessage: 'Log in with uid=<klantnummer> and your Hosted Mail Key' });
  }
  const username = loginName(request.name, context.directory.baseDn);
  if (!username) {
    return reply({
      resultCode: ResultCode.invalidCredentials,
      diagnosticMessage: `Unknown user name: use uid=<klantnummer> or uid=<klantnummer>,${context.directory.baseDn}`,
    });
  }
  const result = await context.auth.login({ username, password, protocol: 'ldap', remoteAddress: connection.remoteAddress });
  if (result.ok) {
    connection.mailbox = result.mailbox;
    connection.keyId = result.keyId;
    return reply({ resultCode: ResultCode.success });
  }
  if (result.reason === 'throttled') {
    return reply({
      resultCode: ResultCode.unwillingToPerform,
      diagnosticMessage: `Too many failed logins: try again in ${Math.ceil(result.retryAfterSeconds / 60)} minute(s)`,
    });
  }
  return reply({ resultCode: ResultCode.invalidCredentials, diagnosticMessage: 'Invalid user name or Hosted Mail Key' });
};

/** The klantnummer (or address) a bind name stands for, or null when it is not ours. The manual
 * prints the user name with quotes around the number (uid=’500…‘); people copy them. */
export function loginName(name: string, baseDn: string): string | null {
  // Without "uid=" (the manual warns about it, people still forget): a bare klantnummer or address.
  const bare = name.trim();
  if (/^\d{9}$/.test(bare) || (!bare.includes('=') && /^[^@\s]+@[^@\s]+$/.test(bare))) return bare;
  let rdns;
  try {
    rdns = parseDn(name);
  } catch {
    return null;
  }
  const first = rdns[0];
  if (!first || first.type !== 'uid') return null;
  if (rdns.length > 1 && !sameDn(rdns.slice(1), parseDn(baseDn))) return null;
  const value = first.value.trim().replace(/^['‘’"“”]+|['‘’"“”]+$/gu, '');
  return value || null;
}
