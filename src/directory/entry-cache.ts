// Recently read directory entries, ready to match and to send: an address book answers the same
// people over and over, and reading and decoding their rows dominated a search. Any change to the
// directory (here or, through the change feed, in another process) empties the cache; a read that
// started before a change cannot put its stale rows back (the generation check).
export class EntryCache<T> {
  readonly #capacity: number;
  readonly #entries = new Map<number, T>();
  #generation = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Take this before reading from the store; pass it to `set`. */
  get generation(): number {
    return this.#generation;
  }

  get(id: number): T | undefined {
    return this.#entries.get(id);
  }

  set(id: number, value: T, generation: number): void {
    if (generation !== this.#generation || this.#capacity === 0) return;
    if (this.#entries.size >= this.#capacity) {
      // Oldest first: Map keeps insertion order.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, value);
  }

  clear(): void {
    this.#entries.clear();
    this.#generation++;
  }
}
