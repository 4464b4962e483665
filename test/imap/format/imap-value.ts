// Test helper: parses IMAP response data (RFC 3501 §9: lists, NIL, numbers, quoted strings,
// literals, atoms) so tests can check syntax and compare values instead of spellings.

export type ImapValue = null | number | string | ImapValue[];

/** Parses exactly one value from a latin1 byte string; throws on any syntax error or trailing data. */
export function parseImapValue(text: string): ImapValue {
  const [value, end] = parseAt(text, 0);
  if (end !== text.length)
    throw new SyntaxError(`trailing data at ${end}: ${JSON.stringify(text.slice(end, end + 20))}`);
  return value;
}

function parseAt(s: string, i: number): [ImapValue, number] {
  const c = s[i];
  if (c === '(') {
    const items: ImapValue[] = [];
    i++;
    while (s[i] !== ')') {
      if (i >= s.length) throw new SyntaxError('unterminated list');
      if (items.length > 0 && s[i - 1] !== '(' && s[i - 1] !== ')' && s[i] !== ' ') {
        throw new SyntaxError(`expected space at ${i}`);
      }
      if (s[i] === ' ') {
        if (s[i + 1] === ' ' || s[i + 1] === ')') throw new SyntaxError(`stray space at ${i}`);
        i++;
      }
      const [item, next] = parseAt(s, i);
      items.push(item);
      i = next;
    }
    return [items, i + 1];
  }
  if (c === '"') {
    let out = '';
    i++;
    while (s[i] !== '"') {
      if (i >= s.length) throw new SyntaxError('unterminated quoted string');
      const ch = s[i]!;
      if (ch === '\r' || ch === '\n' || ch === '\0' || ch.charCodeAt(0) > 0x7f)
        throw new SyntaxError(`bad char in quoted string at ${i}`);
      if (ch === '\\') {
        const next = s[i + 1];
        if (next !== '\\' && next !== '"') throw new SyntaxError(`bad escape at ${i}`);
        out += next;
        i += 2;
      } else {
        out += ch;
        i++;
      }
    }
    return [out, i + 1];
  }
  if (c === '{') {
    const m = /^\{(\d+)\}\r\n/.exec(s.slice(i, i + 24));
    if (m === null) throw new SyntaxError(`bad literal at ${i}`);
    const start = i + m[0].length;
    const end = start + Number(m[1]);
    if (end > s.length) throw new SyntaxError('literal overruns input');
    if (s.slice(start, end).includes('\0')) throw new SyntaxError('NUL in literal');
    return [s.slice(start, end), end];
  }
  const m = /^[^ ()"{\r\n]+/.exec(s.slice(i));
  if (m === null) throw new SyntaxError(`unexpected ${JSON.stringify(c)} at ${i}`);
  const atom = m[0];
  if (atom === 'NIL') return [null, i + 3];
  if (/^\d+$/.test(atom)) return [Number(atom), i + atom.length];
  return [atom, i + atom.length];
}
