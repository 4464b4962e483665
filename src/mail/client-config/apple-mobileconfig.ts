// Apple configuration profile (`.mobileconfig`) for one mailbox: a Mail account (payload type
// com.apple.mail.managed) and the ZorgMail address book (com.apple.ldap.account), per Apple's
// "Device Management" profile reference (Configuration, Mail and LDAP payloads). It is an XML
// property list (Apple's PropertyList-1.0 DTD). iOS, iPadOS and macOS install it from a download.
//
// Unsigned on purpose: signing (CMS) would need the TLS key in the web front-end for no gain in what
// is installed — the device shows the profile as "Not Verified" and installs it all the same.
// No password is included: the Hosted Mail Key is never stored in clear (SPEC R3), and the device
// asks for it while installing.
import { createHash } from 'node:crypto';
import type { ClientMailbox, ClientSettings } from '../client-settings.ts';
import { xmlText } from './xml-text.ts';

export const MOBILECONFIG_CONTENT_TYPE = 'application/x-apple-aspen-config';

/** A profile is per mailbox: its settings must name one. */
export type MailboxClientSettings = ClientSettings & { mailbox: ClientMailbox };

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/** Our namespace for name-based UUIDs (RFC 9562 §5.5); a fixed random value, never change it. */
const UUID_NAMESPACE = '94c8872d-cec4-4acb-908d-8abc592b2f7b';

export function renderMobileconfig(settings: MailboxClientSettings): string {
  const { mailbox } = settings;
  const host = settings.hostname;
  // The same identifier and UUIDs for the same mailbox on the same server every time, so installing
  // a fresh download replaces the installed profile instead of adding a second account.
  const identifier = `${reverseDns(host)}.zorgpost.${mailbox.klantnummer}`;
  const uuid = (role: string) => nameBasedUuid(`${host}\n${mailbox.klantnummer}\n${role}`);

  const content: PlistValue[] = [];
  const incoming = settings.incoming.imap ?? settings.incoming.pop3;
  const outgoing = settings.outgoing.smtps ?? settings.outgoing.submission;
  if (incoming && outgoing) {
    content.push({
      PayloadType: 'com.apple.mail.managed',
      PayloadVersion: 1,
      PayloadIdentifier: `${identifier}.mail`,
      PayloadUUID: uuid('mail'),
      PayloadDisplayName: `E-mail ${mailbox.address}`,
      EmailAccountDescription: `Zorgpost ${mailbox.address}`,
      EmailAccountName: mailbox.displayName,
      EmailAccountType: settings.incoming.imap ? 'EmailTypeIMAP' : 'EmailTypePOP',
      EmailAddress: mailbox.address,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerHostName: incoming.host,
      IncomingMailServerPortNumber: incoming.port,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: mailbox.klantnummer,
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: outgoing.host,
      OutgoingMailServerPortNumber: outgoing.port,
      // Apple Mail: implicit TLS on 465, STARTTLS on 587 — either way never unencrypted.
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: mailbox.klantnummer,
      OutgoingPasswordSameAsIncomingPassword: true,
    });
  }
  const book = settings.addressBook;
  if (book) {
    content.push({
      PayloadType: 'com.apple.ldap.account',
      PayloadVersion: 1,
      PayloadIdentifier: `${identifier}.ldap`,
      PayloadUUID: uuid('ldap'),
      PayloadDisplayName: book.name,
      LDAPAccountDescription: book.name,
      // The LDAP payload has no port key: LDAPS means 636. Any other port (development: 10636) can
      // only go into the host name as host:port; untested whether every Apple client honours that.
      LDAPAccountHostName: book.port === 636 ? book.host : `${book.host}:${book.port}`,
      LDAPAccountUseSSL: true,
      // Manual §3.1: the bind DN is uid=<klantnummer>.
      LDAPAccountUserName: `uid=${mailbox.klantnummer}`,
      LDAPSearchSettings: [
        { LDAPSearchSettingDescription: book.name, LDAPSearchSettingSearchBase: book.searchBase, LDAPSearchSettingScope: 'LDAPSearchSettingScopeSubtree' },
      ],
    });
  }
  const profile: PlistValue = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuid('profile'),
    PayloadDisplayName: `Zorgpost ${mailbox.address}`,
    PayloadDescription: `E-mail en ZorgMail Adresboek voor ${mailbox.address}. Gebruikersnaam: ${mailbox.klantnummer}. Vul als wachtwoord uw Hosted Mail Key in.`,
    PayloadOrganization: host,
    PayloadRemovalDisallowed: false,
    PayloadContent: content,
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    plistValue(profile, ''),
    '</plist>',
    '',
  ].join('\n');
}

/** File name for the download, e.g. `zorgpost-500123456.mobileconfig`. */
export function mobileconfigFilename(mailbox: ClientMailbox): string {
  return `zorgpost-${mailbox.klantnummer.replace(/[^0-9A-Za-z-]/g, '_')}.mobileconfig`;
}

function plistValue(value: PlistValue, indent: string): string {
  if (typeof value === 'string') return `${indent}<string>${xmlText(value)}</string>`;
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`plist integer expected, got ${value}`);
    return `${indent}<integer>${value}</integer>`;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) return [`${indent}<array>`, ...value.map((v) => plistValue(v, inner)), `${indent}</array>`].join('\n');
  const entries = Object.entries(value).flatMap(([key, v]) => [`${inner}<key>${xmlText(key)}</key>`, plistValue(v, inner)]);
  return [`${indent}<dict>`, ...entries, `${indent}</dict>`].join('\n');
}

/** `mail.example.nl` → `nl.example.mail`: PayloadIdentifier is reverse-DNS style. */
function reverseDns(host: string): string {
  const labels = host
    .toLowerCase()
    .split('.')
    .map((label) => label.replace(/[^a-z0-9-]/g, '-'))
    .filter((label) => label !== '');
  return labels.length > 0 ? labels.reverse().join('.') : 'localhost';
}

/** RFC 9562 §5.5 UUID version 5: SHA-1 of namespace and name, version and variant bits set. */
function nameBasedUuid(name: string): string {
  const namespace = Buffer.from(UUID_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
