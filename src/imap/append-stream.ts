// APPEND with the message literal streamed from the socket into the store (RFC 3501 §6.3.11,
// RFC 7888 for "{n+}"), so a 50 MB message never sits in memory. The command's first line is
// parsed before any literal byte is read: a missing folder or bad syntax is refused before the
// continuation request (RFC 3501 §7.5). The stream only ends cleanly once the literal and the
// CRLF ending the command have arrived; a disconnect, a lying size (extra bytes after the literal)
// or a store failure aborts it and the store keeps nothing.
import type { CommandResult } from './command.ts';
import { commandHead, literalAtEnd } from './command-reader.ts';
import { appendFolder, parseAppendTarget, storeAppend } from './commands/append.ts';
import { ImapNoError, ImapSyntaxError } from './errors.ts';
import type { InputReader } from './input-reader.ts';
import { CommandParser } from './parser/command-parser.ts';
import type { Session } from './session.ts';

const PIECE = 64 * 1024;

/** True when this first line is an APPEND whose message literal ends it (the streaming case).
 * Only the mailbox name can be a literal besides the message (flags and date cannot), so a line
 * that holds nothing after APPEND but the literal is sending the mailbox name that way. */
export function isStreamingAppend(line: Buffer, session: Session): boolean {
  if (session.state !== 'authenticated' && session.state !== 'selected') return false;
  const { tag, name } = commandHead(line);
  if (tag === null || name !== 'APPEND' || literalAtEnd(line) === null) return false;
  const beforeLiteral = line.toString('latin1', 0, line.lastIndexOf(0x7b));
  return beforeLiteral.length > tag.length + ' APPEND '.length;
}

export interface StreamingAppendIo {
  reader: InputReader;
  maxLineBytes: number;
  continuation(): Promise<void>;
}

/** Thrown when the literal could not be read off the wire as announced: the connection must end. */
export class UnsyncedLiteralError extends Error {}

export async function runStreamingAppend(session: Session, line: Buffer, io: StreamingAppendIo): Promise<CommandResult> {
  const { tag } = commandHead(line);
  const literal = literalAtEnd(line)!;
  const marker = line.lastIndexOf(0x7b);
  // Until the literal is known to be wanted, every refusal of a "{n+}" literal must still read and
  // drop its bytes so the next command starts where the client thinks it does.
  const skipLiteral = async (): Promise<void> => {
    if (literal.sync) return;
    if (literal.size > session.services.maxMessageSize) throw new UnsyncedLiteralError('Literal too large');
    await io.reader.discard(literal.size);
    await io.reader.readLine(io.maxLineBytes);
  };
  let target;
  let folder;
  try {
    const parser = new CommandParser([line.subarray(0, marker)], tag!.length + 1 + 'APPEND'.length);
    target = parseAppendTarget(parser);
    parser.end();
    if (literal.size > session.services.maxMessageSize) throw new ImapNoError('TOOBIG', 'Message too large');
    if (literal.size === 0) throw new ImapNoError('CANNOT', 'Empty message');
    folder = await appendFolder(session, target.mailbox);
  } catch (error) {
    await skipLiteral();
    throw error;
  }

  if (literal.sync) await io.continuation();
  const state = { remaining: literal.size, done: false };
  async function* message(): AsyncGenerator<Buffer> {
    while (state.remaining > 0) {
      const piece = await io.reader.readSome(Math.min(PIECE, state.remaining));
      state.remaining -= piece.length;
      yield piece;
    }
    state.done = true;
    // The CRLF that ends the command must follow at once; anything else means the size lied or
    // more arguments follow (MULTIAPPEND is not offered), and the message must not be stored.
    const rest = await io.reader.readLine(io.maxLineBytes);
    if (rest.length > 0) throw new ImapSyntaxError('Unexpected characters after the message literal');
  }
  try {
    return await storeAppend(session, folder, target, message());
  } catch (error) {
    // The store gave up early (a bad flag, quota, size): skip what is left of the command.
    if (state.remaining > 0) {
      await io.reader.discard(state.remaining);
      state.remaining = 0;
    }
    if (!state.done) await io.reader.readLine(io.maxLineBytes);
    throw error;
  }
}
