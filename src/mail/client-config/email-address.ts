// The e-mail address a mail client asks settings for (Thunderbird's ?emailaddress=, Outlook's
// <EMailAddress>): checked before anything is looked up or written back into a document.

export interface RequestedAddress {
  /** Lower-cased, as mailbox addresses are stored. */
  address: string;
  domain: string;
}

// RFC 5321 §4.5.3.1: local part ≤ 64 octets, path ≤ 256 (so an address ≤ 254). The local part is
// the dot-atom of RFC 5322 §3.4.1, the domain LDH labels (RFC 1035 §2.3.1; IDNs arrive as A-labels)
// as src/identity accepts them for organisations.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The address, or null when it is not one a mailbox here could have. */
export function parseRequestedAddress(text: string): RequestedAddress | null {
  const address = text.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (address.length > 254 || at < 1 || at > 64) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return LOCAL_PART.test(local) && DOMAIN.test(domain) ? { address, domain } : null;
}

/** A host name (from a Host header) that could be a mail domain, lower-cased; otherwise null. */
export function parseDomain(text: string): string | null {
  const domain = text.trim().toLowerCase().replace(/\.$/, '');
  return DOMAIN.test(domain) ? domain : null;
}
