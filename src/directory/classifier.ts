// The recipient classifier (SPEC R12/R13): THE single place that decides whether a recipient belongs
// to the community (delivered inside the platform, or to a partner over TLS-required SMTP) or is
// external (Viewer message or ordinary e-mail, by the sender's choice and policy). Routing, webmail
// and the Outlook add-in all ask this class; none of them repeats the rule, so the answer a sender
// sees in Outlook is the route the message takes.
//
// The rule: a recipient is community when its domain is hosted here (an organisation owns it) or is
// in the domain book assigned to the sender's organisation. Domains match exactly after
// normalisation: a book listing zorgmail.nl does not cover mail.zorgmail.nl.
import { domainToASCII } from 'node:url';
import type { Store } from '../store/store.ts';
import { UserError } from '../errors.ts';

export type Classification =
  { class: 'community'; reason: 'hosted' | 'domain-book'; book?: string } | { class: 'external' };

// Host names as mail domains use them (RFC 5321 §2.3.5, RFC 1035 §2.3.1 letters-digits-hyphen),
// after IDNA conversion, with at least two labels.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/** The one comparable form of a domain: trimmed, lower-case, IDN as punycode (xn--…), no trailing
 * dot. Throws UserError BADINPUT with `what` describing the input for anything that is not a domain. */
export function normaliseDomain(input: string, what = `"${input}"`): string {
  const trimmed = input.trim();
  if (trimmed.startsWith('@')) throw new UserError('BADINPUT', `${what}: give the domain without "@"`);
  if (trimmed.startsWith('*.')) {
    throw new UserError(
      'BADINPUT',
      `${what}: wildcards are not supported, list the domain itself (${trimmed.slice(2)}) and each subdomain that sends mail`,
    );
  }
  if (trimmed.includes('@')) throw new UserError('BADINPUT', `${what} is an e-mail address, not a domain`);
  const withoutDot = trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
  // WHATWG domain-to-ASCII (UTS #46): maps case and compatibility forms, then punycodes each label.
  const ascii = withoutDot ? domainToASCII(withoutDot) : '';
  if (!DOMAIN.test(ascii)) throw new UserError('BADINPUT', `${what} is not a valid domain name`);
  return ascii;
}

/** The domain of a bare address (local@domain), normalised; null for an address literal
 * (user@[192.0.2.1]), which no organisation or book can hold. */
export function recipientDomain(address: string): string | null {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  // Display names ("Jan <jan@x.nl>") and lists are the caller's to take apart: a bare address has no
  // spaces, angle brackets or commas outside a quoted local part.
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  const quoted = local.startsWith('"') && local.endsWith('"') && local.length >= 2;
  if (at <= 0 || local.length > 64 || (!quoted && /[\s<>,;:()[\]\\"@]/.test(local)) || /[\p{Cc}]/u.test(trimmed)) {
    throw new UserError('BADINPUT', `"${address}" is not a bare e-mail address (local@domain)`);
  }
  // RFC 5321 §4.1.3 address literal.
  if (domain.startsWith('[') && domain.endsWith(']')) return null;
  return normaliseDomain(domain, `"${address}"`);
}

export class RecipientClassifier {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async classify(sender: string, recipient: string): Promise<Classification> {
    const [result] = await this.classifyMany(sender, [recipient]);
    return result!;
  }

  /** One answer per recipient, in order. The sender's book is looked up once; each distinct
   * recipient domain costs at most two indexed lookups, never a scan of a book. An empty sender (the
   * null reverse-path of a bounce, RFC 5321 §4.5.5) has no book. */
  async classifyMany(sender: string, recipients: readonly string[]): Promise<Classification[]> {
    const domains = recipients.map((recipient) => recipientDomain(recipient));
    const book = sender.trim() === '' ? null : await this.#senderBook(sender);
    const byDomain = new Map<string, Classification>();
    const results: Classification[] = [];
    for (const domain of domains) {
      if (domain === null) {
        results.push({ class: 'external' });
        continue;
      }
      let result = byDomain.get(domain);
      if (!result) {
        result = await this.#classifyDomain(domain, book);
        byDomain.set(domain, result);
      }
      results.push(result);
    }
    return results;
  }

  async #senderBook(sender: string): Promise<{ id: number; name: string } | null> {
    const domain = recipientDomain(sender);
    if (domain === null) return null;
    const org = await this.#store.accounts.findOrganisation({ domain });
    if (!org) return null;
    return this.#store.domainBooks.assignedBook(org.id);
  }

  async #classifyDomain(domain: string, book: { id: number; name: string } | null): Promise<Classification> {
    if (await this.#store.accounts.findOrganisation({ domain })) return { class: 'community', reason: 'hosted' };
    if (book && (await this.#store.domainBooks.contains(book.id, domain)))
      return { class: 'community', reason: 'domain-book', book: book.name };
    return { class: 'external' };
  }
}
