// Search filters as text (RFC 4515), for tests, the admin API and logs. parseFilter follows the RFC's
// grammar exactly — parentheses required, no whitespace between tokens, `\XX` as the only escape — and
// enforces the same FILTER_LIMITS as the BER decoder. formatFilter produces text parseFilter reads back
// to the same filter.
import { FILTER_LIMITS, type Filter } from './filter.ts';

export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
  /** Index in the filter text (0-based) where the problem was found. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.position = position;
  }
}

// RFC 4512 §1.4: descr = ALPHA *(ALPHA / DIGIT / HYPHEN); numericoid = number 1*(DOT number).
const OID = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+)$/;
// RFC 4512 §2.5: attributedescription = attributetype options; options = *(SEMI option).
const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+)(?:;[A-Za-z0-9-]+)*$/;
const BACKSLASH = 0x5c;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Characters an attribute description or matching rule is made of (letters, digits, '-', '.', ';'). */
function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x3b
  );
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

export function parseFilter(text: string): Filter {
  return new FilterParser(text).parse();
}

class FilterParser {
  private readonly text: string;
  private pos = 0;
  private nodes = 0;

  constructor(text: string) {
    this.text = text;
  }

  parse(): Filter {
    const filter = this.filter(1);
    if (this.pos < this.text.length) this.fail('Unexpected text after the filter');
    return filter;
  }

  private fail(message: string, position = this.pos): never {
    throw new FilterSyntaxError(message, position);
  }

  private expect(char: string): void {
    const found = this.text[this.pos];
    if (found === char) {
      this.pos++;
      return;
    }
    this.fail(
      found === undefined ? `Unexpected end of filter, expected '${char}'` : `Expected '${char}' but found '${found}'`,
    );
  }

  /** RFC 4515 §3: filter = LPAREN filtercomp RPAREN; filtercomp = and / or / not / item. */
  private filter(depth: number): Filter {
    if (depth > FILTER_LIMITS.maxDepth) this.fail(`Filter is nested deeper than ${FILTER_LIMITS.maxDepth} levels`);
    if (++this.nodes > FILTER_LIMITS.maxNodes) this.fail(`Filter has more than ${FILTER_LIMITS.maxNodes} parts`);
    this.expect('(');
    const c = this.text[this.pos];
    let filter: Filter;
    if (c === '&' || c === '|') {
      this.pos++;
      // filterlist = 1*filter, but RFC 4526 §2 allows the empty "(&)" (true) and "(|)" (false).
      const filters: Filter[] = [];
      while (this.text[this.pos] === '(') filters.push(this.filter(depth + 1));
      filter = { type: c === '&' ? 'and' : 'or', filters };
    } else if (c === '!') {
      this.pos++;
      filter = { type: 'not', filter: this.filter(depth + 1) };
    } else {
      filter = this.item();
    }
    this.expect(')');
    return filter;
  }

  /** item = simple / present / substring / extensible. */
  private item(): Filter {
    const start = this.pos;
    const attribute = this.name();
    const next = this.text[this.pos];
    if (next === ':') return this.extensible(attribute, start);
    if (attribute === '') {
      this.fail(
        next === undefined
          ? 'Unexpected end of filter, expected an attribute description'
          : `Expected an attribute description but found '${next}'`,
      );
    }
    this.checkName(attribute, ATTRIBUTE, 'attribute description', start);
    if (next === '=') {
      this.pos++;
      return this.equalityOrSubstrings(attribute);
    }
    const type = next === '~' ? 'approx' : next === '>' ? 'greaterOrEqual' : next === '<' ? 'lessOrEqual' : null;
    if (type === null || this.text[this.pos + 1] !== '=')
      this.fail("Expected '=', '~=', '>=' or '<=' after the attribute description");
    this.pos += 2;
    const [value] = this.values(false);
    return { type, attribute, value: value! };
  }

  /** present = attr EQUALS ASTERISK; substring = attr EQUALS [initial] any [final]; else simple. */
  private equalityOrSubstrings(attribute: string): Filter {
    const pieces = this.values(true);
    if (pieces.length === 1) return { type: 'equality', attribute, value: pieces[0]! };
    if (pieces.length === 2 && pieces[0] === '' && pieces[1] === '') return { type: 'present', attribute };
    const initial = pieces[0]!;
    const final = pieces[pieces.length - 1]!;
    return {
      type: 'substrings',
      attribute,
      initial: initial === '' ? null : initial,
      any: pieces.slice(1, -1),
      final: final === '' ? null : final,
    };
  }

