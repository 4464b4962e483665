// The section-spec between the brackets of FETCH BODY[...] (RFC 3501 §6.4.5, formal syntax §9):
//   section-spec = section-msgtext / (section-part ["." section-text])
//   section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
//   section-text = section-msgtext / "MIME"

export type SectionText = '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface SectionSpec {
  /** Part numbers, e.g. [4, 2, 1] for "4.2.1"; empty for the whole message. */
  part: number[];
  text: SectionText;
  /** Field names of HEADER.FIELDS / HEADER.FIELDS.NOT, as given. */
  fields?: string[];
}

const MAX_NZ_NUMBER = 4294967295; // RFC 3501 §9 nz-number is a 32-bit unsigned value
const KEYWORDS: SectionText[] = ['HEADER.FIELDS.NOT', 'HEADER.FIELDS', 'HEADER', 'TEXT', 'MIME'];

function fail(reason: string): never {
  throw new SyntaxError(`invalid section: ${reason}`);
}

/** Parses the text between the brackets; throws SyntaxError with a reason (an IMAP BAD). */
export function parseSectionSpec(text: string): SectionSpec {
  const part: number[] = [];
  let i = 0;
  while (i < text.length && text[i]! >= '0' && text[i]! <= '9') {
    const digits = /^\d+/.exec(text.slice(i))![0];
    if (digits.startsWith('0')) fail(`part number must not be zero or start with 0: ${digits}`);
    const n = Number(digits);
    if (n > MAX_NZ_NUMBER) fail(`part number too large: ${digits}`);
    part.push(n);
    i += digits.length;
    if (i === text.length) return { part, text: '' };
    if (text[i] !== '.') fail(`expected "." after part number at ${i}`);
    i++;
    if (i === text.length) fail('trailing "."');
  }
  if (i === text.length) return { part, text: '' };

  const rest = text.slice(i);
  const upper = rest.toUpperCase();
  const keyword = KEYWORDS.find((k) => upper.startsWith(k));
  if (keyword === undefined) fail(`unknown section text ${JSON.stringify(rest)}`);
  if (keyword === 'MIME' && part.length === 0) fail('MIME needs a part number');
  const after = rest.slice(keyword.length);
  if (keyword !== 'HEADER.FIELDS' && keyword !== 'HEADER.FIELDS.NOT') {
    if (after !== '') fail(`unexpected ${JSON.stringify(after)} after ${keyword}`);
    return { part, text: keyword };
  }
  if (!after.startsWith(' (')) fail(`${keyword} needs a parenthesised header list`);
  const fields = parseHeaderList(after.slice(1));
  return { part, text: keyword, fields };
}

/** header-list = "(" header-fld-name *(SP header-fld-name) ")", header-fld-name = astring. */
function parseHeaderList(text: string): string[] {
  const fields: string[] = [];
  let i = 1; // past "("
  for (;;) {
    const [name, next] = readAstring(text, i);
    fields.push(name);
    i = next;
    if (text[i] === ')') break;
    if (text[i] !== ' ') fail(`expected space or ")" in header list at ${i}`);
    i++;
  }
  if (i + 1 !== text.length) fail('unexpected text after header list');
  return fields;
}

function readAstring(text: string, i: number): [string, number] {
  const c = text[i];
  if (c === '"') {
    let value = '';
    for (let j = i + 1; j < text.length; j++) {
      const ch = text[j]!;
      if (ch === '"') {
        if (value === '') fail('empty header field name');
        return [value, j + 1];
      }
      if (ch === '\\') {
        const escaped = text[++j];
        if (escaped !== '"' && escaped !== '\\') fail('bad escape in quoted string');
        value += escaped;
      } else {
        value += ch;
      }
    }
    fail('unterminated quoted string');
  }
  if (c === '{') {
    // a literal left in place by the command reader: {n}CRLF followed by n octets
    const match = /^\{(\d+)\+?\}\r\n/.exec(text.slice(i));
    if (match === null) fail('bad literal in header list');
    const start = i + match[0].length;
    const end = start + Number(match[1]);
    if (end > text.length || end === start) fail('bad literal length in header list');
    return [text.slice(start, end), end];
  }
  // ASTRING-CHAR: no atom-specials (RFC 3501 §9) except "]"
  // eslint-disable-next-line no-control-regex
  const match = /^[^\x00-\x20\x7f(){%*"\\]+/.exec(text.slice(i));
  if (match === null) fail(`expected a header field name at ${i}`);
  return [match[0], i + match[0].length];
}
