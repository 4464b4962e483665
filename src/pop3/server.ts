// POP3 over implicit TLS (SPEC R8, RFC 1939 + RFC 2449 CAPA + RFC 5034 SASL). Reads command lines,
// runs them one at a time in order (pipelined clients included) and maps errors once.
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Authenticator } from '../identity/types.ts';
import type { MailService } from '../mail/types.ts';
import { TemporaryError, UserError } from '../errors.ts';
import { parseCommand, Pop3SyntaxError } from './parser.ts';
import { Pop3Session, type Pop3Context } from './session.ts';
import { POP3_COMMANDS } from './commands/index.ts';

/** Longest line accepted: RFC 2449 allows 255 octets for commands; SASL responses get more room. */
const MAX_LINE = 2048;
// RFC 1939 §3: an inactivity autologout timer of at least 10 minutes.
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

export interface Pop3ServiceOptions {
  mail: MailService;
  auth: Authenticator;
  logger: Logger;
  hostname: string;
}

export function createPop3Service(options: Pop3ServiceOptions) {
  const context: Pop3Context = { ...options, locks: new Set() };
  const sessions = new Set<{ session: Pop3Session; socket: Duplex }>();

  const unsubscribe = options.mail.onChange((event) => {
    // SPEC R3: a replaced Hosted Mail Key closes the sessions that logged in with the old one.
    if (event.type !== 'credentials') return;
    for (const { session, socket } of sessions) {
      if (session.mailbox?.id === event.mailboxId && session.keyId !== event.keyId) {
        void session.err('[AUTH] Your Hosted Mail Key was replaced').finally(() => socket.destroy());
      }
    }
  });

  return {
    handleConnection(socket: Duplex, info: { remoteAddress: string; secure: boolean }): void {
      const session = new Pop3Session(socket, context, info.remoteAddress);
      const entry = { session, socket };
      sessions.add(entry);
      // No Nagle: a status line and its multi-line body are separate writes, and with delayed ACKs
      // every RETR/LIST/UIDL/TOP reply would otherwise wait ~40 ms for the second one.
      if (socket instanceof Socket) socket.setTimeout(IDLE_TIMEOUT_MS).setNoDelay(true);
      socket.on('timeout', () => void session.err('Autologout: idle for too long').finally(() => socket.destroy()));
      socket.on('error', (error) => options.logger.debug({ err: error }, 'pop3 socket error'));
      socket.on('close', () => {
        session.releaseLock();
        sessions.delete(entry);
      });
      void session.ok(`Zorgpost POP3 ready on ${options.hostname}`);
      void readCommands(socket, session, options.logger);
    },
    async close(): Promise<void> {
      unsubscribe();
      for (const { session, socket } of sessions) {
        await session.err('Server shutting down').catch(() => {});
        socket.destroy();
      }
    },
  };
}

async function readCommands(socket: Duplex, session: Pop3Session, logger: Logger): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let lf: number;
      while ((lf = pending.indexOf(0x0a)) >= 0) {
        const line = pending.subarray(0, lf > 0 && pending[lf - 1] === 0x0d ? lf - 1 : lf).toString('utf8');
        pending = pending.subarray(lf + 1);
        if (line.length > MAX_LINE) await session.err('Line too long');
        else await runLine(session, line, logger);
        if (session.state === 'update' || socket.destroyed || socket.writableEnded) return;
      }
      if (pending.length > MAX_LINE) {
        await session.err('Line too long');
        socket.destroy();
        return;
      }
    }
  } catch (error) {
    logger.debug({ err: error }, 'pop3 connection ended');
    socket.destroy();
  }
}

async function runLine(session: Pop3Session, line: string, logger: Logger): Promise<void> {
  try {
    const continuation = session.saslContinuation;
    if (continuation) {
      session.saslContinuation = null;
      return await continuation(line.trim());
    }
    const { name, args } = parseCommand(line);
    const command = POP3_COMMANDS.get(name);
    if (!command) return await session.err(`Unknown command ${name}`);
    if (!command.states.includes(session.state)) {
      return await session.err(session.state === 'authorization' ? 'Log in first' : `${name} is not allowed now`);
    }
    await command.run(session, args);
  } catch (error) {
    if (error instanceof Pop3SyntaxError) return session.err(error.message);
    if (error instanceof UserError) return session.err(error.message);
    if (error instanceof TemporaryError) return session.err(`[SYS/TEMP] ${error.message}`);
    logger.error({ err: error }, 'pop3 command failed');
    await session.err('[SYS/TEMP] Internal error');
  }
}
