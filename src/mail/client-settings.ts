// The settings summary of the manual (sections 2.1 "Samenvatting Instellingen" for mail and 3.1 for
// the address book), built from the configured listeners, for one mailbox or for anyone (SPEC R5).
// The portal's settings page shows it; the automatic-configuration renderers in ./client-config/
// turn it into Thunderbird, Outlook and Apple formats, so all of them advertise the same servers.
// Pure: no I/O.

/** The listener ports of config `ports` (src/config/schema.ts); 0 means that listener is off. */
export interface ClientPorts {
  imaps: number;
  pop3s: number;
  smtps: number;
  submission: number;
  ldaps: number;
}

/** The mailbox a summary is for. */
export interface ClientMailbox {
  /** local@domain */
  address: string;
  displayName: string;
  /** 9 digits: the login name everywhere (SPEC R2/R3). */
  klantnummer: string;
}

/** "SSL/TLS": TLS from the first byte (the manual's "SSL"); "STARTTLS": plain, then upgraded before
 * any login (RFC 3207; our 587 refuses AUTH until then). Nothing here is ever unencrypted. */
export type ConnectionSecurity = 'SSL/TLS' | 'STARTTLS';

export interface ServerSettings {
  host: string;
  port: number;
  security: ConnectionSecurity;
}

/** Never the key itself: it is shown once, when generated (SPEC R3), and stored only as a hash. */
export const PASSWORD_HINT = 'your Hosted Mail Key';

export interface LoginSettings {
  /** The klantnummer, or null when the summary is not for one mailbox ("your klantnummer"). */
  userName: string | null;
  /** The mailbox address, which the server accepts as login name too (SPEC R3); null as above. */
  alsoAccepted: string | null;
  password: typeof PASSWORD_HINT;
}

/** Manual §3.1: the "ZorgMail Adresboek" in Outlook (Internetadreslijstservice, LDAP). */
export interface AddressBookSettings extends ServerSettings {
  /** The manual's suggested name of the address book. */
  name: 'ZorgMail Adresboek';
  /** `uid=<klantnummer>` (manual §3.1 "Bind-DN"), or null when not for one mailbox. */
  bindDn: string | null;
  /** `uid=<klantnummer>,<search base>`, accepted as well (SPEC R9); null as above. */
  fullBindDn: string | null;
  /** "Zoekbasis (Basis-DN)": config ldap.baseDn, the manual's `ou=se,dc=zorgmail`. */
  searchBase: string;
  password: typeof PASSWORD_HINT;
}

export interface ClientSettings {
  /** The server name of every service (manual §2.1 "Server voor inkomende/uitgaande e-mail", §3.1 "Servernaam"). */
  hostname: string;
  /** Manual §2.1 "Naam" and "E-mailadres"; null for a summary that is not for one mailbox. */
  mailbox: ClientMailbox | null;
  /** Manual §2.1 "Type account". */
  accountType: 'IMAP';
  /** Each null when its listener is off (port 0). */
  incoming: { imap: ServerSettings | null; pop3: ServerSettings | null };
  /** The manual's 465 (implicit TLS, RFC 8314) and the 587 submission port (STARTTLS, RFC 6409);
   * each null when its listener is off. Clients should prefer `smtps` (RFC 8314 §3.3). */
  outgoing: { smtps: ServerSettings | null; submission: ServerSettings | null };
  login: LoginSettings;
  /** Null when the LDAPS listener is off. */
  addressBook: AddressBookSettings | null;
}

export interface ClientSettingsInput {
  /** Config `hostname`: the name clients connect to and the certificate is for. */
  hostname: string;
  ports: ClientPorts;
  mailbox?: ClientMailbox;
  /** Config ldap.baseDn. */
  ldapBaseDn: string;
}

export function clientSettings(input: ClientSettingsInput): ClientSettings {
  const { hostname: host, ports } = input;
  const mailbox = input.mailbox ? { ...input.mailbox } : null;
  const server = (port: number, security: ConnectionSecurity): ServerSettings | null => (port > 0 ? { host, port, security } : null);
  return {
    hostname: host,
    mailbox,
    accountType: 'IMAP',
    incoming: { imap: server(ports.imaps, 'SSL/TLS'), pop3: server(ports.pop3s, 'SSL/TLS') },
    outgoing: { smtps: server(ports.smtps, 'SSL/TLS'), submission: server(ports.submission, 'STARTTLS') },
    login: { userName: mailbox?.klantnummer ?? null, alsoAccepted: mailbox?.address ?? null, password: PASSWORD_HINT },
    addressBook:
      ports.ldaps > 0
        ? {
            name: 'ZorgMail Adresboek',
            host,
            port: ports.ldaps,
            security: 'SSL/TLS',
            bindDn: mailbox ? `uid=${mailbox.klantnummer}` : null,
            fullBindDn: mailbox ? `uid=${mailbox.klantnummer},${input.ldapBaseDn}` : null,
            searchBase: input.ldapBaseDn,
            password: PASSWORD_HINT,
          }
        : null,
  };
}
