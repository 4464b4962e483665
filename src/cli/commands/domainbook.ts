// `zorgpost domainbook …`: the domain books (SPEC R12), and `zorgpost classify` to ask the recipient
// classifier what a sender's message to given recipients would be (community or external).
import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';
import { UserError } from '../../errors.ts';
import type { DomainBook, DomainBookChange } from '../../store/store.ts';
import type { Classification } from '../../directory/classifier.ts';

const describe = (b: DomainBook) => ({
  name: b.name,
  description: b.description,
  domains: b.domainCount,
  organisations: b.organisations,
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const counts = (c: DomainBookChange) =>
  `${c.added} added, ${c.removed} removed; the book now has ${plural(c.total, 'domain')}`;

export function registerDomainBook(program: Command): void {
  const book = program
    .command('domainbook')
    .description('manage domain books: partner domains that count as community mail');
  const nameOption = () =>
    new Option('--name <name>', 'domain book name, e.g. ZorgMail (case-insensitive)').makeOptionMandatory();

  book
    .command('list')
    .description('list domain books with their size and the organisations using them')
    .action((_opts, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const books = await domainBooks.list();
        const line = (b: DomainBook) =>
          `${b.name.padEnd(20)} ${plural(b.domainCount, 'domain').padStart(14)}  ${b.organisations.length ? `used by ${b.organisations.join(', ')}` : 'not assigned'}` +
          (b.description ? `  (${b.description})` : '');
        output(options, books.map(describe), books.length ? books.map(line).join('\n') : 'No domain books yet.');
      }),
    );

  book
    .command('create')
    .description('create an empty domain book')
    .addOption(nameOption())
    .option('--description <text>', 'what the book holds')
    .action((opts: { name: string; description?: string }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const created = await domainBooks.create(opts, cliActor());
        output(options, describe(created), `Domain book ${created.name} created.`);
      }),
    );

  book
    .command('import')
    .description('add the domains of a CSV file (domain,note) or plain list to a book, creating the book when missing')
    .addOption(nameOption())
    .argument('<file>', 'CSV file with a "domain,note" header, or one domain per line ("-" reads stdin)')
    .option('--replace', 'make the book hold exactly the file (domains not in it are removed)')
    .action((file: string, opts: { name: string; replace?: boolean }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const text = await readText(file);
        const result = await domainBooks.importCsv(opts.name, text, { replace: opts.replace === true }, cliActor());
        output(
          options,
          result,
          `${result.created ? `Domain book ${result.book} created. ` : ''}Imported ${plural(result.read, 'domain')} into ${result.book}: ${counts(result)}.`,
        );
      }),
    );

  book
    .command('export')
    .description('write a book as CSV (domain,note) to stdout or a file')
    .addOption(nameOption())
    .option('--out <file>', 'write to this file instead of stdout')
    .action((opts: { name: string; out?: string }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const csv = await domainBooks.exportCsv(opts.name);
        if (!opts.out) {
          process.stdout.write(csv);
          return;
        }
        await writeFile(opts.out, csv).catch((error: NodeJS.ErrnoException) => {
          throw new UserError('CANNOT', `cannot write ${opts.out}: ${error.code ?? error.message}`);
        });
        const domains = (await domainBooks.get(opts.name)).domainCount;
        output(options, { file: opts.out, domains }, `Wrote ${plural(domains, 'domain')} to ${opts.out}.`);
      }),
    );

  book
    .command('show')
    .description("list a book's domains")
    .addOption(nameOption())
    .action((opts: { name: string }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const found = await domainBooks.get(opts.name);
        const domains = await domainBooks.domains(found.name);
        const text = domains.length
          ? domains.map((d) => (d.note ? `${d.domain.padEnd(40)} ${d.note}` : d.domain)).join('\n')
          : `${found.name} is empty.`;
        output(options, { ...describe(found), domains }, text);
      }),
    );

  book
    .command('add')
    .description('add domains to a book')
    .addOption(nameOption())
    .argument('<domains...>', 'domains, e.g. zorgmail.nl')
    .action((domains: string[], opts: { name: string }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const change = await domainBooks.addDomains(opts.name, domains, cliActor());
        output(options, change, `${counts(change)}.`);
      }),
    );

  book
    .command('remove')
    .description('remove domains from a book')
    .addOption(nameOption())
    .argument('<domains...>', 'domains to remove')
    .action((domains: string[], opts: { name: string }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const removed = await domainBooks.removeDomains(opts.name, domains, cliActor());
        output(options, { removed }, `${plural(removed, 'domain')} removed.`);
      }),
    );

  book
    .command('rename')
    .description('rename a book')
    .addOption(nameOption())
    .requiredOption('--to <name>', 'the new name')
    .action((opts: { name: string; to: string }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        const renamed = await domainBooks.rename(opts.name, opts.to, cliActor());
        output(options, describe(renamed), `Domain book renamed to ${renamed.name}.`);
      }),
    );

  book
    .command('delete')
    .description('delete a book that no organisation uses')
    .addOption(nameOption())
    .action((opts: { name: string }, command: Command) =>
      withServices(command, async ({ domainBooks }, options) => {
        await domainBooks.delete(opts.name, cliActor());
        output(options, { deleted: opts.name }, `Domain book ${opts.name} deleted.`);
      }),
    );

  book
    .command('assign')
    .description('make an organisation use a domain book (or none)')
    .requiredOption('--org <domain>', "the organisation's mail domain")
    .addOption(new Option('--name <name>', 'the domain book').conflicts('none'))
    .option('--none', 'use no domain book: only hosted domains are community')
    .action((opts: { org: string; name?: string; none?: boolean }, command: Command) => {
      if (opts.name === undefined && !opts.none) command.error('error: give --name <book> or --none', { exitCode: 2 });
      return withServices(command, async ({ domainBooks }, options) => {
        await domainBooks.assign(opts.org, opts.name ?? null, cliActor());
        output(
          options,
          { organisation: opts.org, book: opts.name ?? null },
          opts.name ? `${opts.org} now uses domain book ${opts.name}.` : `${opts.org} now uses no domain book.`,
        );
      });
    });
}

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description("show whether recipients are community (hosted here or in the sender's domain book) or external")
    .requiredOption('--from <address>', 'the sender')
    .argument('<recipients...>', 'recipient addresses')
    .action((recipients: string[], opts: { from: string }, command: Command) =>
      withServices(command, async ({ classifier }, options) => {
        const results = await classifier.classifyMany(opts.from, recipients);
        const rows = recipients.map((recipient, i) => ({ recipient, ...results[i]! }));
        output(options, rows, rows.map((row) => `${row.recipient.padEnd(40)} ${explain(row)}`).join('\n'));
      }),
    );
}

function explain(c: Classification): string {
  if (c.class === 'external') return 'external';
  return c.reason === 'hosted' ? 'community (hosted here)' : `community (domain book ${c.book})`;
}

async function readText(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'NONEXISTENT',
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`,
    );
  }
}
