// Reads one complete command off the wire: its first line plus any literals and continuation lines
// (RFC 3501 §2.2, §4.3; RFC 7888 for "{n+}"). Limits are enforced before any literal byte is
// buffered, so an oversized or lying literal never costs more than the configured maximum.
import type { InputReader } from './input-reader.ts';

export interface CommandLimits {
  maxLineBytes: number;
  /** Largest literal accepted for this command, known from the command's first line. */
  maxLiteralBytes(commandName: string): number;
  /** Bound on the whole command, lines and literals together (APPEND's allows for its message). */
  maxCommandBytes(commandName: string): number;
  maxLiterals: number;
}

/** A command as received: `parts` alternates line, literal, line, … and always ends with a line.
 * The line ending before each literal still carries its "{n}" marker. */
export interface RawCommand {
  kind: 'command';
  tag: string;
  /** Upper-case command name; "UID FETCH" style for UID commands. */
  name: string;
  parts: Buffer[];
}

/** The command cannot be completed: answer with `response` (tagged with `tag` when it is known);
 * when `close` is set the byte stream can no longer be trusted and the connection must end. */
export interface RejectedCommand {
  kind: 'rejected';
  tag: string | null;
  status: 'NO' | 'BAD';
  text: string;
  close: boolean;
}

// RFC 3501 §9 literal = "{" number "}" CRLF; RFC 7888 §3 adds the "+" form.
const LITERAL_AT_END = /\{(\d{1,20})(\+?)\}$/;

export function literalAtEnd(line: Buffer): { size: number; sync: boolean } | null {
  // Only the tail can hold the marker; avoid decoding long lines.
  const tail = line.subarray(Math.max(0, line.length - 24)).toString('latin1');
  const match = LITERAL_AT_END.exec(tail);
  if (!match) return null;
  return { size: Number(match[1]), sync: match[2] !== '+' };
}

/** The tag and command name from a command's first line, as far as they can be read. */
export function commandHead(line: Buffer): { tag: string | null; name: string } {
  const text = line.subarray(0, 200).toString('latin1');
  const words = text.split(' ');
  const tag = words[0] && isValidTag(words[0]) ? words[0] : null;
  let name = (words[1] ?? '').toUpperCase();
  if (name === 'UID' && words[2] !== undefined) name = `UID ${words[2].toUpperCase()}`;
  return { tag, name };
}

// RFC 3501 §9: tag = 1*<any ASTRING-CHAR except "+">.
export function isValidTag(tag: string): boolean {
  return /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c\x7e]+$/.test(tag) && tag.length <= 64;
}

export async function readCommand(
  reader: InputReader,
  limits: CommandLimits,
  sendContinuation: () => Promise<void>,
  firstLine?: Buffer,
): Promise<RawCommand | RejectedCommand> {
  let line = firstLine ?? (await reader.readLine(limits.maxLineBytes));
  const { tag, name } = commandHead(line);
  const parts: Buffer[] = [line];
  let total = line.length;
  let literals = 0;
  for (;;) {
    const literal = literalAtEnd(line);
    if (!literal) break;
    literals++;
    const tooMany = literals > limits.maxLiterals;
    const tooBig = literal.size > limits.maxLiteralBytes(name) || total + literal.size > limits.maxCommandBytes(name);
    if (tooMany || tooBig || tag === null) {
      const text = tag === null ? 'Missing or invalid tag' : tooMany ? 'Too many literals' : 'Literal too large';
      // RFC 3501 §7.5: instead of the continuation request the server may answer a synchronising
      // literal with the tagged result, and the client then does not send the data. A
      // non-synchronising literal is already on its way (RFC 7888 §4): its bytes cannot be told
      // apart from commands, so the only safe answer is to close the connection.
      if (literal.sync && tag !== null) {
        return { kind: 'rejected', tag, status: tooBig && !tooMany ? 'NO' : 'BAD', text: tooBig && !tooMany ? `[TOOBIG] ${text}` : text, close: false };
      }
      return { kind: 'rejected', tag, status: 'BAD', text: tooBig ? `[TOOBIG] ${text}` : text, close: true };
    }
    if (literal.sync) await sendContinuation();
    const data = await reader.readBytes(literal.size);
    line = await reader.readLine(limits.maxLineBytes);
    total += literal.size + line.length;
    parts.push(data, line);
    if (total > limits.maxCommandBytes(name)) {
      // The line after the literal may announce another literal that is already on its way.
      return { kind: 'rejected', tag, status: 'BAD', text: 'Command too long', close: literalAtEnd(line) !== null };
    }
  }
  return { kind: 'command', tag: tag ?? '', name, parts };
}
