// A small, strict, non-validating XML reader for the few-hundred-byte requests mail clients send
// (the Outlook Autodiscover request). Written here instead of taking a parser dependency so that
// what it does not do is plain: no DTD at all (a DOCTYPE is refused, so no external entities — XXE —
// and no entity expansion — "billion laughs"), only the five predefined entities and character
// references (XML 1.0 §4.6, §4.1), no namespace processing beyond splitting off the prefix.
// Anything not well-formed (XML 1.0 §2.1) is refused with the reason.
import { UserError } from '../../errors.ts';

export interface XmlElement {
  /** The qualified name as written, e.g. `a:EMailAddress`. */
  name: string;
  /** The name without its namespace prefix. */
  localName: string;
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA, references decoded), children excluded. */
  text: string;
}

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxDepth: 16, maxElements: 256 };

// XML 1.0 §2.3 Name, restricted to letters, digits and `_ . -` (what the formats we read use).
const NAME = '[\\p{L}_][\\p{L}\\p{N}_.\\-]*';
const QNAME = new RegExp(`(?:${NAME}:)?${NAME}`, 'uy');
const ATTRIBUTE = new RegExp(`\\s+((?:${NAME}:)?${NAME})\\s*=\\s*(?:"([^<"]*)"|'([^<']*)')`, 'uy');
const START_TAG_END = /\s*(\/?)>/y;
const END_TAG_END = /\s*>/y;
const WHITESPACE = /[ \t\r\n]+/y;
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** XML 1.0 §2.2 Char, negated. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The document's root element; throws UserError('BADINPUT') saying what is wrong. */
export function readXml(source: string, limits: XmlLimits = DEFAULT_LIMITS): XmlElement {
  return new Reader(source, limits).document();
}

class Reader {
  #pos = 0;
  #elements = 0;
  readonly #src: string;
  readonly #limits: XmlLimits;

  constructor(source: string, limits: XmlLimits) {
    this.#src = source;
    this.#limits = limits;
  }

  document(): XmlElement {
    if (NOT_XML_CHAR.test(this.#src)) this.#fail('the document contains characters XML does not allow');
    if (this.#src.startsWith('\uFEFF')) this.#pos = 1;
    this.#skipMisc();
    // XML 1.0 §2.8 doctypedecl: refused outright, so no entity can ever be declared or resolved.
    if (this.#src.startsWith('<!DOCTYPE', this.#pos)) this.#fail('a document type declaration (DOCTYPE) is not accepted');
    if (this.#src[this.#pos] !== '<') this.#fail(this.#pos >= this.#src.length ? 'the document is empty' : 'expected the root element');
    const root = this.#element(1);
    this.#skipMisc();
    if (this.#pos < this.#src.length) this.#fail(`unexpected content after the root element <${root.name}>`);
    return root;
  }

  /** At `<`: the element, through its end tag. */
  #element(depth: number): XmlElement {
    if (depth > this.#limits.maxDepth) this.#fail(`elements are nested more than ${this.#limits.maxDepth} deep`);
    if (++this.#elements > this.#limits.maxElements) this.#fail(`more than ${this.#limits.maxElements} elements`);
    this.#pos += 1;
    const name = this.#match(QNAME)?.[0] ?? this.#fail('expected an element name');
    const attributes = new Map<string, string>();
    for (let m = this.#match(ATTRIBUTE); m; m = this.#match(ATTRIBUTE)) {
      if (attributes.has(m[1]!)) this.#fail(`attribute ${m[1]} appears twice in <${name}>`); // §3.1 Unique Att Spec
      attributes.set(m[1]!, this.#decode(m[2] ?? m[3] ?? ''));
    }
    const end = this.#match(START_TAG_END) ?? this.#fail(`malformed start tag <${name}>`);
    const element: XmlElement = { name, localName: name.slice(name.indexOf(':') + 1), attributes, children: [], text: '' };
    if (end[1] === '/') return element;
    for (;;) {
      const next = this.#src.indexOf('<', this.#pos);
      if (next < 0) this.#fail(`<${name}> is not closed`);
      element.text += this.#decode(this.#src.slice(this.#pos, next));
      this.#pos = next;
      if (this.#src.startsWith('</', this.#pos)) {
        this.#pos += 2;
        const closing = this.#match(QNAME)?.[0];
        if (closing !== name) this.#fail(`<${name}> is closed by </${closing ?? ''}>`); // §3 Element Type Match
        if (!this.#match(END_TAG_END)) this.#fail(`malformed end tag </${name}>`);
        return element;
      }
      if (this.#src.startsWith('<![CDATA[', this.#pos)) element.text += this.#through(']]>', 9, 'a CDATA section is not closed');
      else if (this.#src.startsWith('<!--', this.#pos) || this.#src.startsWith('<?', this.#pos)) this.#skipMisc();
      else if (this.#src.startsWith('<!', this.#pos)) this.#fail('declarations are not accepted inside elements');
      else element.children.push(this.#element(depth + 1));
    }
  }

  /** Whitespace, comments (§2.5) and processing instructions (§2.6, the XML declaration included). */
  #skipMisc(): void {
    for (;;) {
      if (this.#match(WHITESPACE)) continue;
      if (this.#src.startsWith('<!--', this.#pos)) this.#through('-->', 4, 'a comment is not closed');
      else if (this.#src.startsWith('<?', this.#pos)) this.#through('?>', 2, 'a processing instruction is not closed');
      else return;
    }
  }

  /** Skips `skip` characters, returns what comes before `terminator` and moves past it. */
  #through(terminator: string, skip: number, unclosed: string): string {
    const end = this.#src.indexOf(terminator, this.#pos + skip);
    if (end < 0) this.#fail(unclosed);
    const content = this.#src.slice(this.#pos + skip, end);
    this.#pos = end + terminator.length;
    return content;
  }

  /** Character data with its references replaced; a bare `&` or an unknown entity is an error. */
  #decode(raw: string): string {
    if (raw.includes(']]>')) this.#fail('"]]>" is not allowed in text'); // §2.4
    let out = '';
    let from = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
      REFERENCE.lastIndex = amp;
      const m = REFERENCE.exec(raw);
      if (!m) this.#fail('"&" must start &amp;, &lt;, &gt;, &quot;, &apos; or a character reference (no other entities)');
      let value: string;
      if (m[1]) value = PREDEFINED[m[1]]!;
      else {
        const code = parseInt(m[2] ?? m[3]!, m[2] ? 10 : 16);
        value = code <= 0x10ffff ? String.fromCodePoint(code) : '\u0000';
        if (NOT_XML_CHAR.test(value)) this.#fail(`character reference ${m[0]} is not an XML character`); // §4.1 WFC: Legal Character
      }
      out += raw.slice(from, amp) + value;
      from = amp + m[0].length;
    }
    return out + raw.slice(from);
  }

  #match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.#pos;
    const m = pattern.exec(this.#src);
    if (m) this.#pos = pattern.lastIndex;
    return m;
  }

  #fail(reason: string): never {
    throw new UserError('BADINPUT', `malformed XML at offset ${this.#pos}: ${reason}`);
  }
}
