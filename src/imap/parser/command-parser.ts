// Token-level reader over one received command (RFC 3501 §9 formal syntax). Pure: it works on the
// parts that command-reader.ts produced (line, literal, line, …) and throws ImapSyntaxError on any
// deviation, which the connection answers with BAD. Fuzzed in test/imap/parser-fuzz.test.ts.
import { ImapSyntaxError } from '../errors.ts';

const CLASS = {
  atom: 1,
  astring: 2,
  listChar: 4,
} as const;

// RFC 3501 §9: ATOM-CHAR = any CHAR except atom-specials; ASTRING-CHAR adds "]"; list-char adds
// "%" and "*" as well.
const CHAR_CLASS = new Uint8Array(256);
for (let c = 0x21; c < 0x7f; c++) {
  if ('(){%*"\\]'.includes(String.fromCharCode(c))) continue;
  CHAR_CLASS[c] = CLASS.atom | CLASS.astring | CLASS.listChar;
}
CHAR_CLASS[0x5d] = CLASS.astring | CLASS.listChar; // ]
CHAR_CLASS[0x25] = CLASS.listChar; // %
CHAR_CLASS[0x2a] = CLASS.listChar; // *

const SP = 0x20;
const MAX_NUMBER = 0xffffffff;

export class CommandParser {
  private readonly parts: Buffer[];
  private index = 0;
  private line: Buffer;
  private pos = 0;

  constructor(parts: Buffer[], startAt = 0) {
    if (parts.length === 0 || parts.length % 2 === 0) throw new ImapSyntaxError('Malformed command');
    this.parts = parts;
    this.line = parts[0]!;
    this.pos = startAt;
  }

  /** True when the whole command has been consumed. */
  get atEnd(): boolean {
    return this.pos >= this.line.length && this.index === this.parts.length - 1;
  }

  /** The next byte of the current line, or -1 at the end of a line. */
  peek(): number {
    return this.pos < this.line.length ? this.line[this.pos]! : -1;
  }

  peekChar(): string {
    const c = this.peek();
    return c < 0 ? '' : String.fromCharCode(c);
  }

  /** Case-insensitive lookahead for a keyword (not consumed). */
  peekWord(word: string): boolean {
    if (this.pos + word.length > this.line.length) return false;
    return this.line.toString('latin1', this.pos, this.pos + word.length).toUpperCase() === word;
  }

  tryTake(text: string): boolean {
    if (!this.peekWord(text.toUpperCase())) return false;
    this.pos += text.length;
    return true;
  }

  take(text: string): void {
    if (!this.tryTake(text)) this.fail(`Expected ${text}`);
  }

  sp(): void {
    if (this.peek() !== SP) this.fail('Expected space');
    this.pos++;
  }

  trySp(): boolean {
    if (this.peek() !== SP) return false;
    this.pos++;
    return true;
  }

  end(): void {
    if (!this.atEnd) this.fail('Unexpected characters at end of command');
  }

  fail(message: string): never {
    throw new ImapSyntaxError(message);
  }

  /** Consumes bytes while `accept` holds and returns them as latin1 text (possibly empty). */
  takeWhile(accept: (byte: number) => boolean, max = this.line.length): string {
    const start = this.pos;
    while (this.pos < this.line.length && this.pos - start < max && accept(this.line[this.pos]!)) this.pos++;
    return this.line.toString('latin1', start, this.pos);
  }

  atom(): string {
    const text = this.takeWhile((c) => (CHAR_CLASS[c]! & CLASS.atom) !== 0);
    if (text.length === 0) this.fail('Expected atom');
    return text;
  }

  /** RFC 3501 §9 number: 32-bit unsigned. */
  number(): number {
    const digits = this.takeWhile((c) => c >= 0x30 && c <= 0x39, 11);
    if (digits.length === 0) this.fail('Expected number');
    const value = Number(digits);
    if (value > MAX_NUMBER) this.fail('Number too large');
    return value;
  }

