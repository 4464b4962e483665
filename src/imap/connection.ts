// One client connection: greeting, the command loop, limits and timeouts, and the mapping of every
// failure to one response (STYLE §4). Commands themselves live in commands/ and see only Session.
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { TemporaryError, UserError } from '../errors.ts';
import type { CommandContext, CommandResult, ImapCommand } from './command.ts';
import { isStreamingAppend, runStreamingAppend, UnsyncedLiteralError } from './append-stream.ts';
import { capabilityList } from './capabilities.ts';
import { commandHead, readCommand, type RawCommand } from './command-reader.ts';
import { ConnectionClosedError, ImapNoError, ImapSyntaxError, LiteralAbortedError } from './errors.ts';
import { safeText } from './imap-text.ts';
import { InputReader, LineTooLongError } from './input-reader.ts';
import { CommandParser } from './parser/command-parser.ts';
import { SequenceNumberError } from './parser/sequence-set.ts';
import { ResponseWriter } from './response-writer.ts';
import { Session, type SessionServices } from './session.ts';

export interface ConnectionLimits {
  maxLineBytes: number;
  idleTimeoutMs: number;
  authTimeoutMs: number;
}

// Before login nobody needs more than a user name and a key (RFC 9051 §2.2.2 lets servers refuse
// big literals from unauthenticated clients); after login only APPEND carries a message.
const PREAUTH_LITERAL = 8 * 1024;
const COMMAND_LITERAL = 64 * 1024;
const COMMAND_BUDGET = 512 * 1024;
const MAX_LITERALS = 64;

export class ImapConnection {
  readonly session: Session;
  private readonly socket: Duplex;
  private readonly reader: InputReader;
  private readonly registry: ReadonlyMap<string, ImapCommand<unknown>>;
  private readonly limits: ConnectionLimits;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout;
  private timerAuthenticated = false;
  private waitingForInput = false;
  private pendingBye: string | null = null;
  private closing = false;

  constructor(
    socket: Duplex,
    info: { remoteAddress: string; secure: boolean },
    services: SessionServices,
    registry: ReadonlyMap<string, ImapCommand<unknown>>,
    limits: ConnectionLimits,
    logger: Logger,
  ) {
    this.socket = socket;
    this.registry = registry;
    this.limits = limits;
    this.logger = logger;
    this.reader = new InputReader(socket);
    const out = new ResponseWriter(socket);
    this.session = new Session(
      services,
      out,
      {
        readLine: (maxBytes) => this.readLine(maxBytes),
        bye: (text) => this.bye(text),
        remoteAddress: info.remoteAddress,
        secure: info.secure,
      },
      logger,
    );
    socket.on('error', (error) => logger.debug({ err: error }, 'imap socket error'));
    socket.on('data', () => this.timer.refresh());
    this.timer = setTimeout(() => this.onTimeout(), limits.authTimeoutMs);
    this.timer.unref();
  }

  async run(): Promise<void> {
    const out = this.session.out;
    try {
      // RFC 3501 §7.1.1: greeting, with capabilities so clients save a round trip.
      await out.line(`* OK [CAPABILITY ${capabilityList(this.session)}] ${this.session.services.hostname} Zorgpost IMAP ready`);
      await out.flush();
      while (this.session.state !== 'logout' && !this.closing) {
        this.waitingForInput = true;
        const line = await this.reader.readLine(this.limits.maxLineBytes);
        if (isStreamingAppend(line, this.session)) {
          await this.executeStreamingAppend(line);
          this.waitingForInput = false;
          await out.flush();
          if (this.pendingBye !== null) await this.closeWithBye(this.pendingBye);
          continue;
        }
        const raw = await readCommand(this.reader, this.commandLimits(), () => this.continuation(), line);
        this.waitingForInput = false;
        if (raw.kind === 'rejected') {
          await out.line(`${raw.tag ?? '*'} ${raw.status} ${raw.text}`);
          if (raw.close) {
            await this.closeWithBye('Protocol error, closing connection');
            break;
          }
        } else {
          await this.execute(raw);
        }
        await out.flush();
        if (this.pendingBye !== null) await this.closeWithBye(this.pendingBye);
        this.updateTimer();
      }
    } catch (error) {
      if (error instanceof LineTooLongError) {
        await this.closeWithBye('Line too long').catch(() => undefined);
      } else if (error instanceof LiteralAbortedError) {
        this.logger.error({ err: error }, 'imap literal aborted, connection closed');
      } else if (!(error instanceof ConnectionClosedError) && !out.isClosed) {
        this.logger.error({ err: error }, 'imap connection failed');
      }
    } finally {
      this.finish();
    }
  }

