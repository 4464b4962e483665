// Collects the raw bytes of one header block while it streams past, up to a cap: headers are the
// only part of a message the structure parser keeps in memory.

export class HeaderBuffer {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  /** Copies bytes in (the caller may reuse its chunk); bytes beyond the cap are dropped. */
  append(bytes: Buffer): void {
    const room = this.cap - this.length;
    if (room <= 0 || bytes.length === 0) return;
    const piece = Buffer.from(bytes.subarray(0, Math.min(room, bytes.length)));
    this.chunks.push(piece);
    this.length += piece.length;
  }

  /** The first `length` collected bytes (fewer if the cap cut them). */
  take(length: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    return all.subarray(0, Math.max(0, Math.min(length, all.length)));
  }
}
