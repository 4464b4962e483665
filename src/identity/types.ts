// Organisations, mailboxes (accounts with a klantnummer) and how protocol front-ends log them in.

export interface Organisation {
  id: number;
  name: string;
  domain: string;
  createdAt: Date;
}

export interface Mailbox {
  id: number;
  orgId: number;
  /** Lower-case local@domain. */
  address: string;
  displayName: string;
  /** The manual's customer number: 9 digits, also the login name for IMAP/SMTP/POP3/LDAP. */
  klantnummer: string;
  quotaBytes: number | null;
  createdAt: Date;
}

export type LoginProtocol = 'imap' | 'pop3' | 'smtp' | 'ldap' | 'web';

export interface LoginAttempt {
  /** Klantnummer or mailbox address. */
  username: string;
  /** The Hosted Mail Key. */
  password: string;
  protocol: LoginProtocol;
  remoteAddress: string;
  /** SASL authorisation identity (RFC 4616 §2), when the client gave one. Acting as another
   * mailbox is not supported: it must name the mailbox that logs in. */
  authzid?: string;
}

export type LoginResult =
  | { ok: true; mailbox: Mailbox; keyId: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'forbidden' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface Authenticator {
  /** Checks a Hosted Mail Key login, with throttling per account and per source address and an
   * audit record of every success and failure. */
  login(attempt: LoginAttempt): Promise<LoginResult>;
}