  /** RFC 3501 §7.5: the continuation request for a synchronising literal. */
  private async continuation(): Promise<void> {
    await this.session.out.line('+ Ready for literal data');
    await this.session.out.flush();
  }

  /** APPEND with its message streamed into the store; the connection counts as waiting for the
   * client throughout, so the inactivity timeout covers a client that stalls mid-literal. */
  private async executeStreamingAppend(line: Buffer): Promise<void> {
    const { tag } = commandHead(line);
    await this.answer(tag!, 'APPEND', { expungeUpdates: true }, () =>
      runStreamingAppend(this.session, line, { reader: this.reader, maxLineBytes: this.limits.maxLineBytes, continuation: () => this.continuation() }),
    );
  }

  /** Server shutdown: BYE now when waiting for the client, else right after the running command. */
  shutdown(text: string): Promise<void> {
    return this.bye(text);
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Switches from the short pre-login timeout to the long one once logged in. */
  private updateTimer(): void {
    const authenticated = this.session.state === 'authenticated' || this.session.state === 'selected';
    if (authenticated === this.timerAuthenticated) return;
    this.timerAuthenticated = authenticated;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimeout(), authenticated ? this.limits.idleTimeoutMs : this.limits.authTimeoutMs);
    this.timer.unref();
  }

  /** Ends the connection with an untagged BYE (RFC 3501 §7.1.5). While a command is running and
   * not waiting for the client, the BYE waits for the command to finish so no response is cut. */
  async bye(text: string): Promise<void> {
    if (this.closing) return;
    if (!this.waitingForInput) {
      this.pendingBye ??= text;
      return;
    }
    await this.closeWithBye(text);
  }

  private async closeWithBye(text: string): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.session.state = 'logout';
    try {
      await this.session.out.line(`* BYE ${text}`);
      await this.session.out.flush();
    } catch {
      // the client is gone already
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private finish(): void {
    clearTimeout(this.timer);
    this.session.dispose();
    this.session.state = 'logout';
    if (!this.socket.destroyed) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }
  }

  private commandLimits() {
    const authenticated = this.session.state !== 'not-authenticated';
    const maxMessage = this.session.services.maxMessageSize;
    return {
      maxLineBytes: this.limits.maxLineBytes,
      maxLiterals: MAX_LITERALS,
      maxLiteralBytes: (name: string) => (!authenticated ? PREAUTH_LITERAL : name === 'APPEND' ? maxMessage : COMMAND_LITERAL),
      maxCommandBytes: (name: string) => (!authenticated ? PREAUTH_LITERAL * 2 : name === 'APPEND' ? maxMessage + COMMAND_BUDGET : COMMAND_BUDGET),
    };
  }

  private async readLine(maxBytes: number): Promise<Buffer> {
    await this.session.out.flush();
    this.waitingForInput = true;
    try {
      if (this.pendingBye !== null) {
        await this.closeWithBye(this.pendingBye);
        throw new ConnectionClosedError();
      }
      return await this.reader.readLine(maxBytes);
    } finally {
      this.waitingForInput = false;
    }
  }

  private onTimeout(): void {
    const authenticated = this.session.state === 'authenticated' || this.session.state === 'selected';
    if (!this.waitingForInput) {
      this.timer.refresh();
      return;
    }
    // RFC 3501 §5.4: an inactivity autologout timer of at least 30 minutes once logged in.
    this.logger.debug({ authenticated }, 'imap connection timed out');
    void this.bye(authenticated ? 'Autologout; idle for too long' : 'Timeout waiting for login');
  }

