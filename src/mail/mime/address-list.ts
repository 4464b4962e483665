// RFC 5322 §3.4 address lists (with the obsolete forms of §4.4) parsed into IMAP ENVELOPE
// addresses (RFC 3501 §7.4.2). Input and output are latin1 byte strings; display names keep their
// RFC 2047 encoded words. Malformed input never throws: whatever can be recognised is returned.
import type { EnvelopeAddress } from './types.ts';

/** Placeholders for a missing local part or domain. NIL cannot be used: a NIL host marks group
 * syntax (RFC 3501 §7.4.2). Same values as Dovecot, so clients see what they are used to. */
export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

interface Token {
  kind: 'word' | 'quoted' | 'comment' | 'special';
  text: string;
}

const SPECIALS = '<>@,;:';

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '"' || c === '(') {
      const [text, next] = c === '"' ? readQuoted(input, i + 1) : readComment(input, i + 1);
      tokens.push({ kind: c === '"' ? 'quoted' : 'comment', text });
      i = next;
    } else if (SPECIALS.includes(c)) {
      tokens.push({ kind: 'special', text: c });
      i++;
    } else {
      // an atom, dot-atom or domain literal; dots and 8-bit bytes stay inside the word
      let j = i;
      while (j < input.length && !' \t\r\n"(<>@,;:'.includes(input[j]!)) {
        // a domain literal (RFC 5322 §3.4.1) may hold specials and white space
        const close = input[j] === '[' ? input.indexOf(']', j) : -1;
        j = close === -1 ? j + 1 : close + 1;
      }
      tokens.push({ kind: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/** Quoted-string content with quoted-pairs resolved; an unterminated one runs to the end. */
function readQuoted(input: string, start: number): [string, number] {
  let text = '';
  let i = start;
  while (i < input.length && input[i] !== '"') {
    if (input[i] === '\\' && i + 1 < input.length) i++;
    const c = input[i]!;
    // unfolding leftovers inside a quoted string are dropped (RFC 5322 §3.2.4)
    if (c !== '\r' && c !== '\n') text += c;
    i++;
  }
  return [text, i + 1];
}

/** Comment content (nested comments flattened), for names given as `addr (Name)`. */
function readComment(input: string, start: number): [string, number] {
  let text = '';
  let depth = 1;
  let i = start;
  for (; i < input.length; i++) {
    const c = input[i]!;
    if (c === '\\' && i + 1 < input.length) {
      text += input[++i];
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) break;
    text += c;
  }
  return [text.trim(), i + 1];
}

class AddressParser {
  readonly tokens: Token[];
  pos = 0;
  readonly out: EnvelopeAddress[] = [];
  /** The last comment read inside an address: a name of last resort (`user@host (Name)`). */
  private comment: string | null = null;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isSpecial(text: string): boolean {
    const token = this.peek();
    return token !== undefined && token.kind === 'special' && token.text === text;
  }

  /** address-list / mailbox-list; inside a group it stops at ";". */
  parseList(inGroup: boolean): void {
    while (this.pos < this.tokens.length) {
      if (this.isSpecial(',')) {
        this.pos++;
      } else if (this.isSpecial(';')) {
        this.pos++;
        if (inGroup) return;
      } else {
        this.parseAddress(inGroup);
      }
    }
  }

  private parseAddress(inGroup: boolean): void {
    this.comment = null;
    // display name or local part: words up to a special
    const words: string[] = [];
    let quoted = false;
    for (let t = this.peek(); t !== undefined && t.kind !== 'special'; t = this.peek()) {
      if (t.kind === 'comment') this.comment = t.text;
      else words.push(t.text);
      quoted ||= t.kind === 'quoted';
      this.pos++;
    }
    const next = this.peek();
    if (next?.text === ':' && !inGroup) {
      // RFC 5322 §3.4 group; IMAP marks it with a start (mailbox = name, host NIL) and an end
      this.pos++;
      this.out.push({ name: null, adl: null, mailbox: words.join(' '), host: null });
      this.parseList(true);
      this.out.push({ name: null, adl: null, mailbox: null, host: null });
    } else if (next?.text === '<') {
      this.pos++;
      const address = this.parseAngleAddress();
      this.readComments();
      this.push({ name: words.length > 0 ? words.join(' ') : this.comment, ...address });
    } else if (next?.text === '@') {
      this.pos++;
      const domain = this.readDomain();
      if (this.isSpecial('<')) {
        // "Mikel@Lindsaar <user@host>": what looked like an address was an unquoted name
        this.pos++;
        const address = this.parseAngleAddress();
        this.readComments();
        this.push({ name: `${words.join(' ')}@${domain}`, ...address });
        return;
      }
      this.readComments();
      // words before the local part are a name given without angle brackets ("Big Bug bb@bug.com")
      const local = words.pop() ?? '';
      this.push({
        name: words.length > 0 ? words.join(' ') : this.comment,
        adl: null,
        ...splitAddrSpec(`${local}@${domain}`),
      });
    } else {
      if (next !== undefined && next.kind === 'special' && next.text !== ',' && next.text !== ';') this.pos++;
      // a lone word is a local part without its domain; a quoted string or several words, a name
      if (words.length === 1 && !quoted) {
        this.push({ name: this.comment, adl: null, mailbox: words[0]!, host: MISSING_DOMAIN });
      } else if (words.length > 0) {
        this.push({ name: words.join(' '), adl: null, mailbox: MISSING_MAILBOX, host: MISSING_DOMAIN });
      }
    }
  }

  private push(address: EnvelopeAddress): void {
    this.out.push({ ...address, name: address.name === '' ? null : address.name });
  }

  /** After "<": [obs-route ":"] addr-spec ">" (RFC 5322 §4.4); the route becomes the IMAP adl. */
  private parseAngleAddress(): Omit<EnvelopeAddress, 'name'> {
    let adl: string | null = null;
    if (this.isSpecial('@')) {
      const start = this.pos;
      while (this.pos < this.tokens.length && !this.isSpecial(':') && !this.isSpecial('>')) this.pos++;
      if (this.isSpecial(':')) {
        adl = this.tokens
          .slice(start, this.pos)
          .filter((t) => t.kind !== 'comment')
          .map((t) => t.text)
          .join('');
        this.pos++;
      } else {
        this.pos = start;
      }
    }
    let text = '';
    for (let t = this.peek(); t !== undefined; t = this.peek()) {
      if (t.kind === 'special' && '>,;'.includes(t.text)) break;
      if (t.kind === 'comment') this.comment = t.text;
      else if (t.text !== '<') text += t.text;
      this.pos++;
    }
    if (this.isSpecial('>')) this.pos++;
    return { adl, ...splitAddrSpec(text) };
  }

  /** A domain after "@": a dot-atom or domain literal, possibly split by obsolete white space
   * around dots (RFC 5322 §4.4), continued across a further "@" ("a@b@c"). */
  private readDomain(): string {
    let text = '';
    for (let t = this.peek(); t !== undefined; t = this.peek()) {
      if (t.kind === 'comment') {
        this.comment = t.text;
      } else if (t.kind === 'special') {
        const after = this.tokens[this.pos + 1];
        if (t.text !== '@' || after === undefined || after.kind !== 'word') break;
        text += '@';
      } else if (text === '' || text.endsWith('.') || text.endsWith('@') || t.text.startsWith('.')) {
        text += t.text;
      } else {
        break; // another word: the next address, its comma missing
      }
      this.pos++;
    }
    return text;
  }

  private readComments(): void {
    for (let t = this.peek(); t !== undefined && t.kind === 'comment'; t = this.peek()) {
      this.comment = t.text;
      this.pos++;
    }
  }
}

/** Splits at the last "@" (local parts may hold a quoted "@"). */
function splitAddrSpec(text: string): { mailbox: string; host: string } {
  const at = text.lastIndexOf('@');
  const mailbox = at === -1 ? text : text.slice(0, at);
  const host = at === -1 ? '' : text.slice(at + 1);
  return { mailbox: mailbox || MISSING_MAILBOX, host: host || MISSING_DOMAIN };
}

/** Parses an address-list header value; null when it holds no address at all. */
export function parseAddressList(value: string | null): EnvelopeAddress[] | null {
  if (value === null) return null;
  const parser = new AddressParser(tokenize(value));
  parser.parseList(false);
  return parser.out.length > 0 ? parser.out : null;
}
