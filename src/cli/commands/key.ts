// `zorgpost key generate`: a new Hosted Mail Key, printed once; the previous key stops working.
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';

export function registerKey(program: Command): void {
  const key = program.command('key').description('manage Hosted Mail Keys (the password for IMAP, SMTP and POP3)');

  key
    .command('generate')
    .description('generate a new Hosted Mail Key for a mailbox and revoke the previous one')
    .requiredOption('--mailbox <klantnummer|address>', 'the mailbox')
    .action((opts: { mailbox: string }, command: Command) =>
      withServices(command, async ({ identity }, options) => {
        const mailbox = await identity.requireMailbox(opts.mailbox);
        const { key: secret } = await identity.generateHostedMailKey(mailbox, cliActor());
        output(
          options,
          { klantnummer: mailbox.klantnummer, address: mailbox.address, key: secret },
          `Hosted Mail Key for ${mailbox.address} (klantnummer ${mailbox.klantnummer}):\n\n    ${secret}\n\n` +
            'It is shown only this once; store it safely. Any previous key no longer works.\n' +
            `Mail client settings: user name ${mailbox.klantnummer}, password: this key.`,
        );
      }),
    );
}
