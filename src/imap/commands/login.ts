// RFC 3501 §6.2.3 LOGIN: user name (klantnummer or address) and the Hosted Mail Key. Connections
// are TLS throughout, so LOGIN is always allowed (SPEC R6).
import { NOT_AUTHENTICATED, type ImapCommand } from '../command.ts';
import { logIn } from '../login.ts';
import type { CommandParser } from '../parser/command-parser.ts';

export interface LoginArgs {
  username: string;
  password: string;
}

export function parseLogin(p: CommandParser): LoginArgs {
  p.sp();
  const username = p.astringText();
  p.sp();
  const password = p.astringText();
  return { username, password };
}

export const loginCommand: ImapCommand<LoginArgs> = {
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  parse: parseLogin,
  run: (session, args) => logIn(session, args.username, args.password),
};
