// Thunderbird autoconfig: the `config-v1.1.xml` document of the Mozilla ISP database format
// (https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat, written up as
// draft-bucksch-autoconfig §4). Thunderbird fetches it from https://autoconfig.<domain>/mail/… and
// https://<domain>/.well-known/autoconfig/mail/… when someone enters an address of that domain.
// The first server of each kind is the one Thunderbird proposes; the others are alternatives.
import type { ClientSettings, ConnectionSecurity, ServerSettings } from '../client-settings.ts';
import { xmlText } from './xml-text.ts';

/** Placeholder Thunderbird replaces with the address the user typed (ConfigFileFormat
 * "username"); our servers accept the address as login name (SPEC R3). */
export const EMAIL_ADDRESS_PLACEHOLDER = '%EMAILADDRESS%';

/** `domain`: the mail domain asked about. The user name is the klantnummer when `settings` is for
 * one mailbox, otherwise %EMAILADDRESS%. */
export function renderThunderbirdAutoconfig(settings: ClientSettings, domain: string): string {
  const userName = settings.login.userName ?? EMAIL_ADDRESS_PLACEHOLDER;
  const server = (element: 'incomingServer' | 'outgoingServer', type: string, s: ServerSettings | null): string[] =>
    s
      ? [
          `    <${element} type="${type}">`,
          `      <hostname>${xmlText(s.host)}</hostname>`,
          `      <port>${s.port}</port>`,
          `      <socketType>${socketType(s.security)}</socketType>`,
          // "password-cleartext": AUTH PLAIN/LOGIN or the protocol's own login. Only ever inside TLS:
          // every one of our listeners is TLS or refuses AUTH before STARTTLS (SPEC R7).
          `      <authentication>password-cleartext</authentication>`,
          `      <username>${xmlText(userName)}</username>`,
          `    </${element}>`,
        ]
      : [];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xmlText(domain)}">`,
    `    <domain>${xmlText(domain)}</domain>`,
    `    <displayName>Zorgpost (${xmlText(domain)})</displayName>`,
    '    <displayShortName>Zorgpost</displayShortName>',
    // The manual's account type is IMAP (§2.1), so IMAP comes first; POP3 is the alternative.
    ...server('incomingServer', 'imap', settings.incoming.imap),
    ...server('incomingServer', 'pop3', settings.incoming.pop3),
    // RFC 8314 §3.3: implicit TLS (465, the manual's port) preferred over STARTTLS (587).
    ...server('outgoingServer', 'smtp', settings.outgoing.smtps),
    ...server('outgoingServer', 'smtp', settings.outgoing.submission),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}

/** ConfigFileFormat socketType: "SSL" is TLS from the first byte, "STARTTLS" the upgrade. */
function socketType(security: ConnectionSecurity): 'SSL' | 'STARTTLS' {
  return security === 'SSL/TLS' ? 'SSL' : 'STARTTLS';
}
