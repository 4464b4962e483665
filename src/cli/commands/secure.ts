// `zorgpost secure …`: the sender's view of Viewer messages (SPEC R15): status per recipient,
// revoke now (content deleted at once), and the expiry sweep that `serve` also runs.
import type { Command } from 'commander';
import { cliActor, output, withServices } from '../context.ts';
import { UserError } from '../../errors.ts';
import type { ViewerStatus } from '../../secure/viewer-messages.ts';

const time = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '-');

/** The furthest step a recipient has reached, as one word for the list. */
function progress(s: ViewerStatus): string {
  if (s.state !== 'active') return s.state;
  if (s.repliedAt) return 'replied';
  if (s.openedAt) return 'opened';
  if (s.lockedUntil && s.lockedUntil > new Date()) return 'locked';
  if (s.codeDeliveredAt) return 'code delivered';
  if (s.codeFailedAt && (!s.codeSentAt || s.codeFailedAt >= s.codeSentAt)) return 'code failed';
  if (s.codeSentAt) return 'code sent';
  if (s.notifiedAt) return 'notified';
  return 'created';
}

function detail(s: ViewerStatus): string {
  return [
    `Secure message ${s.id} to ${s.recipient} (${s.state})`,
    `  subject:        ${s.subject}`,
    `  access code by: ${s.channel === 'sms' ? `SMS to ${s.maskedMobile}` : 'e-mail'}`,
    `  created:        ${time(s.createdAt)}`,
    `  notified:       ${time(s.notifiedAt)}`,
    `  code sent:      ${time(s.codeSentAt)}`,
    `  code delivered: ${time(s.codeDeliveredAt)}`,
    ...(s.codeFailedAt ? [`  code failed:    ${time(s.codeFailedAt)}`] : []),
    `  opened:         ${time(s.openedAt)}`,
    `  replied:        ${time(s.repliedAt)}`,
    ...(s.lockedUntil && s.lockedUntil > new Date() ? [`  locked until:   ${time(s.lockedUntil)}`] : []),
    s.revokedAt ? `  revoked:        ${time(s.revokedAt)}` : s.expiredAt ? `  expired:        ${time(s.expiredAt)}` : `  expires:        ${time(s.expiresAt)}`,
  ].join('\n');
}

const messageId = (value: string) => {
  if (!/^\d+$/.test(value)) throw new UserError('BADINPUT', `a secure message id is a number (see zorgpost secure list); got "${value}"`);
  return Number(value);
};

export function registerSecure(program: Command): void {
  const secure = program.command('secure').description('Viewer messages a mailbox sent: status per recipient, revoke');

  secure
    .command('list')
    .description('Viewer messages of a sender, newest first')
    .requiredOption('--mailbox <klantnummer|address>', 'the sending mailbox')
    .option('--limit <n>', 'how many', '50')
    .action((opts: { mailbox: string; limit: string }, command: Command) =>
      withServices(command, async ({ identity, viewerMessages }, options) => {
        const sender = await identity.requireMailbox(opts.mailbox);
        const list = await viewerMessages.list(sender, { limit: Number.parseInt(opts.limit, 10) || 50 });
        const lines = list.map((s) => `${String(s.id).padStart(6)}  ${time(s.createdAt)}  ${progress(s).padEnd(15)} ${s.recipient.padEnd(32)} ${s.subject}`);
        output(options, list, list.length ? [`${'id'.padStart(6)}  ${'sent'.padEnd(16)}  ${'status'.padEnd(15)} ${'recipient'.padEnd(32)} subject`, ...lines].join('\n') : `No secure messages sent by ${sender.address}.`);
      }),
    );

  secure
    .command('status')
    .description('everything known about one Viewer message')
    .requiredOption('--mailbox <klantnummer|address>', 'the sending mailbox')
    .argument('<id>', 'the message id from "secure list"')
    .action((id: string, opts: { mailbox: string }, command: Command) =>
      withServices(command, async ({ identity, viewerMessages }, options) => {
        const sender = await identity.requireMailbox(opts.mailbox);
        const status = await viewerMessages.status(sender, messageId(id));
        output(options, status, detail(status));
      }),
    );

  secure
    .command('revoke')
    .description('withdraw a Viewer message now: the recipient sees "withdrawn" and the content is deleted')
    .requiredOption('--mailbox <klantnummer|address>', 'the sending mailbox')
    .argument('<id>', 'the message id from "secure list"')
    .action((id: string, opts: { mailbox: string }, command: Command) =>
      withServices(command, async ({ identity, viewerMessages }, options) => {
        const sender = await identity.requireMailbox(opts.mailbox);
        const before = await viewerMessages.status(sender, messageId(id));
        if (before.state !== 'active') throw new UserError('CANNOT', `secure message ${id} is already ${before.state}`);
        const { actor } = cliActor();
        const status = await viewerMessages.revoke(sender, before.id, { actor: `${actor} (operator, for ${sender.address})` });
        output(options, status, `Secure message ${status.id} to ${status.recipient} revoked; its content is deleted.`);
      }),
    );

  secure
    .command('expire')
    .description('delete the content of every Viewer message past its retention now (serve does this periodically)')
    .action((_opts, command: Command) =>
      withServices(command, async ({ viewerMessages }, options) => {
        const count = await viewerMessages.expireDue();
        output(options, { expired: count }, `${count} expired Viewer message${count === 1 ? '' : 's'} deleted.`);
      }),
    );
}
