// The explicit registry of POP3 commands.
import type { Pop3Command } from './command.ts';
import { auth, pass, user } from './login.ts';
import { list, stat, uidl } from './maildrop.ts';
import { retr, top } from './retrieve.ts';
import { capa, dele, noop, quit, rset } from './session-commands.ts';

export const POP3_COMMANDS: ReadonlyMap<string, Pop3Command> = new Map(
  [user, pass, auth, stat, list, uidl, retr, top, dele, rset, noop, quit, capa].map((c) => [c.name, c]),
);
