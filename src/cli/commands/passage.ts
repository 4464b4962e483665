// `zorgpost passage invite|list`: Passage ID accounts (SPEC R1). There is no open registration: the
// first operator of a fresh installation is invited from here, and so can be anyone else.
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';
import { UserError } from '../../errors.ts';
import type { PassageRole } from '../../identity/passage-types.ts';

export function registerPassage(program: Command): void {
  const passage = program.command('passage').description('Passage ID accounts (portal and webmail sign-in)');

  passage
    .command('invite')
    .description('invite someone to create a Passage ID; prints the invitation link (valid 7 days)')
    .requiredOption('--email <address>', "the invitee's e-mail address, their sign-in name")
    .option('--org <domain>', 'the organisation (by domain) the account belongs to')
    .option('--admin', 'with --org: an organisation admin; without --org: a platform operator')
    .action((opts: { email: string; org?: string; admin?: boolean }, command: Command) => {
      const role = inviteRole(opts);
      // The first operator's invitation is how a fresh installation starts, like `org add`.
      return withServices(
        command,
        async ({ passage: service }, options) => {
          const invited = await service.invite(
            { email: opts.email, role, ...(opts.org ? { orgDomain: opts.org } : {}) },
            cliActor(),
          );
          output(
            options,
            {
              email: invited.email,
              role: invited.role,
              organisation: opts.org?.trim().toLowerCase() ?? null,
              expiresAt: invited.expiresAt,
              url: invited.url,
            },
            `Invitation for ${invited.email} (${describeRole(invited.role, opts.org)}), valid until ${invited.expiresAt.toISOString()}:\n\n    ${invited.url}\n\n` +
              'Send this link to the invitee only; whoever opens it can create the account. A new invitation replaces this one.',
          );
        },
        { create: role === 'operator' },
      );
    });

  passage
    .command('list')
    .description('list Passage ID accounts')
    .action((_opts, command: Command) =>
      withServices(command, async ({ passage: service }, options) => {
        const accounts = await service.listAccounts();
        output(
          options,
          accounts.map((a) => ({
            email: a.email,
            role: a.role,
            organisation: a.organisation,
            createdAt: a.createdAt,
            linkedMailboxes: a.linkedMailboxes,
            disabled: a.disabledAt !== null,
          })),
          accounts.length
            ? accounts
                .map(
                  (a) =>
                    `${a.email.padEnd(36)} ${a.role.padEnd(8)} ${(a.organisation ?? '-').padEnd(24)} created ${a.createdAt.toISOString().slice(0, 10)}  ` +
                    `${a.linkedMailboxes} mailbox${a.linkedMailboxes === 1 ? '' : 'es'}${a.disabledAt ? '  (disabled)' : ''}`,
                )
                .join('\n')
            : 'No Passage ID accounts yet. Invite the first operator with: zorgpost passage invite --email ADDRESS --admin',
        );
      }),
    );

  // Off-boarding: someone who leaves the practice loses portal and webmail access at once.
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    passage
      .command(name)
      .description(disabled ? 'disable a Passage ID: no sign-in, its sessions end at once' : 'enable a disabled Passage ID again')
      .requiredOption('--email <address>', 'the Passage ID')
      .action((opts: { email: string }, command: Command) =>
        withServices(command, async ({ passage: service }, options) => {
          const account = await service.setDisabled(opts.email, disabled, cliActor());
          output(options, { email: account.email, disabled }, `Passage ID ${account.email} is ${disabled ? 'disabled; its sessions have ended' : 'enabled again'}.`);
        }),
      );
  }
}

function inviteRole(opts: { org?: string; admin?: boolean }): PassageRole {
  if (opts.org) return opts.admin ? 'admin' : 'user';
  if (opts.admin) return 'operator';
  throw new UserError(
    'BADINPUT',
    'Say what the invitee becomes: --org DOMAIN for a user of that organisation, --org DOMAIN --admin for its admin, or --admin alone for a platform operator',
  );
}

function describeRole(role: PassageRole, org: string | undefined): string {
  if (role === 'operator') return 'platform operator';
  return `${role === 'admin' ? 'admin' : 'user'} of ${org?.trim().toLowerCase()}`;
}
