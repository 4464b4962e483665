// Domain books ("Domeinboeken", SPEC R12): named lists of partner domains whose mail counts as
// community mail for the organisations that use the book. This service validates and normalises what
// operators type or import, keeps the well-known books present, and audits every change; the
// decision it feeds is made in classifier.ts.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { DomainBook, DomainBookChange, Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../identity/identity-service.ts';
import { UserError } from '../errors.ts';
import { normaliseDomain } from './classifier.ts';

/** The manual's two books; present on every installation (ensureDefaultBooks), so they can be
 * neither deleted nor renamed, only emptied. */
export const DEFAULT_DOMAIN_BOOKS = ['ZorgMail', 'SIGRA'] as const;

export interface DomainEntry {
  domain: string;
  note: string | null;
}

export interface DomainImportResult extends DomainBookChange {
  book: string;
  /** Whether the import created the book. */
  created: boolean;
  /** Distinct domains in the file. */
  read: number;
}

const SYSTEM: Actor = { actor: 'system', remoteAddress: null };
const MAX_NAME = 100;
const MAX_NOTE = 500;
/** Bad lines named in one error message; the rest are counted. */
const MAX_REPORTED = 3;
// Domains listed in an audit record; bulk changes are recorded as counts.
const AUDIT_DOMAINS = 20;

export class DomainBookService {
  readonly #store: Store;
  readonly #audit: AuditLog;

  constructor(store: Store, audit: AuditLog) {
    this.#store = store;
    this.#audit = audit;
  }

  list(): Promise<DomainBook[]> {
    return this.#store.domainBooks.list();
  }

  /** The book named `name` (case-insensitive); UserError NONEXISTENT when there is none. */
  async get(name: string): Promise<DomainBook> {
    const book = await this.#store.domainBooks.find({ name: name.trim() });
    if (!book) throw new UserError('NONEXISTENT', `No domain book named ${name.trim()}`);
    return book;
  }

  async create(input: { name: string; description?: string | null }, by: Actor): Promise<DomainBook> {
    const name = bookName(input.name);
    const description = input.description?.trim() || null;
    const book = await this.#store.domainBooks.insert({ name, description });
    await this.#audit.record({ ...by, action: 'domainbook.create', detail: { book: name, description } });
    return book;
  }

  async rename(name: string, newName: string, by: Actor): Promise<DomainBook> {
    const book = await this.get(name);
    refuseDefault(book, 'renamed');
    const renamed = bookName(newName);
    await this.#store.domainBooks.rename(book.id, renamed, book.description);
    await this.#audit.record({ ...by, action: 'domainbook.rename', detail: { book: book.name, to: renamed } });
    return this.get(renamed);
  }

  async delete(name: string, by: Actor): Promise<void> {
    const book = await this.get(name);
    refuseDefault(book, 'deleted');
    await this.#store.domainBooks.remove(book.id);
    await this.#audit.record({
      ...by,
      action: 'domainbook.delete',
      detail: { book: book.name, domains: book.domainCount },
    });
  }

  async domains(name: string): Promise<DomainEntry[]> {
    return this.#store.domainBooks.listDomains((await this.get(name)).id);
  }

  async addDomains(name: string, entries: ReadonlyArray<string | DomainEntry>, by: Actor): Promise<DomainBookChange> {
    const book = await this.get(name);
    const normalised = entries.map((entry) =>
      typeof entry === 'string'
        ? { domain: normaliseDomain(entry), note: null }
        : { domain: normaliseDomain(entry.domain), note: note(entry.note) },
    );
    const change = await this.#store.domainBooks.addDomains(book.id, normalised, { replace: false });
    await this.#audit.record({
      ...by,
      action: 'domainbook.add',
      detail: { book: book.name, ...change, ...sample(normalised.map((d) => d.domain)) },
    });
    return change;
  }

  /** Returns how many of `domains` were in the book. */
  async removeDomains(name: string, domains: readonly string[], by: Actor): Promise<number> {
    const book = await this.get(name);
    const normalised = domains.map((domain) => normaliseDomain(domain));
    const removed = await this.#store.domainBooks.removeDomains(book.id, normalised);
    await this.#audit.record({
      ...by,
      action: 'domainbook.remove',
      detail: { book: book.name, removed, ...sample(normalised) },
    });
    return removed;
  }

  /** Imports CSV text (see parseDomainList) into the book, creating it when missing. Nothing is
   * changed when any line is bad. With `replace` the book afterwards holds exactly the file. */
  async importCsv(name: string, text: string, options: { replace: boolean }, by: Actor): Promise<DomainImportResult> {
    const entries = parseDomainList(text);
    let book = await this.#store.domainBooks.find({ name: name.trim() });
    const created = !book;
    if (!book) book = await this.create({ name }, by);
    const change = await this.#store.domainBooks.addDomains(book.id, entries, options);
    const result = { book: book.name, created, read: new Set(entries.map((e) => e.domain)).size, ...change };
    await this.#audit.record({ ...by, action: 'domainbook.import', detail: { ...result, replace: options.replace } });
    return result;
  }

  /** The book as CSV with a `domain,note` header, domains sorted: importing it gives the same book. */
  async exportCsv(name: string): Promise<string> {
    const domains = await this.domains(name);
    return stringify([['domain', 'note'], ...domains.map((d) => [d.domain, d.note ?? ''])]);
  }

  /** Makes the organisation owning `orgDomain` use the book `bookName`, or none (null). */
  async assign(orgDomain: string, bookName: string | null, by: Actor): Promise<void> {
    const domain = normaliseDomain(orgDomain);
    const org = await this.#store.accounts.findOrganisation({ domain });
    if (!org) throw new UserError('NONEXISTENT', `No organisation has the domain ${domain}`);
    const book = bookName === null ? null : await this.get(bookName);
    await this.#store.domainBooks.assign(org.id, book?.id ?? null);
    await this.#audit.record({
      ...by,
      action: 'domainbook.assign',
      detail: { organisation: domain, book: book?.name ?? null },
    });
  }

  /** Creates the default books that are missing (empty); returns the names created. Run at startup. */
  async ensureDefaultBooks(by: Actor = SYSTEM): Promise<string[]> {
    const created: string[] = [];
    for (const name of DEFAULT_DOMAIN_BOOKS) {
      if (await this.#store.domainBooks.find({ name })) continue;
      try {
        await this.create({ name, description: null }, by);
        created.push(name);
      } catch (error) {
        // Another process (the CLI next to the server) created it in between: that is the goal.
        if (!(error instanceof UserError && error.code === 'ALREADYEXISTS')) throw error;
      }
    }
    return created;
  }
}

