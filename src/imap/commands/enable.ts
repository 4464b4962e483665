// RFC 5161 ENABLE. No capability advertised here needs enabling, so the ENABLED response is empty:
// unknown names are ignored, as §3.1 requires.
import type { ImapCommand } from '../command.ts';
import type { CommandParser } from '../parser/command-parser.ts';

export function parseEnable(p: CommandParser): string[] {
  const names: string[] = [];
  do {
    p.sp();
    names.push(p.atom().toUpperCase());
    if (names.length > 100) p.fail('Too many capabilities');
  } while (!p.atEnd);
  return names;
}

export const enableCommand: ImapCommand<string[]> = {
  name: 'ENABLE',
  // RFC 5161 §3.1: ENABLE is only valid in the authenticated state, before any SELECT.
  states: ['authenticated'],
  parse: parseEnable,
  async run(session) {
    await session.untagged('ENABLED');
  },
};
