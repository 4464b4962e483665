// Streaming MIME structure parser: fed the message while it is written to disk, it records where
// every part's header and body are and what its MIME fields say, keeping in memory only header
// blocks (capped) and the first bytes of the current line. Bodies are never buffered, so a
// 100 MB message costs the same memory as a small one. Malformed input never throws.
import { buildEnvelope, emptyEnvelope, repeatedSingleFields } from './envelope.ts';
import { HeaderBuffer } from './header-buffer.ts';
import { classifyHeaderLine, parseHeaderFields, type HeaderField } from './header-fields.ts';
import { applyPartHeaders, newPart } from './part-headers.ts';
import type { Envelope, MessageStructure, MimePart } from './types.ts';

/** Per header block; beyond this the block is still skipped correctly but no longer stored. */
export const MAX_HEADER_BYTES = 256 * 1024;
/** Multiparts and encapsulated messages nested deeper than this are treated as opaque. */
export const MAX_DEPTH = 64;
/** Once a message has this many parts, further delimiter lines are taken as content. */
export const MAX_PARTS = 10_000;
/** RFC 2046 §5.1.1 allows 70 characters; longer ones are tolerated up to a line's length. */
const MAX_BOUNDARY = 998;
const LINE_HEAD = MAX_BOUNDARY + 4;

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

interface Frame {
  part: MimePart;
  depth: number;
  /** Set while the part's header is being read. */
  header: HeaderBuffer | null;
  /** A non-header line inside the header: it starts the body unless a header line follows. */
  pendingJunk: { offset: number; lines: number } | null;
  inDigest: boolean;
  /** Receives the envelope (and the header fields it came from) when this part is the root of a
   * (possibly encapsulated) message. */
  onEnvelope: ((envelope: Envelope, fields: readonly HeaderField[]) => void) | null;
  /** "--" + boundary of a multipart whose body is being read. */
  delimiter: Buffer | null;
  /** The close delimiter was seen: the rest is epilogue (RFC 2046 §5.1.1). */
  closed: boolean;
  linesAtBodyStart: number;
}

export class StructureParser {
  private readonly stack: Frame[] = [];
  private readonly root: MimePart;
  private envelope: Envelope = emptyEnvelope();
  private repeatedFields: string[] = [];
  private partCount = 1;
  private ended = false;
  /** Start offset and length of the current line, and its first bytes. */
  private lineStart = 0;
  private lineLength = 0;
  private readonly lineHead = Buffer.alloc(LINE_HEAD);
  private lineHeadLength = 0;
  private captureHead = false;
  /** The last two bytes taken, to tell CRLF from LF at a line end. */
  private lastByte = -1;
  private byteBeforeLast = -1;
  /** Completed lines so far (each ends in one LF), and the line-ending length of the last one. */
  private lineCount = 0;
  private previousEol = 0;

  constructor() {
    this.root = newPart(0);
    this.stack.push(
      this.headerFrame(this.root, 0, false, (envelope, fields) => {
        this.envelope = envelope;
        this.repeatedFields = repeatedSingleFields(fields);
      }),
    );
  }

