// The read-only LDAP address book over implicit TLS (SPEC R9, RFC 4511). Reads whole LDAPMessages off
// the socket, runs binds in order and searches side by side (so abandon can reach a running one), and
// maps failures once: a request that cannot be decoded gets protocolError, or a notice of
// disconnection when the stream itself is broken (RFC 4511 §4.1.1, §4.4.1).
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Authenticator } from '../identity/types.ts';
import type { DirectoryService } from '../directory/directory-service.ts';
import type { ChangeEvent } from '../mail/types.ts';
import { TemporaryError } from '../errors.ts';
import { BerError } from './ber/reader.ts';
import { FrameError, frameLength } from './protocol/framing.ts';
import { decodeMessage, encodeNoticeOfDisconnection, encodeResult } from './protocol/messages.ts';
import { LdapProtocolError, OID, Op, ResultCode, type LdapMessage } from './protocol/types.ts';
import { LdapConnection } from './connection.ts';
import type { LdapContext } from './operations/context.ts';
import { bind } from './operations/bind.ts';
import { search } from './operations/search.ts';
import { extended, readOnly } from './operations/extended.ts';

/** The controls each operation understands; any other control marked critical fails it. */
const SUPPORTED_CONTROLS: Partial<Record<LdapMessage['request']['kind'], ReadonlySet<string>>> = {
  search: new Set([OID.pagedResults]),
};
/** Operations one connection may have running at once; more get `busy`. */
const MAX_IN_FLIGHT = 8;
// RFC 4511 §4.4.1: strongerAuthRequired tells the client its security association is gone.
const STRONGER_AUTH_REQUIRED = 8;

export interface LdapServiceOptions {
  directory: DirectoryService;
  auth: Authenticator;
  logger: Logger;
  limits: { maxSizeLimit: number; maxTimeLimitSeconds: number; maxMessageBytes: number; idleTimeoutSeconds: number };
  onChange(listener: (event: ChangeEvent) => void): () => void;
}

export function createLdapService(options: LdapServiceOptions) {
  const { logger, limits } = options;
  const context: LdapContext = {
    directory: options.directory,
    auth: options.auth,
    logger,
    limits,
    cookieSecret: randomBytes(32),
  };
  const connections = new Set<LdapConnection>();

  const unsubscribe = options.onChange((event) => {
    // SPEC R3: a replaced Hosted Mail Key ends the sessions bound with the old one.
    if (event.type !== 'credentials') return;
    for (const connection of connections) {
      if (connection.mailbox?.id === event.mailboxId && connection.keyId !== event.keyId) {
        void connection.send(encodeNoticeOfDisconnection(STRONGER_AUTH_REQUIRED, 'Your Hosted Mail Key was replaced')).finally(() => connection.close());
      }
    }
  });

  return {
    handleConnection(socket: Duplex, info: { remoteAddress: string }): void {
      const connection = new LdapConnection(socket, info.remoteAddress);
      connections.add(connection);
      if (socket instanceof Socket) socket.setNoDelay(true).setTimeout(limits.idleTimeoutSeconds * 1000);
      socket.on('timeout', () => {
        void connection.send(encodeNoticeOfDisconnection(ResultCode.unavailable, 'Idle for too long')).finally(() => connection.close());
      });
      socket.on('error', (error) => logger.debug({ err: error }, 'ldap socket error'));
      socket.on('close', () => {
        connection.closed = true;
        for (const controller of connection.running.values()) controller.abort();
        connections.delete(connection);
      });
      void readMessages(context, connection, limits.maxMessageBytes);
    },
    async close(): Promise<void> {
      unsubscribe();
      for (const connection of connections) {
        await connection.send(encodeNoticeOfDisconnection(ResultCode.unavailable, 'Server shutting down')).catch(() => {});
        connection.close();
        connection.socket.destroy();
      }
    },
  };
}

