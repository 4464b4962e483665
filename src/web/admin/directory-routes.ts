// Admin API for the community directory (SPEC R9): search, read, change details, hide, remove,
// import and export. Mounted under /api/admin by admin/plugin.ts, which authenticates first.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DirectoryService } from '../../directory/directory-service.ts';
import { FilterSyntaxError, parseFilter } from '../../directory/filter-text.ts';
import { parseDirectoryCsv, parseDirectoryLdif } from '../../directory/import-formats.ts';
import { exportChunks } from '../../directory/export.ts';
import type { DirectoryEntry } from '../../directory/types.ts';
import { UserError } from '../../errors.ts';

const searchQuery = z.object({
  filter: z.string().default('(objectClass=*)'),
  after: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const formatQuery = z.object({ format: z.enum(['csv', 'ldif']).default('csv'), includeHidden: z.enum(['true', 'false']).default('true') });
const entryChange = z
  .object({
    attributes: z.record(z.string(), z.union([z.array(z.string().max(1024)).max(20), z.string().max(1024), z.null()])).optional(),
    hidden: z.boolean().optional(),
  })
  .strict();

const describe = (entry: DirectoryEntry) => ({
  dn: entry.dn,
  kind: entry.kind,
  hidden: entry.hidden,
  hostedMailbox: entry.mailboxId !== null,
  attributes: Object.fromEntries(entry.attributes.map(([name, values]) => [name, values])),
});

export function directoryRoutes(app: FastifyInstance, directory: DirectoryService): void {
  app.get('/directory', async (request) => {
    const query = searchQuery.parse(request.query);
    let filter;
    try {
      filter = parseFilter(query.filter);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw new UserError('BADINPUT', `filter: ${error.message}`);
      throw error;
    }
    const result = await directory.search({ baseDn: directory.baseDn, scope: 'one', filter, after: query.after, limit: query.limit + 1 });
    const entries = result.entries.slice(0, query.limit);
    const more = result.entries.length > query.limit;
    return { entries: entries.map(describe), next: more ? entries[entries.length - 1]!.id : null };
  });

  app.get('/directory/export', async (request, reply) => {
    const { format, includeHidden } = formatQuery.parse(request.query);
    await directory.recordExport(format, request.adminActor!);
    reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'text/x-ldif; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="directory.${format}"`);
    return reply.send(Readable.from(exportChunks(format, directory.entries({ includeHidden: includeHidden === 'true' }))));
  });

  // RFC 9110 §15.5.21: a well-formed request whose content cannot be processed is 422.
  app.post('/directory/import', async (request, reply) => {
    const format = z.object({ format: z.enum(['csv', 'ldif']).optional() }).parse(request.query).format ?? formatOf(request.headers['content-type']);
    if (typeof request.body !== 'string') throw new UserError('BADINPUT', 'Send the file as the request body (Content-Type text/csv or text/x-ldif)');
    const parsed = format === 'ldif' ? parseDirectoryLdif(request.body) : parseDirectoryCsv(request.body);
    if (parsed.errors.length) return reply.code(422).send({ imported: false, errors: parsed.errors });
    try {
      return { imported: true, ...(await directory.importRecords(parsed.records, request.adminActor!)) };
    } catch (error) {
      // The checks that need the directory (an address twice in the file, a person where an organisation
      // is) name their line like the parser's: the same answer, and nothing was imported.
      if (error instanceof UserError && error.code === 'BADINPUT') return reply.code(422).send({ imported: false, errors: [error.message] });
      throw error;
    }
  });

  app.get<{ Params: { uid: string } }>('/directory/:uid', async (request) => {
    const entry = await directory.findEntry(request.params.uid);
    if (!entry) throw new UserError('NONEXISTENT', `No directory entry for ${request.params.uid}`);
    return describe(entry);
  });

  app.patch<{ Params: { uid: string } }>('/directory/:uid', async (request) => {
    const change = entryChange.parse(request.body);
    const { uid } = request.params;
    if (change.attributes) {
      const attributes = Object.fromEntries(Object.entries(change.attributes).map(([k, v]) => [k, typeof v === 'string' ? [v] : v]));
      await directory.updateEntry(uid, attributes, request.adminActor!);
    }
    if (change.hidden !== undefined) await directory.setHidden(uid, change.hidden, request.adminActor!);
    // An empty change reaches no service call, so the entry's existence is checked here.
    const entry = await directory.findEntry(uid);
    if (!entry) throw new UserError('NONEXISTENT', `No directory entry for ${uid}`);
    return describe(entry);
  });

  app.delete<{ Params: { uid: string } }>('/directory/:uid', async (request, reply) => {
    await directory.removeEntry(request.params.uid, request.adminActor!);
    return reply.code(204).send();
  });
}

function formatOf(contentType: string | undefined): 'csv' | 'ldif' {
  return /ldif/i.test(contentType ?? '') ? 'ldif' : 'csv';
}
