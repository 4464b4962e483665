// RFC 3501 §6.2.2 AUTHENTICATE with the PLAIN mechanism (RFC 4616), including the initial response
// on the command line (SASL-IR, RFC 4959).
import { NOT_AUTHENTICATED, type ImapCommand } from '../command.ts';
import { ImapNoError, ImapSyntaxError } from '../errors.ts';
import { logIn } from '../login.ts';
import type { CommandParser } from '../parser/command-parser.ts';

export interface AuthenticateArgs {
  mechanism: string;
  /** Base64 initial response; "" for "=" (an empty response, RFC 4959 §3); null when absent. */
  initialResponse: string | null;
}

const MAX_RESPONSE = 8 * 1024;

export function parseAuthenticate(p: CommandParser): AuthenticateArgs {
  p.sp();
  const mechanism = p.atom().toUpperCase();
  let initialResponse: string | null = null;
  if (p.trySp()) {
    const text = p.takeWhile((c) => c !== 0x20);
    initialResponse = text === '=' ? '' : text;
    if (initialResponse !== '' && !isBase64(initialResponse)) p.fail('Invalid base64 initial response');
  }
  return { mechanism, initialResponse };
}

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/** RFC 4616 §2: message = [authzid] NUL authcid NUL passwd. */
export function decodePlain(base64: string): { authzid: string; authcid: string; password: string } | null {
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3 || parts[1] === '' || parts[2] === '') return null;
  return { authzid: parts[0]!, authcid: parts[1]!, password: parts[2]! };
}

export const authenticateCommand: ImapCommand<AuthenticateArgs> = {
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  parse: parseAuthenticate,
  async run(session, args) {
    if (args.mechanism !== 'PLAIN') throw new ImapNoError('CANNOT', 'Unsupported authentication mechanism');
    let response = args.initialResponse;
    if (response === null) {
      // RFC 3501 §7.5: an empty challenge, then the client's base64 line.
      await session.out.line('+ ');
      const line = (await session.io.readLine(MAX_RESPONSE)).toString('latin1');
      // RFC 3501 §6.2.2: "*" cancels, and the server answers BAD.
      if (line === '*') throw new ImapSyntaxError('Authentication cancelled');
      if (!isBase64(line)) throw new ImapSyntaxError('Invalid base64 response');
      response = line;
    }
    const plain = decodePlain(response);
    if (!plain) throw new ImapSyntaxError('Invalid PLAIN response');
    return logIn(session, plain.authcid, plain.password, plain.authzid);
  },
};
