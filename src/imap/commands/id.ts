// RFC 2971 ID: the client says who it is (logged for support), the server answers in kind.
import { ANY_STATE, type ImapCommand } from '../command.ts';
import type { CommandParser } from '../parser/command-parser.ts';
import { imapString } from '../imap-text.ts';

export type IdArgs = Array<[string, string | null]> | null;

// RFC 2971 §3.3: at most 30 field-value pairs, fields up to 30 octets, values up to 1024.
const MAX_PAIRS = 30;

export function parseId(p: CommandParser): IdArgs {
  p.sp();
  if (p.tryTakeNil()) return null;
  const items = p.parenList(() => p.nstring()?.toString('utf8') ?? null, { allowEmpty: true, max: MAX_PAIRS * 2 });
  if (items.length % 2 !== 0) p.fail('ID needs field-value pairs');
  const pairs: Array<[string, string | null]> = [];
  for (let i = 0; i < items.length; i += 2) {
    const field = items[i];
    const value = items[i + 1] ?? null;
    if (field === null || field === undefined || field.length > 30) p.fail('Invalid ID field');
    if (value !== null && value.length > 1024) p.fail('ID value too long');
    pairs.push([field, value]);
  }
  return pairs;
}

export const idCommand: ImapCommand<IdArgs> = {
  name: 'ID',
  states: ANY_STATE,
  parse: parseId,
  async run(session, args) {
    if (args) session.logger.info({ clientId: Object.fromEntries(args) }, 'imap client id');
    const fields = ['name', 'Zorgpost', 'vendor', 'Zorgpost', 'support-url', `https://${session.services.hostname}/`];
    await session.untagged(`ID (${fields.map(imapString).join(' ')})`);
  },
};
