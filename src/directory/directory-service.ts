// The community directory (SPEC R9): a person entry for every mailbox and an organisation entry for
// every organisation, kept in step with them, plus the details and partner entries operators import.
// The LDAP address book and the admin API both read it through `search`.
import type { DirectoryEntryInput, DirectoryEntryRecord, Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../identity/identity-service.ts';
import type { Mailbox, Organisation } from '../identity/types.ts';
import { UserError } from '../errors.ts';
import type { Filter } from './filter.ts';
import type { DirectoryEntry, DirectoryImportRecord } from './types.ts';
import {
  ATTRIBUTES,
  attributeDefinition,
  ORGANISATION_OBJECT_CLASSES,
  PERSON_OBJECT_CLASSES,
  storageKey,
} from './schema.ts';
import { normaliseValue } from './normalise.ts';
import { DnSyntaxError, endsWithDn, formatDn, parseDn, sameDn, type Rdn } from './dn.ts';
import { matchesFilter, type EntryValues } from './filter-match.ts';
import { planSearch } from './search-plan.ts';
import { EntryCache } from './entry-cache.ts';

export const DEFAULT_BASE_DN = 'ou=se,dc=zorgmail';

export interface DirectorySearchRequest {
  baseDn: string;
  scope: 'base' | 'one' | 'sub';
  filter: Filter;
  /** Position of the last entry a previous page returned; -1 to start. */
  after: number;
  /** Most entries to return. */
  limit: number;
  /** Epoch milliseconds after which the search stops early (timeLimit). */
  deadline?: number;
  signal?: AbortSignal;
}

export interface DirectorySearchResult {
  entries: DirectoryEntry[];
  /** Position of the last entry returned (pass as `after` to continue). */
  last: number;
  /** The search stopped at `deadline` or on `signal` before it finished. */
  interrupted: boolean;
}

export class DirectorySearchError extends Error {
  readonly code: 'noSuchObject' | 'invalidDNSyntax';
  readonly matchedDn: string;
  constructor(code: 'noSuchObject' | 'invalidDNSyntax', message: string, matchedDn = '') {
    super(message);
    this.name = 'DirectorySearchError';
    this.code = code;
    this.matchedDn = matchedDn;
  }
}

/** The search base entry itself sorts before every stored entry (ids start at 1). */
const CONTAINER_POSITION = 0;
const SCAN_BATCH = 500;
const DEFAULT_CACHE_ENTRIES = 100_000;

// Attributes the server derives; imports and the admin API cannot set them.
const PERSON_DERIVED = new Set(['objectclass', 'uid', 'mail']);
const ORG_DERIVED = new Set(['objectclass', 'associateddomain']);

interface CachedEntry {
  record: DirectoryEntryRecord;
  entry: DirectoryEntry;
}

export class DirectoryService {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly baseDn: string;
  readonly #base: Rdn[];
  readonly #container: EntryValues;
  readonly #cache: EntryCache<CachedEntry>;

  constructor(store: Store, audit: AuditLog, options: { baseDn?: string; cacheEntries?: number } = {}) {
    const baseDn = options.baseDn ?? DEFAULT_BASE_DN;
    this.#store = store;
    this.#audit = audit;
    this.#cache = new EntryCache(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
    store.onChange((event) => {
      if (event.type === 'directory') this.#cache.clear();
    });
    this.#base = parseDn(baseDn);
    if (!this.#base.length) throw new UserError('BADINPUT', 'The directory base DN must not be empty');
    this.baseDn = formatDn(this.#base);
    const top = this.#base[0]!;
    const containerClass = top.type === 'ou' ? 'organizationalUnit' : top.type === 'o' ? 'organization' : 'dcObject';
    this.#container = { objectclass: ['top', containerClass], [top.type]: [top.value] };
  }

  // ── Following organisations and mailboxes ───────────────────────────────────────────────────

  async syncOrganisation(org: Organisation): Promise<void> {
    const existing = await this.#store.directory.find({ uid: org.domain });
    await this.#store.directory.upsert([
      this.#organisationInput(org.domain, org.id, existing, {}, existing?.hidden ?? false, org.name),
    ]);
  }

  async syncMailbox(mailbox: Mailbox): Promise<void> {
    const org = await this.#store.accounts.findOrganisation({ id: mailbox.orgId });
    const existing = await this.#store.directory.find({ uid: mailbox.address });
    await this.#store.directory.upsert([
      this.#personInput(mailbox.address, mailbox, existing, {}, existing?.hidden ?? false, org?.name ?? null),
    ]);
  }

  /** Creates the entries missing for organisations and mailboxes (a data directory from before the
   * directory existed, or a crash between creating a mailbox and its entry). */
  async reconcile(): Promise<number> {
    let created = 0;
    for (const org of await this.#store.accounts.listOrganisations()) {
      if (!(await this.#store.directory.find({ uid: org.domain }))) {
        await this.syncOrganisation(org);
        created++;
      }
    }
    for (const mailbox of await this.#store.accounts.listMailboxes()) {
      if (!(await this.#store.directory.find({ mailboxId: mailbox.id }))) {
        await this.syncMailbox(mailbox);
        created++;
      }
    }
    return created;
  }

  // ── Administration ───────────────────────────────────────────────────────────────────────────

  /** Adds or updates entries from an import file, all in one transaction: details for hosted
   * mailboxes and organisations, and partner entries that live elsewhere. */
  async importRecords(
    records: readonly DirectoryImportRecord[],
    by: Actor,
  ): Promise<{ created: number; updated: number }> {
    const inputs: DirectoryEntryInput[] = [];
    const seen = new Set<string>();
    let updated = 0;
    const orgNames = new Map((await this.#store.accounts.listOrganisations()).map((o) => [o.domain, o]));
    for (const record of records) {
      const uid = record.kind === 'person' ? record.attributes.mail?.[0] : record.attributes.associateddomain?.[0];
      if (!uid)
        throw new UserError(
          'BADINPUT',
          `${record.source}: a ${record.kind} needs ${record.kind === 'person' ? 'mail' : 'associatedDomain'}`,
        );
      const key = uid.toLowerCase();
      if (seen.has(key)) throw new UserError('BADINPUT', `${record.source}: ${key} appears twice in the file`);
      seen.add(key);
      const existing = await this.#store.directory.find({ uid: key });
      if (existing && existing.kind !== record.kind)
        throw new UserError('BADINPUT', `${record.source}: ${key} is already a ${existing.kind}`);
      if (existing) updated++;
      const hidden = record.hidden ?? existing?.hidden ?? false;
      const domain = key.slice(key.lastIndexOf('@') + 1);
      if (record.kind === 'person') {
        const org = orgNames.get(domain);
        // Only a hosted domain can have a mailbox: partner people cost no lookup.
        const mailbox = org ? await this.#store.accounts.findMailbox({ address: key }) : null;
        inputs.push(this.#personInput(key, mailbox, existing, record.attributes, hidden, org?.name ?? null));
      } else {
        const org = orgNames.get(key);
        inputs.push(
          this.#organisationInput(key, org?.id ?? null, existing, record.attributes, hidden, org?.name ?? null),
        );
      }
    }
    await this.#store.directory.upsert(inputs);
    const result = { created: inputs.length - updated, updated };
    await this.#audit.record({ ...by, action: 'directory.import', detail: result });
    return result;
  }

  /** Sets or clears (null) details of one entry, by mail address or organisation domain. */
  async updateEntry(uid: string, changes: Record<string, string[] | null>, by: Actor): Promise<DirectoryEntry> {
    const existing = await this.#require(uid);
    const attributes: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(changes)) {
      const definition = attributeDefinition(name);
      const derived = existing.kind === 'person' ? PERSON_DERIVED : ORG_DERIVED;
      if (!definition || !definition.editable || !definition.kinds.includes(existing.kind) || derived.has(storageKey(definition))) {
        throw new UserError('BADINPUT', `${name} cannot be set on a ${existing.kind}`);
      }
      attributes[storageKey(definition)] = (values ?? []).map((v) => v.trim()).filter(Boolean);
    }
    const merged = { ...existing.attributes, ...attributes };
    for (const [key, values] of Object.entries(merged)) if (!values.length) delete merged[key];
    const input = { ...this.#recordInput(existing), attributes: merged };
    const [saved] = await this.#store.directory.upsert([this.#withIndex(input)]);
    await this.#audit.record({
      ...by,
      action: 'directory.update',
      mailboxId: existing.mailboxId,
      detail: { uid: existing.uid, attributes: Object.keys(changes) },
    });
    return this.#toEntry(saved!);
  }

  async setHidden(uid: string, hidden: boolean, by: Actor): Promise<void> {
    const existing = await this.#require(uid);
    await this.#store.directory.upsert([this.#withIndex({ ...this.#recordInput(existing), hidden })]);
    await this.#audit.record({
      ...by,
      action: hidden ? 'directory.hide' : 'directory.unhide',
      mailboxId: existing.mailboxId,
      detail: { uid: existing.uid },
    });
  }

  /** Removes a partner entry; entries that follow a hosted mailbox or organisation can only be hidden. */
  async removeEntry(uid: string, by: Actor): Promise<void> {
    const existing = await this.#require(uid);
    if (existing.mailboxId !== null || (existing.kind === 'organisation' && existing.orgId !== null)) {
      throw new UserError(
        'CANNOT',
        `${existing.uid} belongs to a hosted ${existing.kind === 'person' ? 'mailbox' : 'organisation'}: hide it instead`,
      );
    }
    await this.#store.directory.remove(existing.id);
    await this.#audit.record({ ...by, action: 'directory.remove', detail: { uid: existing.uid } });
  }

  /** Exports hand the whole directory out: who took it is worth keeping (SPEC R22). */
  async recordExport(format: string, by: Actor): Promise<void> {
    await this.#audit.record({ ...by, action: 'directory.export', detail: { format } });
  }

  async findEntry(uid: string): Promise<DirectoryEntry | null> {
    const record = await this.#store.directory.find({ uid: uid.trim().toLowerCase() });
    return record ? this.#toEntry(record) : null;
  }

  /** Every entry in id order, in batches (for export: never the whole directory in memory). */
  async *entries(options: { includeHidden: boolean }): AsyncGenerator<DirectoryEntry> {
    let afterId = 0;
    for (;;) {
      const batch = await this.#store.directory.list({
        afterId,
        limit: SCAN_BATCH,
        includeHidden: options.includeHidden,
      });
      for (const record of batch) yield this.#toEntry(record);
      if (batch.length < SCAN_BATCH) return;
      afterId = batch[batch.length - 1]!.id;
    }
  }

  count(options: { includeHidden: boolean }): Promise<number> {
    return this.#store.directory.count(options);
  }

  // ── Search ───────────────────────────────────────────────────────────────────────────────────

  /** One page of a search: the base entry (when in scope) first, then matching entries in id order. */
  async search(request: DirectorySearchRequest): Promise<DirectorySearchResult> {
    let base: Rdn[];
    try {
      base = parseDn(request.baseDn);
    } catch (error) {
      if (error instanceof DnSyntaxError)
        throw new DirectorySearchError('invalidDNSyntax', `Invalid base DN: ${error.message}`);
      throw error;
    }
    const result: DirectorySearchResult = { entries: [], last: request.after, interrupted: false };
    if (sameDn(base, this.#base)) {
      if (
        request.scope !== 'one' &&
        request.after < CONTAINER_POSITION &&
        matchesFilter(request.filter, this.#container)
      ) {
        result.entries.push(this.#containerEntry());
        result.last = CONTAINER_POSITION;
      }
      if (request.scope === 'base') return result;
      await this.#searchChildren(request, result);
      return result;
    }
    if (base.length === this.#base.length + 1 && endsWithDn(base, this.#base)) {
      const record = await this.#findChild(base[0]!);
      if (!record) throw new DirectorySearchError('noSuchObject', 'No such entry', this.baseDn);
      // A child has no children of its own.
      if (request.scope !== 'one' && request.after < record.id && matchesFilter(request.filter, record.attributes)) {
        result.entries.push(this.#toEntry(record));
        result.last = record.id;
      }
      return result;
    }
    throw new DirectorySearchError(
      'noSuchObject',
      `No such entry: the directory starts at ${this.baseDn}`,
      endsWithDn(base, this.#base) ? this.baseDn : '',
    );
  }

  async #searchChildren(request: DirectorySearchRequest, result: DirectorySearchResult): Promise<void> {
    const plan = planSearch(request.filter, this.#store.directory.indexedAttributes);
    if (plan === 'none') return;
    const query = plan === 'all' ? null : plan;
    let after = Math.max(result.last, CONTAINER_POSITION);
    // Index candidates usually match: ask for a few more than still wanted, more each round.
    let batchSize = query ? Math.min(SCAN_BATCH, request.limit - result.entries.length + 8) : SCAN_BATCH;
    while (result.entries.length < request.limit) {
      if ((request.deadline !== undefined && Date.now() > request.deadline) || request.signal?.aborted) {
        result.interrupted = true;
        return;
      }
      const ids = await this.#store.directory.candidates(query, after, batchSize);
      if (!ids.length) return;
      for (const { record, entry } of await this.#load(ids)) {
        if (record.hidden || !matchesFilter(request.filter, record.attributes)) continue;
        result.entries.push(entry);
        result.last = record.id;
        if (result.entries.length >= request.limit) return;
      }
      after = ids[ids.length - 1]!;
      if (ids.length < batchSize) return;
      batchSize = Math.min(SCAN_BATCH, batchSize * 2);
    }
  }

  /** The entries of `ids`, in that order, from the cache where possible. */
  async #load(ids: readonly number[]): Promise<CachedEntry[]> {
    const generation = this.#cache.generation;
    const loaded = new Map<number, CachedEntry>();
    const missing: number[] = [];
    for (const id of ids) {
      const cached = this.#cache.get(id);
      if (cached) loaded.set(id, cached);
      else missing.push(id);
    }
    for (const record of await this.#store.directory.get(missing)) {
      const cached = { record, entry: this.#toEntry(record) };
      loaded.set(record.id, cached);
      this.#cache.set(record.id, cached, generation);
    }
    const out: CachedEntry[] = [];
    for (const id of ids) {
      const cached = loaded.get(id);
      if (cached) out.push(cached);
    }
    return out;
  }

  async #findChild(rdn: Rdn): Promise<DirectoryEntryRecord | null> {
    if (rdn.type !== 'uid' && rdn.type !== 'associateddomain') return null;
    const record = await this.#store.directory.find({ uid: rdn.value.trim().toLowerCase() });
    if (!record || record.hidden) return null;
    return (record.kind === 'person') === (rdn.type === 'uid') ? record : null;
  }

  // ── Entry construction ──────────────────────────────────────────────────────────────────────

  #personInput(
    address: string,
    mailbox: Mailbox | null,
    existing: DirectoryEntryRecord | null,
    details: Record<string, string[]>,
    hidden: boolean,
    orgName: string | null,
  ): DirectoryEntryInput {
    const attributes = {
      ...dropKeys(existing?.attributes ?? {}, PERSON_DERIVED),
      ...dropKeys(details, PERSON_DERIVED),
    };
    const displayName =
      attributes.displayname?.[0] ?? attributes.cn?.[0] ?? mailbox?.displayName ?? joinName(attributes) ?? address;
    attributes.objectclass = [...PERSON_OBJECT_CLASSES];
    attributes.uid = [address];
    attributes.mail = [address];
    attributes.cn ??= [displayName];
    attributes.displayname ??= [displayName];
    // person requires sn (RFC 4519 §3.12); the display name's last word stands in until one is set.
    attributes.sn ??= [displayName.split(' ').at(-1)!];
    if (orgName) attributes.o ??= [orgName];
    return this.#withIndex({
      kind: 'person',
      uid: address,
      mailboxId: mailbox?.id ?? existing?.mailboxId ?? null,
      orgId: mailbox?.orgId ?? existing?.orgId ?? null,
      hidden,
      attributes,
    });
  }

  #organisationInput(
    domain: string,
    orgId: number | null,
    existing: DirectoryEntryRecord | null,
    details: Record<string, string[]>,
    hidden: boolean,
    orgName: string | null,
  ): DirectoryEntryInput {
    const attributes = { ...dropKeys(existing?.attributes ?? {}, ORG_DERIVED), ...dropKeys(details, ORG_DERIVED) };
    attributes.objectclass = [...ORGANISATION_OBJECT_CLASSES];
    attributes.associateddomain = [domain];
    const name = attributes.o?.[0] ?? orgName ?? attributes.cn?.[0] ?? domain;
    attributes.o ??= [name];
    attributes.cn ??= [name];
    return this.#withIndex({
      kind: 'organisation',
      uid: domain,
      mailboxId: null,
      orgId: orgId ?? existing?.orgId ?? null,
      hidden,
      attributes,
    });
  }

  #recordInput(record: DirectoryEntryRecord): Omit<DirectoryEntryInput, 'index'> {
    return {
      kind: record.kind,
      uid: record.uid,
      mailboxId: record.mailboxId,
      orgId: record.orgId,
      hidden: record.hidden,
      attributes: record.attributes,
    };
  }

  #withIndex(input: Omit<DirectoryEntryInput, 'index'>): DirectoryEntryInput {
    const index: Record<string, string[]> = {};
    for (const column of this.#store.directory.indexedAttributes) {
      const definition = attributeDefinition(column);
      const values = input.attributes[column];
      if (definition && values?.length) index[column] = values.map((v) => normaliseValue(v, definition.syntax));
    }
    return { ...input, index };
  }

  #toEntry(record: DirectoryEntryRecord): DirectoryEntry {
    const rdn: Rdn =
      record.kind === 'person' ? { type: 'uid', value: record.uid } : { type: 'associatedDomain', value: record.uid };
    return {
      id: record.id,
      dn: formatDn([rdn, ...this.#base]),
      kind: record.kind,
      hidden: record.hidden,
      mailboxId: record.mailboxId,
      attributes: canonicalAttributes(record.attributes),
    };
  }

  #containerEntry(): DirectoryEntry {
    return {
      id: CONTAINER_POSITION,
      dn: this.baseDn,
      kind: 'organisation',
      hidden: false,
      mailboxId: null,
      attributes: canonicalAttributes(this.#container),
    };
  }

  async #require(uid: string): Promise<DirectoryEntryRecord> {
    const record = await this.#store.directory.find({ uid: uid.trim().toLowerCase() });
    if (!record) throw new UserError('NONEXISTENT', `No directory entry for ${uid}`);
    return record;
  }
}

function dropKeys(attributes: Readonly<Record<string, string[]>>, keys: ReadonlySet<string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(attributes).filter(([key]) => !keys.has(key)));
}

function joinName(attributes: Record<string, string[]>): string | null {
  const parts = [attributes.givenname?.[0], attributes.sn?.[0]].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

/** Stored lower-case names → canonical spelling, in schema order (objectClass first). Names the
 * schema does not know (the container's RDN type) are kept as stored. */
function canonicalAttributes(values: EntryValues): DirectoryEntry['attributes'] {
  const out: Array<readonly [string, readonly string[]]> = [];
  const done = new Set<string>();
  for (const attribute of ATTRIBUTES) {
    const key = storageKey(attribute);
    const list = values[key];
    if (list?.length) out.push([attribute.name, list]);
    done.add(key);
  }
  for (const [key, list] of Object.entries(values)) if (!done.has(key) && list.length) out.push([key, list]);
  return out;
}