async function readMessages(context: LdapContext, connection: LdapConnection, maxBytes: number): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let inFlight = 0;
  try {
    // Leaving this loop early would destroy the socket before a last notice of disconnection is
    // flushed; a closed connection instead ignores what still arrives until the socket ends.
    for await (const chunk of connection.socket as AsyncIterable<Buffer>) {
      if (connection.closed) continue;
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (!connection.closed) {
        const length = nextFrame(context, connection, pending, maxBytes);
        if (length === null) break;
        const frame = pending.subarray(0, length);
        pending = pending.subarray(length);
        let message: LdapMessage;
        try {
          message = decodeMessage(frame);
        } catch (error) {
          await answerUndecodable(context, connection, error);
          continue;
        }
        const { request } = message;
        if (request.kind === 'unbind') {
          connection.close();
        } else if (request.kind === 'abandon') {
          connection.running.get(request.messageId)?.abort();
        } else if (request.kind === 'bind') {
          await run(context, connection, message);
        } else if (inFlight >= MAX_IN_FLIGHT) {
          await connection.send(encodeResult(message.messageId, responseTag(message), { resultCode: ResultCode.busy, diagnosticMessage: 'Too many operations at once' }));
        } else {
          inFlight++;
          void run(context, connection, message).finally(() => inFlight--);
        }
      }
    }
  } catch (error) {
    context.logger.debug({ err: error }, 'ldap connection ended');
    connection.socket.destroy();
  }
}

/** The length of the next whole message, null while it is incomplete; a broken stream is answered
 * with a notice of disconnection and the connection closed. */
function nextFrame(context: LdapContext, connection: LdapConnection, pending: Buffer, maxBytes: number): number | null {
  try {
    return frameLength(pending, maxBytes);
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    context.logger.debug({ err: error, remoteAddress: connection.remoteAddress }, 'ldap framing error');
    const text = error.reason === 'message-too-large' ? `Request larger than ${maxBytes} bytes` : 'Malformed LDAP message';
    void connection.send(encodeNoticeOfDisconnection(ResultCode.protocolError, text)).finally(() => connection.close());
    return null;
  }
}

/** A frame that does not decode: answer that request when we know which it was, else disconnect. */
async function answerUndecodable(context: LdapContext, connection: LdapConnection, error: unknown): Promise<void> {
  if (!(error instanceof LdapProtocolError) && !(error instanceof BerError)) throw error;
  context.logger.debug({ err: error, remoteAddress: connection.remoteAddress }, 'undecodable ldap request');
  // RFC 4511 §4.1.1: broken encoding structures or lengths end the session; a well-formed request
  // with a value we refuse (a scope out of range, a filter over our limits) gets protocolError.
  const brokenEncoding = error instanceof BerError || (error as LdapProtocolError).cause instanceof BerError;
  if (!brokenEncoding && error instanceof LdapProtocolError && error.messageId !== null && error.responseTag !== null) {
    await connection.send(encodeResult(error.messageId, error.responseTag, { resultCode: ResultCode.protocolError, diagnosticMessage: error.message }));
    return;
  }
  await connection.send(encodeNoticeOfDisconnection(ResultCode.protocolError, error.message)).catch(() => {});
  connection.close();
}

async function run(context: LdapContext, connection: LdapConnection, message: LdapMessage): Promise<void> {
  try {
    const { request } = message;
    // RFC 4511 §4.1.11: an operation carrying a critical control the server does not support for it
    // is not performed (for any operation, not just search), and is answered unavailableCriticalExtension.
    const unsupported = message.controls.find((control) => control.critical && !SUPPORTED_CONTROLS[request.kind]?.has(control.type));
    if (unsupported) {
      // RFC 4511 §4.2.1: a failed bind leaves the connection anonymous.
      if (request.kind === 'bind') connection.unbind();
      return await connection.send(
        encodeResult(message.messageId, responseTag(message), {
          resultCode: ResultCode.unavailableCriticalExtension,
          diagnosticMessage: `Control ${unsupported.type} is not supported`,
        }),
      );
    }
    switch (request.kind) {
      case 'bind':
        return await bind(context, connection, { ...message, request });
      case 'search':
        return await search(context, connection, { ...message, request });
      case 'extended':
        return await extended(context, connection, { ...message, request });
      case 'unsupported':
        return await readOnly(context, connection, { ...message, request });
      default:
        return;
    }
  } catch (error) {
    const temporary = error instanceof TemporaryError;
    if (!temporary) context.logger.error({ err: error }, 'ldap operation failed');
    await connection.send(
      encodeResult(message.messageId, responseTag(message), {
        resultCode: temporary ? ResultCode.unavailable : ResultCode.other,
        diagnosticMessage: temporary ? error.message : 'Internal error',
      }),
    );
  }
}

function responseTag(message: LdapMessage): number {
  switch (message.request.kind) {
    case 'bind':
      return Op.bindResponse;
    case 'search':
      return Op.searchResultDone;
    case 'extended':
      return Op.extendedResponse;
    case 'unsupported':
      return message.request.responseTag;
    default:
      return Op.extendedResponse;
  }
}
