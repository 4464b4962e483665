// Domain books (SPEC R12): named lists of partner domains, and which book each organisation uses.
// Domains arrive normalised (directory/classifier.ts normaliseDomain); the classifier's question
// "is this domain in that book" is one primary-key lookup on (book_id, domain).
import type { Selectable } from 'kysely';
import type { DomainBook, DomainBookRepository } from '../store.ts';
import { UserError } from '../../errors.ts';
import { isUniqueViolation, type SqlContext, type Tx } from './sql-context.ts';
import type { Database } from './schema.ts';

// 1,000 rows of 3 parameters stay far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters,
// and a few such statements add thousands of domains in milliseconds.
const BATCH = 1000;

type BookRow = Selectable<Database['domain_books']> & { domain_count: number | string | bigint | null };

/** Book names are unique regardless of case: "zorgmail" and "ZorgMail" are one book. */
const nameKey = (name: string) => name.normalize('NFC').toLowerCase();

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) result.push(items.slice(i, i + BATCH));
  return result;
}

export function createDomainBookRepository(ctx: SqlContext): DomainBookRepository {
  const { db } = ctx;

  const selectBooks = () =>
    db
      .selectFrom('domain_books as b')
      .selectAll('b')
      .select((eb) =>
        eb
          .selectFrom('domain_book_domains as d')
          .select((inner) => inner.fn.countAll().as('n'))
          .whereRef('d.book_id', '=', 'b.id')
          .as('domain_count'),
      );

  async function organisationsByBook(bookId?: number): Promise<Map<number, string[]>> {
    let query = db
      .selectFrom('organisations')
      .select(['domain_book_id', 'domain'])
      .where('domain_book_id', 'is not', null);
    if (bookId !== undefined) query = query.where('domain_book_id', '=', bookId);
    const byBook = new Map<number, string[]>();
    for (const row of await query.orderBy('domain').execute()) {
      const list = byBook.get(row.domain_book_id!) ?? [];
      list.push(row.domain);
      byBook.set(row.domain_book_id!, list);
    }
    return byBook;
  }

  const toBook = (row: BookRow, organisations: Map<number, string[]>): DomainBook => ({
    id: row.id,
    name: row.name,
    description: row.description,
    domainCount: Number(row.domain_count ?? 0),
    organisations: organisations.get(row.id) ?? [],
    createdAt: new Date(Number(row.created_at)),
  });

  async function countDomains(trx: Tx, bookId: number): Promise<number> {
    const row = await trx
      .selectFrom('domain_book_domains')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('book_id', '=', bookId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function requireBook(trx: Tx, bookId: number): Promise<{ name: string }> {
    const book = await trx.selectFrom('domain_books').select('name').where('id', '=', bookId).executeTakeFirst();
    if (!book) throw new UserError('NONEXISTENT', 'No such domain book');
    return book;
  }

  return {
    async insert(input) {
      try {
        const row = await ctx.write((trx) =>
          trx
            .insertInto('domain_books')
            .values({
              name: input.name,
              name_key: nameKey(input.name),
              description: input.description,
              created_at: Date.now(),
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
        return toBook({ ...row, domain_count: 0 }, new Map());
      } catch (error) {
        if (isUniqueViolation(error))
          throw new UserError('ALREADYEXISTS', `A domain book named ${input.name} already exists`);
        throw error;
      }
    },

    async find(by) {
      const query =
        'id' in by ? selectBooks().where('b.id', '=', by.id) : selectBooks().where('b.name_key', '=', nameKey(by.name));
      const row = await query.executeTakeFirst();
      return row ? toBook(row, await organisationsByBook(row.id)) : null;
    },

    async list() {
      const rows = await selectBooks().orderBy('b.name_key').execute();
      const organisations = await organisationsByBook();
      return rows.map((row) => toBook(row, organisations));
    },

    async remove(id) {
      await ctx.write(async (trx) => {
        const book = await requireBook(trx, id);
        const users = await trx
          .selectFrom('organisations')
          .select('domain')
          .where('domain_book_id', '=', id)
          .orderBy('domain')
          .execute();
        if (users.length) {
          const names = users.map((u) => u.domain).join(', ');
          throw new UserError(
            'INUSE',
            `Domain book ${book.name} is in use by ${names}; assign them another book (or none) first`,
          );
        }
        await trx.deleteFrom('domain_book_domains').where('book_id', '=', id).execute();
        await trx.deleteFrom('domain_books').where('id', '=', id).execute();
      });
    },

    async rename(id, name, description) {
      try {
        await ctx.write(async (trx) => {
          const result = await trx
            .updateTable('domain_books')
            .set({ name, name_key: nameKey(name), description })
            .where('id', '=', id)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) === 0) throw new UserError('NONEXISTENT', 'No such domain book');
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new UserError('ALREADYEXISTS', `A domain book named ${name} already exists`);
        throw error;
      }
    },

    async listDomains(bookId) {
      return db
        .selectFrom('domain_book_domains')
        .select(['domain', 'note'])
        .where('book_id', '=', bookId)
        .orderBy('domain')
        .execute();
    },

    async addDomains(bookId, domains, { replace }) {
      // The last occurrence of a domain wins, as if the list were applied line by line.
      const unique = [...new Map(domains.map((d) => [d.domain, d.note])).entries()].map(([domain, note]) => ({
        book_id: bookId,
        domain,
        note,
      }));
      return ctx.write(async (trx) => {
        await requireBook(trx, bookId);
        const before = await countDomains(trx, bookId);
        let removed = 0;
        if (replace) {
          const keep = new Set(unique.map((d) => d.domain));
          const existing = await trx
            .selectFrom('domain_book_domains')
            .select('domain')
            .where('book_id', '=', bookId)
            .execute();
          const gone = existing.map((row) => row.domain).filter((domain) => !keep.has(domain));
          for (const batch of chunks(gone)) {
            await trx
              .deleteFrom('domain_book_domains')
              .where('book_id', '=', bookId)
              .where('domain', 'in', batch)
              .execute();
          }
          removed = gone.length;
        }
        for (const batch of chunks(unique)) {
          await trx
            .insertInto('domain_book_domains')
            .values(batch)
            .onConflict((oc) =>
              oc.columns(['book_id', 'domain']).doUpdateSet((eb) => ({
                // A replace makes the file the truth, notes included; an addition only adds notes.
                note: replace
                  ? eb.ref('excluded.note')
                  : eb.fn.coalesce(eb.ref('excluded.note'), eb.ref('domain_book_domains.note')),
              })),
            )
            .execute();
        }
        const total = await countDomains(trx, bookId);
        return { added: total - (before - removed), removed, total };
      });
    },

    async removeDomains(bookId, domains) {
      return ctx.write(async (trx) => {
        await requireBook(trx, bookId);
        let removed = 0;
        for (const batch of chunks([...new Set(domains)])) {
          const result = await trx
            .deleteFrom('domain_book_domains')
            .where('book_id', '=', bookId)
            .where('domain', 'in', batch)
            .executeTakeFirst();
          removed += Number(result.numDeletedRows);
        }
        return removed;
      });
    },

    async contains(bookId, domain) {
      const row = await db
        .selectFrom('domain_book_domains')
        .select('book_id')
        .where('book_id', '=', bookId)
        .where('domain', '=', domain)
        .executeTakeFirst();
      return row !== undefined;
    },

    async assign(orgId, bookId) {
      await ctx.write(async (trx) => {
        if (bookId !== null) await requireBook(trx, bookId);
        const result = await trx
          .updateTable('organisations')
          .set({ domain_book_id: bookId })
          .where('id', '=', orgId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw new UserError('NONEXISTENT', 'No such organisation');
      });
    },

    async assignedBook(orgId) {
      const row = await db
        .selectFrom('organisations as o')
        .innerJoin('domain_books as b', 'b.id', 'o.domain_book_id')
        .select(['b.id', 'b.name'])
        .where('o.id', '=', orgId)
        .executeTakeFirst();
      return row ?? null;
    },
  };
}
