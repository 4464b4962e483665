// RFC 3501 §7.2.1 CAPABILITY: advertise exactly what works. Connections are TLS from the first byte
// (RFC 8314), so LOGIN is never disabled; after login AUTH= is dropped (RFC 3501 §6.2.2).
import type { Session } from './session.ts';

export function capabilityList(session: Session): string {
  const caps = [
    'IMAP4rev1',
    'LITERAL+', // RFC 7888
    'SASL-IR', // RFC 4959
    'ID', // RFC 2971
    'ENABLE', // RFC 5161
    'IDLE', // RFC 2177
    'NAMESPACE', // RFC 2342
    'UIDPLUS', // RFC 4315
    'MOVE', // RFC 6851
    'UNSELECT', // RFC 3691
    'SPECIAL-USE', // RFC 6154
    'CHILDREN', // RFC 3348
    `APPENDLIMIT=${session.services.maxMessageSize}`, // RFC 7889
  ];
  if (session.state === 'not-authenticated') caps.push('AUTH=PLAIN');
  return caps.join(' ');
}