  nzNumber(): number {
    const value = this.number();
    if (value === 0) this.fail('Expected non-zero number');
    return value;
  }

  /** quoted / literal, as bytes. */
  string(): Buffer {
    const c = this.peek();
    if (c === 0x22) return this.quoted();
    if (c === 0x7b) return this.literal();
    this.fail('Expected string');
  }

  astring(): Buffer {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    const start = this.pos;
    this.takeWhile((b) => (CHAR_CLASS[b]! & CLASS.astring) !== 0);
    if (this.pos === start) this.fail('Expected string');
    return this.line.subarray(start, this.pos);
  }

  /** astring decoded as UTF-8 (RFC 9051 allows UTF-8 in strings; 7-bit input is unaffected). */
  astringText(): string {
    return this.astring().toString('utf8');
  }

  nstring(): Buffer | null {
    if (this.tryTakeNil()) return null;
    return this.string();
  }

  tryTakeNil(): boolean {
    if (!this.peekWord('NIL')) return false;
    const after = this.line[this.pos + 3];
    if (after !== undefined && (CHAR_CLASS[after]! & CLASS.astring) !== 0) return false;
    this.pos += 3;
    return true;
  }

  /** RFC 3501 §9 list-mailbox: 1*list-char / string. */
  listMailbox(): Buffer {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    const start = this.pos;
    this.takeWhile((b) => (CHAR_CLASS[b]! & CLASS.listChar) !== 0);
    if (this.pos === start) this.fail('Expected mailbox pattern');
    return this.line.subarray(start, this.pos);
  }

  quoted(): Buffer {
    if (this.peek() !== 0x22) this.fail('Expected quoted string');
    this.pos++;
    const chunks: Buffer[] = [];
    let run = this.pos;
    for (;;) {
      if (this.pos >= this.line.length) this.fail('Unterminated quoted string');
      const c = this.line[this.pos]!;
      if (c === 0x22) break;
      if (c === 0x5c) {
        const next = this.line[this.pos + 1];
        // RFC 3501 §9 quoted-specials: only '"' and '\' may be escaped.
        if (next !== 0x22 && next !== 0x5c) this.fail('Invalid escape in quoted string');
        chunks.push(this.line.subarray(run, this.pos));
        run = this.pos + 1;
        this.pos += 2;
        continue;
      }
      if (c === 0x00 || c === 0x0d || c === 0x0a) this.fail('Invalid character in quoted string');
      this.pos++;
    }
    chunks.push(this.line.subarray(run, this.pos));
    this.pos++;
    return Buffer.concat(chunks);
  }

  /** A literal ("{n}" or "{n+}" ending the current line); its data is the next part. */
  literal(): Buffer {
    const rest = this.line.toString('latin1', this.pos);
    const match = /^\{(\d{1,20})\+?\}$/.exec(rest);
    if (!match) this.fail('Invalid literal');
    const data = this.parts[this.index + 1];
    if (data === undefined || data.length !== Number(match[1])) this.fail('Literal size mismatch');
    this.index += 2;
    this.line = this.parts[this.index]!;
    this.pos = 0;
    return data;
  }

  /** Parses "(" item *(SP item) ")" (or an empty "()" when allowed). */
  parenList<T>(item: () => T, options: { allowEmpty?: boolean; max?: number } = {}): T[] {
    if (this.peek() !== 0x28) this.fail('Expected (');
    this.pos++;
    const items: T[] = [];
    if (this.peek() === 0x29) {
      if (!options.allowEmpty) this.fail('Empty list');
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(item());
      if (options.max !== undefined && items.length > options.max) this.fail('List too long');
      if (this.peek() === 0x29) break;
      this.sp();
    }
    this.pos++;
    return items;
  }

  expect(byte: string): void {
    if (this.peekChar() !== byte) this.fail(`Expected ${byte}`);
    this.pos++;
  }

  tryExpect(byte: string): boolean {
    if (this.peekChar() !== byte) return false;
    this.pos++;
    return true;
  }
}