  /** extensible = ( attr [dnattrs] [matchingrule] COLON EQUALS assertionvalue ) / ( [dnattrs] matchingrule COLON EQUALS assertionvalue ). */
  private extensible(attribute: string, start: number): Filter {
    if (attribute !== '') this.checkName(attribute, ATTRIBUTE, 'attribute description', start);
    // dnattrs = COLON "dn" (case-insensitive); ":dn" not followed by ":" would be a rule named dn….
    const dnAttributes = this.text.slice(this.pos, this.pos + 4).toLowerCase() === ':dn:';
    if (dnAttributes) this.pos += 3;
    let matchingRule: string | null = null;
    if (this.text[this.pos] === ':' && this.text[this.pos + 1] !== '=') {
      this.pos++;
      const ruleStart = this.pos;
      matchingRule = this.name();
      this.checkName(matchingRule, OID, 'matching rule', ruleStart);
    }
    if (!this.text.startsWith(':=', this.pos)) this.fail("Expected ':=' in extensible match");
    this.pos += 2;
    if (attribute === '' && matchingRule === null)
      this.fail('An extensible match needs an attribute description or a matching rule', start);
    const [value] = this.values(false);
    return {
      type: 'extensible',
      matchingRule,
      attribute: attribute === '' ? null : attribute,
      value: value!,
      dnAttributes,
    };
  }

  private name(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isNameChar(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private checkName(name: string, syntax: RegExp, what: string, start: number): void {
    if (name === '') this.fail(`Missing ${what}`, start);
    if (name.length > FILTER_LIMITS.maxValueLength) this.fail(`The ${what} is too long`, start);
    if (!syntax.test(name)) this.fail(`Invalid ${what} '${name}'`, start);
  }

  /**
   * Assertion values up to the closing parenthesis, split at unescaped '*' when asterisks are allowed.
   * RFC 4515 §3: valueencoding = 0*(normal / escaped); NUL, '(', ')', '*' and '\' must be escaped.
   */
  private values(allowAsterisk: boolean): string[] {
    const pieces: string[] = [];
    let pieceStart = this.pos;
    let escaped = false;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code) || code === 0x29) break;
      if (code === 0x2a && allowAsterisk) {
        pieces.push(this.decodeValue(pieceStart, this.pos, escaped));
        pieceStart = ++this.pos;
        escaped = false;
      } else if (code === BACKSLASH) {
        if (!isHexDigit(this.text.charCodeAt(this.pos + 1)) || !isHexDigit(this.text.charCodeAt(this.pos + 2))) {
          this.fail("A '\\' must be followed by two hexadecimal digits");
        }
        escaped = true;
        this.pos += 3;
      } else if (code === 0x00 || code === 0x28 || code === 0x2a) {
        const escape = `\\${code.toString(16).padStart(2, '0')}`;
        this.fail(`${code === 0 ? 'NUL' : `'${String.fromCharCode(code)}'`} in a value must be escaped as ${escape}`);
      } else {
        this.pos++;
      }
    }
    pieces.push(this.decodeValue(pieceStart, this.pos, escaped));
    return pieces;
  }

  private decodeValue(start: number, end: number, escaped: boolean): string {
    const raw = this.text.slice(start, end);
    let value = raw;
    let byteLength = Buffer.byteLength(raw);
    if (escaped) {
      // Escapes stand for octets, several of which may form one UTF-8 character: unescape the octets,
      // then decode them together.
      const bytes = Buffer.from(raw, 'utf8');
      let length = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === BACKSLASH) {
          bytes[length++] = parseInt(bytes.toString('latin1', i + 1, i + 3), 16);
          i += 2;
        } else {
          bytes[length++] = bytes[i]!;
        }
      }
      byteLength = length;
      try {
        value = utf8.decode(bytes.subarray(0, length));
      } catch {
        this.fail('Escaped octets in the value are not valid UTF-8', start);
      }
    }
    if (byteLength > FILTER_LIMITS.maxValueLength) {
      this.fail(`Value of ${byteLength} bytes exceeds ${FILTER_LIMITS.maxValueLength}`, start);
    }
    return value;
  }
}

/**
 * RFC 4515 §3: escapes the characters that may not appear literally in an assertion value (NUL, '(',
 * ')', '*', '\'). Other control characters may appear literally but are escaped too, so that a
 * formatted filter is safe to put in a log line.
 */
export function escapeFilterValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return value.replace(/[*()\\\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const OPERATORS = { equality: '=', approx: '~=', greaterOrEqual: '>=', lessOrEqual: '<=' } as const;

export function formatFilter(filter: Filter): string {
  switch (filter.type) {
    case 'and':
      return `(&${filter.filters.map(formatFilter).join('')})`;
    case 'or':
      return `(|${filter.filters.map(formatFilter).join('')})`;
    case 'not':
      return `(!${formatFilter(filter.filter)})`;
    case 'equality':
    case 'approx':
    case 'greaterOrEqual':
    case 'lessOrEqual':
      return `(${filter.attribute}${OPERATORS[filter.type]}${escapeFilterValue(filter.value)})`;
    case 'present':
      return `(${filter.attribute}=*)`;
    case 'substrings': {
      const any = filter.any.map((piece) => `${escapeFilterValue(piece)}*`).join('');
      return `(${filter.attribute}=${escapeFilterValue(filter.initial ?? '')}*${any}${escapeFilterValue(filter.final ?? '')})`;
    }
    case 'extensible': {
      const rule = filter.matchingRule === null ? '' : `:${filter.matchingRule}`;
      return `(${filter.attribute ?? ''}${filter.dnAttributes ? ':dn' : ''}${rule}:=${escapeFilterValue(filter.value)})`;
    }
  }
}
