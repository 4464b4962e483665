// The outbound queue: `send` stores a message in the queue (durable before it resolves); while the
// runner is started (in `serve`, one per data directory) it hands due messages to the transport in
// batches, removes what was taken and tries failures again later with a growing delay. Messages
// queued by another process (the CLI) are found by a periodic look at the queue.
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { OutboundEnvelope, OutboundMail, OutboundTransport } from './outbound.ts';

export interface OutboundQueueOptions {
  batchSize?: number;
  /** A batch holds no more message bytes than this (but at least one message). */
  batchBytes?: number;
  /** How often the queue is checked for messages queued elsewhere or due for another attempt. */
  pollMs?: number;
  /** Delay before the first retry; doubled per failed attempt up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export class OutboundQueue implements OutboundMail {
  readonly #store: Store;
  readonly #transport: OutboundTransport;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #batchBytes: number;
  readonly #pollMs: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;

  constructor(store: Store, transport: OutboundTransport, logger: Logger, options: OutboundQueueOptions = {}) {
    this.#store = store;
    this.#transport = transport;
    this.#logger = logger;
    this.#batchSize = options.batchSize ?? 100;
    this.#batchBytes = options.batchBytes ?? 16 * 1024 * 1024;
    this.#pollMs = options.pollMs ?? 5000;
    this.#retryDelayMs = options.retryDelayMs ?? 30_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 60 * 60 * 1000;
  }

  async send(envelope: OutboundEnvelope, raw: Buffer): Promise<{ id: string }> {
    const queued = await this.#store.outbound.enqueue({ ...envelope, raw });
    this.wake();
    return { id: String(queued.id) };
  }

  /** Starts handing queued messages to the transport. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.wake(), this.#pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Stops after the batch under way. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  wake(): void {
    if (!this.#timer) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((error: unknown) => this.#logger.error({ err: error }, 'outbound queue run failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Resolves once no queued message is due and no batch is under way (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await this.#running;
      if (!(await this.#store.outbound.due(new Date(), { limit: 1 })).length && !this.#running) return;
      if (!this.#timer) throw new Error('the outbound queue is not running');
      this.wake();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async #drain(): Promise<void> {
    for (;;) {
      const batch = await this.#store.outbound.due(new Date(), { limit: this.#batchSize, maxBytes: this.#batchBytes });
      if (!batch.length) return;
      const results = await this.#transport.deliver(batch).catch((error: unknown) => batch.map(() => (error instanceof Error ? error : new Error(String(error)))));
      const taken: number[] = [];
      for (const [i, mail] of batch.entries()) {
        const error = results[i];
        if (!error) {
          taken.push(mail.id);
          continue;
        }
        const delay = Math.min(this.#retryDelayMs * 2 ** mail.attempts, this.#maxRetryDelayMs);
        this.#logger.warn({ err: error, outboundId: mail.id, kind: mail.kind, attempts: mail.attempts + 1 }, 'outbound delivery failed; trying again later');
        await this.#store.outbound.deferred(mail.id, new Date(Date.now() + delay), error.message);
      }
      await this.#store.outbound.remove(taken);
      if (taken.length) this.#logger.debug({ count: taken.length }, 'outbound mail delivered');
    }
  }
}
