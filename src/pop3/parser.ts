// POP3 command lines (RFC 1939 §3): a case-insensitive keyword of 3–4 characters, then arguments
// separated by single spaces. Pure and fuzzable.

export class Pop3SyntaxError extends Error {}

export interface Pop3Command {
  name: string;
  args: string[];
}

/** RFC 2449 §4: a command line is at most 255 octets including CRLF; SASL responses may be longer. */
export const MAX_COMMAND_LINE = 255;
const MAX_ARGUMENT = 40;

export function parseCommand(line: string): Pop3Command {
  if (line.length === 0) throw new Pop3SyntaxError('Empty command');
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(line)) throw new Pop3SyntaxError('Control characters are not allowed');
  const [keyword, ...args] = line.split(' ');
  if (!keyword || !/^[A-Za-z]{3,4}$/.test(keyword)) throw new Pop3SyntaxError('Unknown command');
  // RFC 1939 §7: the PASS argument is the rest of the line, spaces included.
  if (keyword.toUpperCase() === 'PASS') return { name: 'PASS', args: [line.slice(5)] };
  // RFC 1939 §3: arguments may be up to 40 characters long — except an AUTH initial response, which
  // only has to fit the 255-octet command line (RFC 5034 §4, RFC 2449 §4).
  const isInitialResponse = (index: number) => index === 1 && keyword.toUpperCase() === 'AUTH';
  if (args.some((arg, i) => arg.length === 0 || (arg.length > MAX_ARGUMENT && !isInitialResponse(i)))) throw new Pop3SyntaxError('Invalid arguments');
  return { name: keyword.toUpperCase(), args };
}

/** A message-number argument (RFC 1939 §5): a positive decimal integer. */
export function parseMessageNumber(arg: string | undefined): number {
  if (arg === undefined || !/^[1-9]\d{0,8}$/.test(arg)) throw new Pop3SyntaxError('Invalid message number');
  return Number(arg);
}

export function parseLineCount(arg: string | undefined): number {
  if (arg === undefined || !/^\d{1,9}$/.test(arg)) throw new Pop3SyntaxError('Invalid line count');
  return Number(arg);
}
