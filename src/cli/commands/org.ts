// `zorgpost org add|list`: organisations and the mail domains they own.
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';

export function registerOrg(program: Command): void {
  const org = program.command('org').description('manage organisations (practices) and their mail domains');

  org
    .command('add')
    .description('add an organisation with its mail domain')
    .requiredOption('--name <name>', 'organisation name, e.g. "Huisartsenpraktijk De Linde"')
    .requiredOption('--domain <domain>', 'mail domain, e.g. delinde.nl')
    .action((opts: { name: string; domain: string }, command: Command) =>
      withServices(command, async ({ identity }, options) => {
        const created = await identity.addOrganisation(opts, cliActor());
        output(options, { id: created.id, name: created.name, domain: created.domain }, `Organisation ${created.name} (${created.domain}) added.`);
      }, { create: true }),
    );

  org
    .command('list')
    .description('list organisations')
    .action((_opts, command: Command) =>
      withServices(command, async ({ identity }, options) => {
        const orgs = await identity.listOrganisations();
        output(
          options,
          orgs.map((o) => ({ id: o.id, name: o.name, domain: o.domain })),
          orgs.length ? orgs.map((o) => `${o.domain.padEnd(30)} ${o.name}`).join('\n') : 'No organisations yet.',
        );
      }),
    );
}
