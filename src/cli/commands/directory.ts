// `zorgpost directory …`: the community address book served over LDAPS (SPEC R9). Entries follow
// organisations and mailboxes by themselves; these commands add details, partner entries and hide.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';
import { UserError } from '../../errors.ts';
import { parseDirectoryCsv, parseDirectoryLdif } from '../../directory/import-formats.ts';
import { exportChunks, type DirectoryFormat } from '../../directory/export.ts';
import { FilterSyntaxError, parseFilter } from '../../directory/filter-text.ts';
import type { DirectoryEntry } from '../../directory/types.ts';

const describe = (entry: DirectoryEntry) => ({
  dn: entry.dn,
  kind: entry.kind,
  hidden: entry.hidden,
  attributes: Object.fromEntries(entry.attributes),
});

const text = (entry: DirectoryEntry) =>
  [`dn: ${entry.dn}${entry.hidden ? '   (hidden)' : ''}`, ...entry.attributes.map(([name, values]) => `  ${name}: ${values.join(' | ')}`)].join('\n');

export function registerDirectory(program: Command): void {
  const directory = program.command('directory').description('the community address book (LDAP)');

  directory
    .command('import')
    .description('add or update entries from a CSV or LDIF file (all or nothing)')
    .argument('<file>', 'a .csv or .ldif file')
    .option('--format <csv|ldif>', 'file format (default: from the file name)')
    .action((file: string, opts: { format?: string }, command: Command) =>
      withServices(command, async ({ directory: service }, options) => {
        const format = fileFormat(file, opts.format);
        const content = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new UserError('NONEXISTENT', `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
        });
        const parsed = format === 'ldif' ? parseDirectoryLdif(content) : parseDirectoryCsv(content);
        if (parsed.errors.length) {
          const shown = parsed.errors.slice(0, 20).join('\n  ');
          const more = parsed.errors.length > 20 ? `\n  … and ${parsed.errors.length - 20} more` : '';
          throw new UserError('BADINPUT', `${file} was not imported:\n  ${shown}${more}`);
        }
        const result = await service.importRecords(parsed.records, cliActor());
        output(options, result, `Imported ${file}: ${result.created} new, ${result.updated} updated entries.`);
      }),
    );

  directory
    .command('export')
    .description('write the directory as CSV or LDIF (stdout by default)')
    .option('--format <csv|ldif>', 'file format (default: from the --out file name, else csv)')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--visible-only', 'leave hidden entries out')
    .action((opts: { format?: string; out?: string; visibleOnly?: boolean }, command: Command) =>
      withServices(command, async ({ directory: service }) => {
        const format = fileFormat(opts.out, opts.format);
        const chunks = Readable.from(exportChunks(format, service.entries({ includeHidden: !opts.visibleOnly })));
        await service.recordExport(format, cliActor());
        if (opts.out) await pipeline(chunks, createWriteStream(opts.out));
        else await pipeline(chunks, process.stdout, { end: false });
      }),
    );

  directory
    .command('show')
    .description('show one entry')
    .argument('<id>', 'mail address (person) or domain (organisation)')
    .action((uid: string, _opts, command: Command) =>
      withServices(command, async ({ directory: service }, options) => {
        const entry = await service.findEntry(uid);
        if (!entry) throw new UserError('NONEXISTENT', `No directory entry for ${uid}`);
        output(options, describe(entry), text(entry));
      }),
    );

  directory
    .command('search')
    .description('search like the address book does, e.g. "(cn=*jan*)"')
    .argument('<filter>', 'an LDAP filter (RFC 4515)')
    .option('--limit <n>', 'most entries to show', '50')
    .action((filterText: string, opts: { limit: string }, command: Command) =>
      withServices(command, async ({ directory: service }, options) => {
        let filter;
        try {
          filter = parseFilter(filterText);
        } catch (error) {
          if (error instanceof FilterSyntaxError) throw new UserError('BADINPUT', `filter: ${error.message}`);
          throw error;
        }
        const limit = Number.parseInt(opts.limit, 10);
        if (!(limit > 0)) throw new UserError('BADINPUT', '--limit must be a positive number');
        const { entries } = await service.search({ baseDn: service.baseDn, scope: 'one', filter, after: -1, limit });
        output(options, entries.map(describe), entries.length ? entries.map(text).join('\n') : 'No entries match.');
      }),
    );

  directory
    .command('set')
    .description('set details of an entry: --attr title=Huisarts --attr "mobile=06 1234 5678" (empty value clears)')
    .argument('<id>', 'mail address (person) or domain (organisation)')
    .requiredOption('--attr <name=value...>', 'attribute to set; repeat for more values of one attribute')
    .action((uid: string, opts: { attr: string[] }, command: Command) =>
      withServices(command, async ({ directory: service }, options) => {
        const changes: Record<string, string[] | null> = {};
        for (const pair of opts.attr) {
          const at = pair.indexOf('=');
          if (at <= 0) throw new UserError('BADINPUT', `--attr ${pair}: write name=value`);
          const name = pair.slice(0, at).trim();
          const value = pair.slice(at + 1).trim();
          changes[name] = value ? [...(changes[name] ?? []), value] : null;
        }
        const entry = await service.updateEntry(uid, changes, cliActor());
        output(options, describe(entry), text(entry));
      }),
    );

  for (const [name, hidden] of [
    ['hide', true],
    ['unhide', false],
  ] as const) {
    directory
      .command(name)
      .description(hidden ? 'leave an entry out of the address book' : 'show a hidden entry again')
      .argument('<id>', 'mail address (person) or domain (organisation)')
      .action((uid: string, _opts, command: Command) =>
        withServices(command, async ({ directory: service }, options) => {
          await service.setHidden(uid, hidden, cliActor());
          output(options, { uid, hidden }, `${uid} is ${hidden ? 'hidden from' : 'shown in'} the address book.`);
        }),
      );
  }

  directory
    .command('remove')
    .description('remove a partner entry (entries of hosted mailboxes can only be hidden)')
    .argument('<id>', 'mail address (person) or domain (organisation)')
    .action((uid: string, _opts, command: Command) =>
      withServices(command, async ({ directory: service }, options) => {
        await service.removeEntry(uid, cliActor());
        output(options, { uid, removed: true }, `${uid} removed from the directory.`);
      }),
    );
}

/** The format given, else the one the file name says; stdout (no file) is CSV unless told. */
function fileFormat(file: string | undefined, given: string | undefined): DirectoryFormat {
  const format = (given ?? (file === undefined ? 'csv' : extname(file).slice(1))).toLowerCase();
  if (format === 'csv' || format === 'ldif') return format;
  throw new UserError(
    'BADINPUT',
    given === undefined ? `${file}: give --format csv or --format ldif` : `--format ${given}: give csv or ldif`,
  );
}
