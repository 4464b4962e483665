// Organisations, mailboxes and their Hosted Mail Keys: what the operator's CLI (and later the portal
// and admin API) manage.
import { randomInt } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { UserError } from '../errors.ts';
import { DEFAULT_FOLDERS } from '../mail/types.ts';
import type { Mailbox, Organisation } from './types.ts';
import { generateHostedMailKey, hashHostedMailKey } from './hosted-mail-key.ts';

const KLANTNUMMER = /^\d{9}$/;
// A pragmatic RFC 5321 §4.1.2 check: dot-atom local part, a domain with at least one dot or "localhost".
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Whether `address` (lower-case) is a plausible mailbox address. */
export function isMailAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  return at > 0 && LOCAL_PART.test(local) && local.length <= 64 && DOMAIN.test(address.slice(at + 1));
}

export interface Actor {
  actor: string;
  remoteAddress?: string | null;
}

/** What must follow new organisations and mailboxes (the directory's entries). */
export interface AccountListener {
  syncOrganisation(org: Organisation): Promise<void>;
  syncMailbox(mailbox: Mailbox): Promise<void>;
}

export class IdentityService {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #listener: AccountListener | null;

  constructor(store: Store, audit: AuditLog, listener: AccountListener | null = null) {
    this.#store = store;
    this.#audit = audit;
    this.#listener = listener;
  }

  async addOrganisation(input: { name: string; domain: string }, by: Actor): Promise<Organisation> {
    const name = input.name.trim();
    const domain = input.domain.trim().toLowerCase();
    if (!name) throw new UserError('BADINPUT', 'Organisation name must not be empty');
    if (!DOMAIN.test(domain)) throw new UserError('BADINPUT', `"${input.domain}" is not a valid domain name`);
    const org = await this.#store.accounts.insertOrganisation({ name, domain });
    await this.#audit.record({ ...by, action: 'organisation.create', detail: { domain, name } });
    await this.#listener?.syncOrganisation(org);
    return org;
  }

  listOrganisations(): Promise<Organisation[]> {
    return this.#store.accounts.listOrganisations();
  }

  findOrganisation(by: { id: number } | { domain: string }): Promise<Organisation | null> {
    return this.#store.accounts.findOrganisation(by);
  }

  /** The organisation is the one owning the address's domain (`org add` first). */
  async addMailbox(input: { address: string; displayName: string; klantnummer?: string }, by: Actor): Promise<Mailbox> {
    const address = input.address.trim().toLowerCase();
    if (!isMailAddress(address)) throw new UserError('BADINPUT', `"${input.address}" is not a valid e-mail address`);
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const displayName = input.displayName.trim();
    if (!displayName) throw new UserError('BADINPUT', 'Display name must not be empty');
    const org = await this.#store.accounts.findOrganisation({ domain });
    if (!org) throw new UserError('NONEXISTENT', `No organisation has the domain ${domain}; add it first with "zorgpost org add"`);
    if (input.klantnummer !== undefined && !KLANTNUMMER.test(input.klantnummer)) {
      throw new UserError('BADINPUT', 'A klantnummer is exactly 9 digits');
    }
    const klantnummer = input.klantnummer ?? (await this.#freeKlantnummer());
    if (await this.#store.accounts.findMailbox({ address })) throw new UserError('ALREADYEXISTS', `Mailbox ${address} already exists`);
    if (await this.#store.accounts.findMailbox({ klantnummer })) throw new UserError('ALREADYEXISTS', `Klantnummer ${klantnummer} is already in use`);
    const mailbox = await this.#store.accounts.insertMailbox(
      { orgId: org.id, address, displayName, klantnummer, quotaBytes: null },
      DEFAULT_FOLDERS,
    );
    await this.#audit.record({ ...by, action: 'mailbox.create', mailboxId: mailbox.id, detail: { address, klantnummer } });
    await this.#listener?.syncMailbox(mailbox);
    return mailbox;
  }

  /** Klantnummer (9 digits) or address. */
  async findMailbox(reference: string): Promise<Mailbox | null> {
    const ref = reference.trim();
    if (KLANTNUMMER.test(ref)) return this.#store.accounts.findMailbox({ klantnummer: ref });
    if (ref.includes('@')) return this.#store.accounts.findMailbox({ address: ref.toLowerCase() });
    return null;
  }

  async requireMailbox(reference: string): Promise<Mailbox> {
    const mailbox = await this.findMailbox(reference);
    if (!mailbox) throw new UserError('NONEXISTENT', `No mailbox with klantnummer or address "${reference}"`);
    return mailbox;
  }

  listMailboxes(orgId?: number): Promise<Mailbox[]> {
    return this.#store.accounts.listMailboxes(orgId);
  }

  /** SPEC R3: a new key revokes the previous one at once; the key itself is returned only here. */
  async generateHostedMailKey(mailbox: Mailbox, by: Actor): Promise<{ key: string; keyId: number }> {
    const key = generateHostedMailKey();
    const keyId = await this.#store.accounts.replaceHostedMailKey(mailbox.id, await hashHostedMailKey(key));
    await this.#audit.record({ ...by, action: 'hosted-mail-key.generate', mailboxId: mailbox.id, detail: { keyId } });
    return { key, keyId };
  }

  async #freeKlantnummer(): Promise<string> {
    // Customer numbers look like the manual's (500123456): a leading 5 and eight random digits.
    for (let attempt = 0; attempt < 100; attempt++) {
      const candidate = `5${String(randomInt(100_000_000)).padStart(8, '0')}`;
      if (!(await this.#store.accounts.findMailbox({ klantnummer: candidate }))) return candidate;
    }
    throw new Error('could not find a free klantnummer');
  }
}