  write(chunk: Buffer): void {
    if (this.ended) throw new Error('StructureParser: write after end');
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl === -1 ? chunk.length : nl + 1;
      this.take(chunk, pos, end);
      pos = end;
      if (nl !== -1) this.endLine(true);
    }
  }

  end(): MessageStructure {
    if (!this.ended) {
      if (this.lineLength > 0) this.endLine(false);
      this.ended = true;
      // RFC 2046 §5.1.1 needs a close delimiter; without one every open part ends with the message
      const size = this.lineStart;
      this.closeAbove(-1, size, this.lineCount, size, this.lineCount);
    }
    return { size: this.lineStart, envelope: this.envelope, root: this.root, repeatedFields: this.repeatedFields };
  }

  private headerFrame(part: MimePart, depth: number, inDigest: boolean, onEnvelope: Frame['onEnvelope']): Frame {
    return {
      part,
      depth,
      header: new HeaderBuffer(MAX_HEADER_BYTES),
      pendingJunk: null,
      inDigest,
      onEnvelope,
      delimiter: null,
      closed: false,
      linesAtBodyStart: 0,
    };
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private take(chunk: Buffer, start: number, end: number): void {
    const length = end - start;
    // a body line matters only if it may be a delimiter, so only those are copied
    if (this.lineLength === 0) this.captureHead = this.top().header !== null || chunk[start] === DASH;
    if (this.captureHead && this.lineHeadLength < LINE_HEAD) {
      const n = Math.min(LINE_HEAD - this.lineHeadLength, length);
      chunk.copy(this.lineHead, this.lineHeadLength, start, start + n);
      this.lineHeadLength += n;
    }
    this.top().header?.append(chunk.subarray(start, end));
    this.byteBeforeLast = length >= 2 ? chunk[end - 2]! : this.lastByte;
    this.lastByte = chunk[end - 1]!;
    this.lineLength += length;
  }

  private endLine(hasEol: boolean): void {
    const lineEnd = this.lineStart + this.lineLength;
    const frame = this.top();
    if (!this.handleBoundary() && frame.header !== null) this.headerLine(frame, lineEnd);
    if (hasEol) {
      this.lineCount++;
      this.previousEol = this.byteBeforeLast === CR ? 2 : 1;
    }
    this.lineStart = lineEnd;
    this.lineLength = 0;
    this.lineHeadLength = 0;
  }

  private headerLine(frame: Frame, lineEnd: number): void {
    const kind = classifyHeaderLine(this.lineHead, this.lineHeadLength, this.lineLength);
    if (kind === 'blank') {
      this.endHeader(frame, lineEnd, this.lineCount + 1, false);
    } else if (kind !== 'junk') {
      frame.pendingJunk = null;
    } else if (frame.pendingJunk === null) {
      frame.pendingJunk = { offset: this.lineStart, lines: this.lineCount };
    } else {
      // two non-header lines in a row: the header ended without its blank line, and the body
      // began at the first of them (a missing separator, as Python's email package reads it)
      this.endHeader(frame, frame.pendingJunk.offset, frame.pendingJunk.lines, true);
      this.handleBoundary();
    }
  }

  /** Checks the current line against the delimiters in scope; true when it was one. */
  private handleBoundary(): boolean {
    if (this.lineHeadLength < 2 || this.lineHead[0] !== DASH || this.lineHead[1] !== DASH) return false;
    // Like Dovecot: a delimiter only has to start the line (RFC 2046 §5.1.1 forbids the boundary
    // as a line prefix inside parts), the longest match wins, the innermost on a tie.
    let best = -1;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const delimiter = this.stack[i]!.delimiter;
      if (delimiter === null || delimiter.length > this.lineHeadLength) continue;
      if (best !== -1 && delimiter.length <= this.stack[best]!.delimiter!.length) continue;
      if (this.lineHead.compare(delimiter, 0, delimiter.length, 0, delimiter.length) === 0) best = i;
    }
    if (best === -1) return false;
    const owner = this.stack[best]!;
    const n = owner.delimiter!.length;
    const close = n + 2 <= this.lineHeadLength && this.lineHead[n] === DASH && this.lineHead[n + 1] === DASH;
    // in the epilogue the closed multipart's own delimiter is plain text
    if (owner.closed) return false;
    const children = owner.part.children!;
    // a close delimiter before any part, or a new part past the limit, is taken as content
    if ((close && children.length === 0) || (!close && this.partCount >= MAX_PARTS)) return false;
    // RFC 2046 §5.1.1: the line ending before the delimiter line belongs to the delimiter, unless
    // it was the blank line ending a header (then the part just has an empty body)
    const top = this.top();
    const topBodyStart = top.header === null ? top.part.bodyStart : (top.pendingJunk?.offset ?? this.lineStart);
    const eol = topBodyStart <= this.lineStart - this.previousEol ? this.previousEol : 0;
    const linesAtCut = this.lineCount - (eol > 0 ? 1 : 0);
    this.closeAbove(best, this.lineStart, this.lineCount, this.lineStart - eol, linesAtCut);
    if (close) {
      owner.closed = true;
    } else {
      const child = newPart(this.lineStart + this.lineLength);
      children.push(child);
      this.partCount++;
      const inDigest = owner.part.subtype === 'digest';
      this.stack.push(this.headerFrame(child, owner.depth + 1, inDigest, null));
    }
    return true;
  }

  /** Ends every frame above stack index `keep`: headers still open end at `headerEnd` (or at a
   * pending junk line), bodies at `cut`. */
  private closeAbove(keep: number, headerEnd: number, linesAtHeaderEnd: number, cut: number, linesAtCut: number): void {
    while (this.stack.length > keep + 1) {
      const frame = this.top();
      if (frame.header !== null) {
        const junk = frame.pendingJunk;
        this.endHeader(frame, junk?.offset ?? headerEnd, junk?.lines ?? linesAtHeaderEnd, true);
        continue; // endHeader may have pushed an encapsulated message, closed next round
      }
      const part = frame.part;
      part.bodyEnd = Math.max(cut, part.bodyStart);
      part.lines = Math.max(0, linesAtCut - frame.linesAtBodyStart);
      if (part.children !== undefined && part.children.length === 0) toPlainText(part);
      this.stack.pop();
    }
  }

  /** The header of `frame` ends and its body starts at `bodyStart`. `bodyStarted`: lines up to
   * the current one were already read as body (no blank line was seen). */
  private endHeader(frame: Frame, bodyStart: number, linesAtBodyStart: number, bodyStarted: boolean): void {
    const part = frame.part;
    const block = frame.header!.take(bodyStart - part.headerStart);
    frame.header = null;
    frame.pendingJunk = null;
    part.bodyStart = bodyStart;
    part.bodyEnd = bodyStart;
    frame.linesAtBodyStart = linesAtBodyStart;
    const fields = parseHeaderFields(block);
    applyPartHeaders(part, fields, frame.inDigest);
    frame.onEnvelope?.(buildEnvelope(fields), fields);

    if (part.type === 'multipart') {
      const boundary = part.params.find(([name]) => name === 'boundary')?.[1] ?? '';
      if (boundary !== '' && boundary.length <= MAX_BOUNDARY && frame.depth < MAX_DEPTH) {
        frame.delimiter = Buffer.from(`--${boundary}`, 'latin1');
        part.children = [];
      } else {
        // RFC 2046 §5.1.1: the boundary parameter is required; without one the body cannot be
        // split, so it is shown as text (RFC 2045 §5.2's fallback for an unusable Content-Type)
        toPlainText(part);
      }
    } else if (part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global')) {
      // RFC 2046 §5.2.1: only 7bit, 8bit or binary may encode an encapsulated message; anything
      // else (or too deep a nesting) is kept opaque, as Dovecot does
      const identity = part.encoding === '7bit' || part.encoding === '8bit' || part.encoding === 'binary';
      const root = newPart(bodyStart);
      const message = { envelope: emptyEnvelope(), root };
      part.message = message;
      if (identity && frame.depth < MAX_DEPTH) {
        const inner = this.headerFrame(root, frame.depth + 1, false, (envelope) => (message.envelope = envelope));
        this.stack.push(inner);
        if (bodyStarted) this.endHeader(inner, bodyStart, linesAtBodyStart, true);
      }
    }
  }
}

function toPlainText(part: MimePart): void {
  part.type = 'text';
  part.subtype = 'plain';
  part.params = [['charset', 'us-ascii']];
  delete part.children;
}

/** Parses a whole message held in memory. */
export function parseStructure(message: Buffer): MessageStructure {
  const parser = new StructureParser();
  parser.write(message);
  return parser.end();
}
