// `zorgpost mailbox add|list|activation`: mailboxes (address + klantnummer) in an organisation's
// domain, and the activation data that links one to a Passage ID (SPEC R2).
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';
import type { Mailbox } from '../../identity/types.ts';

const describe = (m: Mailbox) => ({ klantnummer: m.klantnummer, address: m.address, displayName: m.displayName });

export function registerMailbox(program: Command): void {
  const mailbox = program.command('mailbox').description('manage mailboxes');

  mailbox
    .command('add')
    .description('add a mailbox; its domain must belong to an organisation')
    .requiredOption('--address <address>', 'e-mail address, e.g. j.jansen@delinde.nl')
    .requiredOption('--name <displayName>', 'display name, e.g. "Dr. J. Jansen"')
    .option('--klantnummer <9digits>', 'customer number (assigned when omitted)')
    .action((opts: { address: string; name: string; klantnummer?: string }, command: Command) =>
      withServices(command, async ({ identity }, options) => {
        const created = await identity.addMailbox({ address: opts.address, displayName: opts.name, klantnummer: opts.klantnummer }, cliActor());
        output(
          options,
          describe(created),
          `Mailbox ${created.address} added with klantnummer ${created.klantnummer}.\n` +
            `Next: zorgpost key generate --mailbox ${created.klantnummer}`,
        );
      }),
    );

  mailbox
    .command('activation')
    .description('issue activation data (klantnummer + one-time code) to link the mailbox to a Passage ID')
    .requiredOption('--mailbox <klantnummer|address>', 'the mailbox')
    .action((opts: { mailbox: string }, command: Command) =>
      withServices(command, async ({ identity, passage }, options) => {
        const target = await identity.requireMailbox(opts.mailbox);
        const activation = await passage.issueActivation(target, cliActor());
        output(
          options,
          { address: target.address, ...activation },
          `Activation data for ${target.address}:

    Klantnummer:      ${activation.klantnummer}
    Activation code:  ${activation.code}

` +
            `The code works once, until ${activation.expiresAt.toISOString()}, and replaces any earlier unused code.
` +
            'The user enters both in the portal under "Mailbox koppelen" after signing in with their Passage ID.',
        );
      }),
    );

  mailbox
    .command('list')
    .description('list mailboxes')
    .action((_opts, command: Command) =>
      withServices(command, async ({ identity }, options) => {
        const all = await identity.listMailboxes();
        output(
          options,
          all.map(describe),
          all.length ? all.map((m) => `${m.klantnummer}  ${m.address.padEnd(36)} ${m.displayName}`).join('\n') : 'No mailboxes yet.',
        );
      }),
    );
}
