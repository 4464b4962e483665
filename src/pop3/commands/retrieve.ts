// RETR (RFC 1939 §5) and TOP (§7): the stored bytes, dot-stuffed, streamed with backpressure.
import { Readable } from 'node:stream';
import { parseLineCount, parseMessageNumber, Pop3SyntaxError } from '../parser.ts';
import type { Pop3Command } from './command.ts';

export const retr: Pop3Command = {
  name: 'RETR',
  states: ['transaction'],
  async run(session, args) {
    if (args.length !== 1) throw new Pop3SyntaxError('RETR needs a message number');
    const entry = session.message(parseMessageNumber(args[0]));
    if (!entry) return session.err('No such message');
    // Opened before +OK: a message another session expunged meanwhile gets a plain -ERR.
    const body = await session.context.mail.openBody(entry.bodyId);
    await session.ok(`${entry.size} octets`);
    await session.sendMultiline(body);
    session.retrieved.add(entry.uid);
  },
};

export const top: Pop3Command = {
  name: 'TOP',
  states: ['transaction'],
  async run(session, args) {
    if (args.length !== 2) throw new Pop3SyntaxError('TOP needs a message number and a line count');
    const entry = session.message(parseMessageNumber(args[0]));
    const lines = parseLineCount(args[1]);
    if (!entry) return session.err('No such message');
    const { mail } = session.context;
    const { root } = await mail.getStructure(entry.bodyId);
    const header = await mail.readBody(entry.bodyId, { start: 0, end: root.bodyStart });
    const body = await mail.openBody(entry.bodyId, { start: root.bodyStart, end: entry.size });
    await session.ok('Top of message follows');
    await session.sendMultiline(Readable.from(headerAndFirstLines(header, body, lines)));
  },
};

/** The header, the blank line and the first `count` body lines; stops reading the body after them. */
async function* headerAndFirstLines(header: Buffer, body: Readable, count: number): AsyncGenerator<Buffer> {
  yield header;
  let remaining = count;
  if (remaining === 0) return void body.destroy();
  for await (const chunk of body as AsyncIterable<Buffer>) {
    let end = 0;
    while (remaining > 0) {
      const lf = chunk.indexOf(0x0a, end);
      if (lf < 0) {
        end = chunk.length;
        break;
      }
      end = lf + 1;
      remaining--;
    }
    yield chunk.subarray(0, end);
    if (remaining === 0) return;
  }
}