  private async execute(raw: RawCommand): Promise<void> {
    const { session } = this;
    const out = session.out;
    if (raw.tag === '') {
      await out.line('* BAD Missing or invalid tag');
      return;
    }
    const command = this.registry.get(raw.name);
    if (!command) {
      await out.line(`${raw.tag} BAD Unknown command`);
      return;
    }
    if (!command.states.includes(session.state)) {
      const why =
        session.state === 'not-authenticated'
          ? 'Log in first'
          : command.states.includes('not-authenticated')
            ? 'Already logged in'
            : session.state === 'authenticated'
              ? 'No mailbox selected'
              : 'Command not allowed in this state';
      await out.line(`${raw.tag} BAD ${why}`);
      return;
    }
    // The raw name keeps the client's spacing ("UID FETCH" is two words of the first line).
    const ctx: CommandContext = { tag: raw.tag, name: raw.name, uid: raw.name.startsWith('UID ') };
    const startAt = raw.tag.length + 1 + raw.name.length;
    await this.answer(raw.tag, command.name, command, () => {
      const parser = new CommandParser(raw.parts, startAt);
      const args = command.parse(parser, ctx);
      parser.end();
      return command.run(session, args, ctx);
    });
  }

  /** Runs one command, announces changes (RFC 3501 §7.4.1) and sends the tagged response. */
  private async answer(
    tag: string,
    name: string,
    options: { expungeUpdates?: boolean; skipAnnounce?: boolean },
    work: () => Promise<CommandResult | void>,
  ): Promise<void> {
    const { session } = this;
    const out = session.out;
    const started = performance.now();
    let status = 'OK';
    try {
      const result = (await work()) ?? {};
      if (!options.skipAnnounce && session.selected) await session.announce({ expunge: options.expungeUpdates ?? true });
      const code = result.code ? `[${result.code}] ` : '';
      await out.line(`${tag} OK ${code}${result.text ?? `${name} completed`}`);
    } catch (error) {
      if (error instanceof UnsyncedLiteralError) {
        // RFC 7888 §4: a non-synchronising literal that cannot be accepted leaves no way to find
        // the next command.
        await out.line(`${tag} BAD [TOOBIG] Literal too large`);
        await this.closeWithBye('Protocol error, closing connection');
        throw new ConnectionClosedError();
      }
      status = await this.reportFailure(tag, name, error);
    } finally {
      this.logger.debug({ command: name, status, ms: Math.round(performance.now() - started) }, 'imap command');
    }
  }

  /** Maps one command failure to its tagged response (STYLE §4); returns the status sent. */
  private async reportFailure(tag: string, name: string, error: unknown): Promise<string> {
    const out = this.session.out;
    if (error instanceof ConnectionClosedError || out.isClosed) throw error instanceof Error ? error : new ConnectionClosedError();
    let line: string;
    if (error instanceof ImapSyntaxError || error instanceof SequenceNumberError) {
      line = `BAD ${error instanceof ImapSyntaxError && error.code ? `[${error.code}] ` : ''}${safeText(error.message)}`;
    } else if (error instanceof ImapNoError) {
      line = `NO ${error.code ? `[${error.code}] ` : ''}${safeText(error.message)}`;
    } else if (error instanceof UserError) {
      // RFC 5530 response codes; BADINPUT has no IMAP counterpart.
      const code = error.code === 'BADINPUT' ? 'CANNOT' : error.code;
      line = `NO [${code}] ${safeText(error.message)}`;
    } else if (error instanceof TemporaryError) {
      this.logger.warn({ err: error, command: name }, 'imap command failed temporarily');
      line = `NO [UNAVAILABLE] ${safeText(error.message)}`;
    } else {
      this.logger.error({ err: error, command: name }, 'imap command failed');
      line = 'NO [SERVERBUG] Internal error';
    }
    await out.line(`${tag} ${line}`);
    return line.slice(0, line.indexOf(' '));
  }
}