/** Parses a domain list: CSV with a `domain,note` header (columns in any order, `note` optional), or
 * a plain list with one domain per line (optionally `,note`). Lines starting with `#` and blank lines
 * are ignored; a file from Dutch Excel, separated by `;`, is read too. Every domain is normalised
 * (normaliseDomain); bad lines are reported together, by line number, as one UserError BADINPUT. */
export function parseDomainList(text: string): DomainEntry[] {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trim().startsWith('#')) ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: Array<{ info: { lines: number }; record: string[] }>;
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
      // csv-parse's types do not follow `info: true`, which wraps each record with its line number.
    }) as unknown as Array<{ info: { lines: number }; record: string[] }>;
  } catch (error) {
    throw new UserError('BADINPUT', `Not a readable CSV file: ${(error as Error).message}`);
  }
  records = records.filter(({ record }) => record.some((field) => field !== ''));

  let domainColumn = 0;
  let noteColumn: number | null = 1;
  let columns = 2;
  const header = records[0]?.record.map((field) => field.toLowerCase());
  if (header?.includes('domain')) {
    const unknown = header.filter((field) => field !== 'domain' && field !== 'note');
    if (unknown.length)
      throw new UserError(
        'BADINPUT',
        `line ${records[0]!.info.lines}: unknown column ${unknown.join(', ')}; the columns are domain and note`,
      );
    domainColumn = header.indexOf('domain');
    noteColumn = header.includes('note') ? header.indexOf('note') : null;
    columns = header.length;
    records = records.slice(1);
  }

  const entries: DomainEntry[] = [];
  const problems: string[] = [];
  for (const { info, record } of records) {
    const where = `line ${info.lines}`;
    try {
      if (record.length > columns)
        throw new UserError(
          'BADINPUT',
          `${where}: expected ${noteColumn === null ? 'domain' : 'domain,note'}, found ${record.length} columns`,
        );
      const domain = normaliseDomain(record[domainColumn] ?? '', `${where}: "${record[domainColumn] ?? ''}"`);
      entries.push({ domain, note: note(noteColumn === null ? null : (record[noteColumn] ?? null)) });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error.message.startsWith('line ') ? error.message : `${where}: ${error.message}`);
    }
  }
  if (problems.length) {
    const more = problems.length > MAX_REPORTED ? `; and ${problems.length - MAX_REPORTED} more bad lines` : '';
    throw new UserError('BADINPUT', `${problems.slice(0, MAX_REPORTED).join('; ')}${more}. Nothing was imported.`);
  }
  return entries;
}

function bookName(input: string): string {
  const name = input.trim();
  if (!name) throw new UserError('BADINPUT', 'A domain book needs a name');
  if (name.length > MAX_NAME) throw new UserError('BADINPUT', `A domain book name has at most ${MAX_NAME} characters`);
  if (/\p{Cc}/u.test(name)) throw new UserError('BADINPUT', 'A domain book name cannot contain control characters');
  return name;
}

function note(input: string | null): string | null {
  const value = input?.trim() ?? '';
  if (value.length > MAX_NOTE) throw new UserError('BADINPUT', `A note has at most ${MAX_NOTE} characters`);
  return value === '' ? null : value;
}

function refuseDefault(book: DomainBook, what: string): void {
  if (DEFAULT_DOMAIN_BOOKS.some((name) => name.toLowerCase() === book.name.toLowerCase())) {
    throw new UserError(
      'CANNOT',
      `${book.name} is a default domain book and cannot be ${what}; empty it with "domainbook import --replace" instead`,
    );
  }
}

function sample(domains: readonly string[]): { domains: string[]; more?: number } {
  return domains.length > AUDIT_DOMAINS
    ? { domains: domains.slice(0, AUDIT_DOMAINS), more: domains.length - AUDIT_DOMAINS }
    : { domains: [...domains] };
}
