// FETCH data items (RFC 3501 §6.4.5, §9 fetch-att), including the section and partial syntax of
// BODY[...]<...>. Pure; the section (in the mail layer's SectionSpec form) is resolved against the
// message structure by src/mail/mime/section.ts when the response is built. The section is parsed
// here rather than with parseSectionSpec because its header list may hold literals.
import type { SectionSpec, SectionText } from '../../mail/mime/section.ts';
import type { CommandParser } from '../parser/command-parser.ts';

export type { SectionSpec };

export type FetchItem =
  | { type: 'UID' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' }
  | { type: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { type: 'section'; peek: boolean; section: SectionSpec; partial: { start: number; length: number } | null };

const SIMPLE = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);

// RFC 3501 §6.4.5 macros.
const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const MAX_ITEMS = 100;
const MAX_PART_DEPTH = 64;
const MAX_FIELDS = 200;

export function parseFetchItems(p: CommandParser): FetchItem[] {
  if (p.peekChar() === '(') return p.parenList(() => parseItem(p, takeName(p)), { max: MAX_ITEMS });
  const name = takeName(p);
  const macro = MACROS[name];
  if (macro) return macro.map((type) => ({ type }) as FetchItem);
  return [parseItem(p, name)];
}

/** Attribute names are letters, digits and dots; "[" starts a section, "<" a partial. */
function takeName(p: CommandParser): string {
  const name = p.takeWhile((c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e, 40).toUpperCase();
  if (name === '') p.fail('Expected fetch attribute');
  return name;
}

function parseItem(p: CommandParser, name: string): FetchItem {
  if (name === 'BODY' || name === 'BODY.PEEK') {
    if (p.peekChar() !== '[') {
      if (name === 'BODY.PEEK') p.fail('BODY.PEEK needs a section');
      return { type: 'BODY' };
    }
    const section = parseSection(p);
    let partial: { start: number; length: number } | null = null;
    if (p.tryExpect('<')) {
      const start = p.number();
      p.expect('.');
      const length = p.nzNumber();
      p.expect('>');
      partial = { start, length };
    }
    return { type: 'section', peek: name === 'BODY.PEEK', section, partial };
  }
  if (!SIMPLE.has(name)) p.fail(`Unknown fetch attribute ${name}`);
  return { type: name } as FetchItem;
}

/** "[" [section-spec] "]" */
export function parseSection(p: CommandParser): SectionSpec {
  p.expect('[');
  const part: number[] = [];
  let text: SectionText = '';
  let fields: string[] = [];
  while (p.peekChar() >= '1' && p.peekChar() <= '9') {
    part.push(p.nzNumber());
    if (part.length > MAX_PART_DEPTH) p.fail('Section part too deep');
    if (!p.tryExpect('.')) break;
    if (!(p.peekChar() >= '1' && p.peekChar() <= '9')) {
      text = sectionText(p, part.length > 0);
      break;
    }
  }
  if (part.length === 0 && p.peekChar() !== ']') text = sectionText(p, false);
  if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    p.sp();
    // RFC 3501 §9 header-list = "(" header-fld-name *(SP header-fld-name) ")"
    fields = p.parenList(() => {
      const field = p.astring().toString('latin1').toUpperCase();
      // RFC 5322 §3.6.8 field names: printable US-ASCII except ":".
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) p.fail('Invalid header field name');
      return field;
    }, { max: MAX_FIELDS });
  }
  p.expect(']');
  return { part, text, fields };
}

function sectionText(p: CommandParser, afterPart: boolean): SectionText {
  const word = p.takeWhile((c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e, 20).toUpperCase();
  switch (word) {
    case 'HEADER':
    case 'TEXT':
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return word;
    // RFC 3501 §6.4.5: MIME only follows a part number.
    case 'MIME':
      if (afterPart) return word;
      break;
  }
  return p.fail('Invalid section');
}

/** The section as echoed in the response: BODY[1.HEADER.FIELDS (FROM TO)]. */
export function sectionLabel(section: SectionSpec): string {
  let label = section.part.join('.');
  if (section.text) label += (label ? '.' : '') + section.text;
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') label += ` (${(section.fields ?? []).join(' ')})`;
  return `[${label}]`;
}
