// `zorgpost admin token create|list|revoke`: bearer tokens for the admin HTTP API (/api/admin).
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';
import { UserError } from '../../errors.ts';

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('the admin HTTP API');
  const token = admin.command('token').description('API tokens (Authorization: Bearer <token>)');

  token
    .command('create')
    .description('create a token; it is printed once')
    .requiredOption('--name <name>', 'who or what uses it, e.g. "beheer-script"')
    .action((opts: { name: string }, command: Command) =>
      withServices(command, async ({ adminTokens }, options) => {
        const created = await adminTokens.create(opts.name, cliActor());
        output(
          options,
          created,
          `Admin API token ${created.id} (${opts.name}):\n\n    ${created.token}\n\n` +
            'It is shown only this once. Use it as: Authorization: Bearer <token>\n' +
            `Revoke it with: zorgpost admin token revoke --id ${created.id}`,
        );
      }),
    );

  token
    .command('list')
    .description('list tokens (never the secrets)')
    .action((_opts, command: Command) =>
      withServices(command, async ({ adminTokens }, options) => {
        const all = await adminTokens.list();
        output(
          options,
          all,
          all.length
            ? all.map((t) => `${String(t.id).padEnd(4)} ${t.name.padEnd(30)} created ${t.createdAt.toISOString()}${t.revokedAt ? `  revoked ${t.revokedAt.toISOString()}` : ''}`).join('\n')
            : 'No admin tokens.',
        );
      }),
    );

  token
    .command('revoke')
    .description('revoke a token at once')
    .requiredOption('--id <id>', 'token id (see list)')
    .action((opts: { id: string }, command: Command) =>
      withServices(command, async ({ adminTokens }, options) => {
        const id = Number.parseInt(opts.id, 10);
        if (!Number.isSafeInteger(id)) throw new UserError('BADINPUT', '--id must be a number');
        await adminTokens.revoke(id, cliActor());
        output(options, { id, revoked: true }, `Admin token ${id} revoked.`);
      }),
    );
}
