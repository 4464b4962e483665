// Limits on open connections per listener (SPEC R24): a total cap, and a cap per source address so
// one client that opens sockets and never speaks cannot lock everyone else out.
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { normaliseAddress } from '../identity/authenticator.ts';

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

/** For tls.Server and https.Server listeners. Not for smtp-server: destroying the raw socket under
 * the TLSSocket it builds itself crashes Node 20 (SIGSEGV); submission-server.ts counts in onConnect. */
export function limitConnections(server: Server, limits: ConnectionLimits, logger: Logger): void {
  // net.Server closes connections beyond maxConnections as soon as they are accepted.
  server.maxConnections = limits.maxConnections;
  const counter = new AddressCounter(limits.maxConnectionsPerAddress, logger);
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    if (!counter.acquire(address)) return void socket.destroy();
    socket.once('close', () => counter.release(address));
  });
}

/** Open connections per source address, refusing beyond the limit. */
export class AddressCounter {
  readonly #limit: number;
  readonly #logger: Logger;
  readonly #open = new Map<string, number>();
  #warned = 0;

  constructor(limit: number, logger: Logger) {
    this.#limit = limit;
    this.#logger = logger;
  }

  acquire(rawAddress: string): boolean {
    const address = normaliseAddress(rawAddress);
    const count = (this.#open.get(address) ?? 0) + 1;
    if (count > this.#limit) {
      // Logged at most once a minute: a flood must not also flood the log.
      if (Date.now() - this.#warned > 60_000) {
        this.#warned = Date.now();
        this.#logger.warn({ remoteAddress: address, limit: this.#limit }, 'connection limit per address reached');
      }
      return false;
    }
    this.#open.set(address, count);
    return true;
  }

  release(rawAddress: string): void {
    const address = normaliseAddress(rawAddress);
    const left = (this.#open.get(address) ?? 1) - 1;
    if (left <= 0) this.#open.delete(address);
    else this.#open.set(address, left);
  }
}
