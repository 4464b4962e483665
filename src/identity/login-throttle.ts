// Throttling of failed logins (SPEC R24), per account and per source address, over a sliding
// window. While a limit is reached every attempt is refused, even with the right key, so guessing
// gains nothing from speed.
export interface ThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

export class LoginThrottle {
  readonly #limits: ThrottleLimits;
  readonly #failures = new Map<string, number[]>();

  constructor(limits: ThrottleLimits) {
    this.#limits = limits;
  }

  /** Seconds until the next attempt is allowed, or 0. */
  retryAfter(account: string, address: string): number {
    const now = Date.now();
    return Math.max(
      this.#wait(`a:${account}`, this.#limits.maxFailuresPerAccount, now),
      this.#wait(`ip:${address}`, this.#limits.maxFailuresPerAddress, now),
    );
  }

  recordFailure(account: string, address: string): void {
    const now = Date.now();
    for (const key of [`a:${account}`, `ip:${address}`]) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
    if (this.#failures.size > 100_000) this.#sweep(now);
  }

  recordSuccess(account: string): void {
    this.#failures.delete(`a:${account}`);
  }

  #recent(key: string, now: number): number[] {
    const windowStart = now - this.#limits.windowSeconds * 1000;
    return (this.#failures.get(key) ?? []).filter((t) => t > windowStart);
  }

  #wait(key: string, max: number, now: number): number {
    const list = this.#recent(key, now);
    if (list.length < max) return 0;
    // Allowed again once enough failures have aged out of the window.
    const oldestThatMustExpire = list[list.length - max]!;
    return Math.max(1, Math.ceil((oldestThatMustExpire + this.#limits.windowSeconds * 1000 - now) / 1000));
  }

  #sweep(now: number): void {
    for (const key of this.#failures.keys()) {
      if (this.#recent(key, now).length === 0) this.#failures.delete(key);
    }
  }
}
