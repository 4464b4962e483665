// Admin API for domain books and the recipient classifier (SPEC R12).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DomainBookService } from '../../directory/domain-books.ts';
import type { RecipientClassifier } from '../../directory/classifier.ts';
import { UserError } from '../../errors.ts';

const newBook = z.object({ name: z.string().min(1).max(100), description: z.string().max(500).nullable().optional() }).strict();
const renameBook = z.object({ name: z.string().min(1).max(100) }).strict();
const domainList = z
  .object({ domains: z.array(z.union([z.string(), z.object({ domain: z.string(), note: z.string().max(500).nullable().optional() })])).min(1).max(100_000) })
  .strict();
const assignment = z.object({ book: z.string().min(1).nullable() }).strict();
const classifyRequest = z.object({ sender: z.string().min(3).max(320), recipients: z.array(z.string().max(320)).min(1).max(500) }).strict();

type Named = { Params: { name: string } };

export function domainBookRoutes(app: FastifyInstance, books: DomainBookService, classifier: RecipientClassifier): void {
  app.get('/domain-books', async () => ({ books: await books.list() }));

  app.post('/domain-books', async (request, reply) => {
    const input = newBook.parse(request.body);
    return reply.code(201).send(await books.create(input, request.adminActor!));
  });

  app.get<Named>('/domain-books/:name', async (request) => ({
    ...(await books.get(request.params.name)),
    domains: await books.domains(request.params.name),
  }));

  app.patch<Named>('/domain-books/:name', async (request) => books.rename(request.params.name, renameBook.parse(request.body).name, request.adminActor!));

  app.delete<Named>('/domain-books/:name', async (request, reply) => {
    await books.delete(request.params.name, request.adminActor!);
    return reply.code(204).send();
  });

  app.post<Named>('/domain-books/:name/domains', async (request) => {
    const { domains } = domainList.parse(request.body);
    const entries = domains.map((d) => (typeof d === 'string' ? d : { domain: d.domain, note: d.note ?? null }));
    return books.addDomains(request.params.name, entries, request.adminActor!);
  });

  app.delete<Named & { Params: { domain: string } }>('/domain-books/:name/domains/:domain', async (request, reply) => {
    const removed = await books.removeDomains(request.params.name, [request.params.domain], request.adminActor!);
    if (!removed) throw new UserError('NONEXISTENT', `${request.params.domain} is not in ${request.params.name}`);
    return reply.code(204).send();
  });

  // CSV in and out: the format of `zorgpost domainbook import|export`.
  app.put<Named>('/domain-books/:name/csv', async (request) => {
    if (typeof request.body !== 'string') throw new UserError('BADINPUT', 'Send the CSV file as the request body (Content-Type text/csv)');
    const replace = z.object({ replace: z.enum(['true', 'false']).default('true') }).parse(request.query).replace === 'true';
    return books.importCsv(request.params.name, request.body, { replace }, request.adminActor!);
  });

  app.get<Named>('/domain-books/:name/csv', async (request, reply) => {
    const csv = await books.exportCsv(request.params.name);
    reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="domain-book.csv"`);
    return csv;
  });

  app.put<{ Params: { domain: string } }>('/organisations/:domain/domain-book', async (request, reply) => {
    await books.assign(request.params.domain, assignment.parse(request.body).book, request.adminActor!);
    return reply.code(204).send();
  });

  app.post('/classify', async (request) => {
    const { sender, recipients } = classifyRequest.parse(request.body);
    const classes = await classifier.classifyMany(sender, recipients);
    return { sender, recipients: recipients.map((recipient, i) => ({ recipient, ...classes[i]! })) };
  });
}
