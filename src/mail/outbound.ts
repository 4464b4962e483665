// Mail leaving the platform. Every message is first queued in the store, durably, before the step
// that caused it is acknowledged; the queue runner (outbound-queue.ts) then hands it to a transport:
// in development the outbox of .eml files (mail-outbox.ts).
import type { OutboundKind, QueuedMail } from '../store/store.ts';

export type { OutboundKind } from '../store/store.ts';

export interface OutboundEnvelope {
  mailFrom: string;
  recipients: string[];
  kind: OutboundKind;
}

export interface OutboundMail {
  /** Resolves once the message is durably queued; the id names it in logs and the audit log. */
  send(envelope: OutboundEnvelope, raw: Buffer): Promise<{ id: string }>;
  /** Messages were queued through the store directly, in the transaction of what caused them. */
  wake(): void;
}

export interface OutboundTransport {
  /** Takes each message on; one result per message, null when it was taken, else why not. A
   * message reported taken must be durable on the other side. */
  deliver(batch: readonly QueuedMail[]): Promise<Array<Error | null>>;
}
