// The audit service (SPEC R22). Every security event goes through here. A failure to write the log
// is reported loudly but does not turn a user's successful action into an error.
import type { Logger } from 'pino';
import type { AuditEntry, AuditRecord, Store } from '../store/store.ts';

export class AuditLog {
  readonly #store: Store;
  readonly #logger: Logger;

  constructor(store: Store, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.#store.audit.append(entry);
    } catch (error) {
      this.#logger.error({ err: error, audit: entry }, 'audit log write failed');
    }
  }

  list(filter: Parameters<Store['audit']['list']>[0]): Promise<AuditRecord[]> {
    return this.#store.audit.list(filter);
  }
}
