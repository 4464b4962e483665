// The shape of one IMAP command module (STYLE §2): its name, the session states it is allowed in,
// a pure parser producing typed arguments, and `run`.
import type { CommandParser } from './parser/command-parser.ts';
import type { Session, SessionState } from './session.ts';

export interface CommandContext {
  tag: string;
  /** Upper-case name as registered ("FETCH", "UID FETCH"). */
  name: string;
  /** True for the UID variants (RFC 3501 §6.4.8). */
  uid: boolean;
}

/** The tagged OK; `code` goes in brackets (RFC 3501 §7.1). Defaults to "<NAME> completed". */
export interface CommandResult {
  code?: string;
  text?: string;
}

export const ANY_STATE = ['not-authenticated', 'authenticated', 'selected'] as const satisfies readonly SessionState[];
export const AUTHENTICATED = ['authenticated', 'selected'] as const satisfies readonly SessionState[];
export const SELECTED = ['selected'] as const satisfies readonly SessionState[];
export const NOT_AUTHENTICATED = ['not-authenticated'] as const satisfies readonly SessionState[];

export interface ImapCommand<Args> {
  name: string;
  states: readonly SessionState[];
  /** RFC 3501 §7.4.1: FETCH, STORE and SEARCH (not their UID forms) must not cause EXPUNGE
   * responses. Defaults to true. */
  expungeUpdates?: boolean;
  /** Commands that announce changes themselves (IDLE, NOOP…) or must not (LOGOUT). */
  skipAnnounce?: boolean;
  /** Parses everything after the command name (starting with its SP, if any). The parser's end
   * is checked by the caller. */
  parse(p: CommandParser, ctx: CommandContext): Args;
  run(session: Session, args: Args, ctx: CommandContext): Promise<CommandResult | void>;
}

/** Parsers for commands without arguments. */
export function noArguments(): null {
  return null;
}
