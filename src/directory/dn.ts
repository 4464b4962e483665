// Distinguished names (RFC 4514): parsing what clients send, comparing names the way the directory
// matches values, and writing names with the escapes §2.4 requires.
import { attributeDefinition } from './schema.ts';
import { normaliseText } from './normalise.ts';

export interface Rdn {
  /** Lower-case attribute type, aliases resolved ("userid" → "uid"). */
  type: string;
  value: string;
}

export class DnSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnSyntaxError';
  }
}

/** Parses a DN into RDNs, most specific first. Multi-valued RDNs (`a=1+b=2`) are refused: no entry
 * here is named that way. */
export function parseDn(text: string): Rdn[] {
  const rdns: Rdn[] = [];
  let i = 0;
  const skipSpaces = () => {
    while (text[i] === ' ') i++;
  };
  skipSpaces();
  if (i === text.length) return rdns;
  for (;;) {
    skipSpaces();
    const typeStart = i;
    while (i < text.length && /[A-Za-z0-9.;-]/.test(text[i]!)) i++;
    const type = text.slice(typeStart, i);
    skipSpaces();
    if (!type || text[i] !== '=') throw new DnSyntaxError(`expected "attribute=value" at position ${typeStart + 1}`);
    i++;
    skipSpaces();
    const { value, end } = readValue(text, i);
    i = end;
    rdns.push({ type: canonicalType(type), value });
    if (i === text.length) return rdns;
    if (text[i] === '+') throw new DnSyntaxError('multi-valued RDNs are not supported');
    if (text[i] !== ',' && text[i] !== ';') throw new DnSyntaxError(`unexpected "${text[i]}" at position ${i + 1}`);
    i++;
  }
}

function canonicalType(type: string): string {
  const definition = attributeDefinition(type);
  return definition ? definition.name.toLowerCase() : type.toLowerCase();
}

function readValue(text: string, start: number): { value: string; end: number } {
  // RFC 4514 §3: "#" starts a hex-encoded BER value; no attribute of ours is binary.
  if (text[start] === '#') throw new DnSyntaxError('hex-encoded RDN values are not supported');
  const bytes: number[] = [];
  let i = start;
  let lastSignificant = 0;
  const push = (s: string) => {
    for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
  };
  while (i < text.length && text[i] !== ',' && text[i] !== ';' && text[i] !== '+') {
    const c = text[i]!;
    if (c === '\\') {
      const next = text.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(next)) {
        bytes.push(parseInt(next, 16));
        i += 3;
      } else if (i + 1 < text.length) {
        push(text[i + 1]!);
        i += 2;
      } else {
        throw new DnSyntaxError('DN ends in a lone backslash');
      }
      lastSignificant = bytes.length;
      continue;
    }
    if (c === '"') throw new DnSyntaxError('quoted RDN values are not supported');
    push(c);
    if (c !== ' ') lastSignificant = bytes.length;
    i++;
  }
  // Unescaped trailing spaces are not part of the value (RFC 4514 §3).
  return { value: Buffer.from(bytes.slice(0, lastSignificant)).toString('utf8'), end: i };
}

/** RFC 4514 §2.4 escaping of an attribute value. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=\0]/g, (c) => (c === '\0' ? '\\00' : `\\${c}`));
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map((r) => `${r.type}=${escapeDnValue(r.value)}`).join(',');
}

/** Whether two parsed names are the same under the directory's matching rules. */
export function sameDn(a: readonly Rdn[], b: readonly Rdn[]): boolean {
  return (
    a.length === b.length &&
    a.every((rdn, i) => rdn.type === b[i]!.type && normaliseText(rdn.value) === normaliseText(b[i]!.value))
  );
}

/** Whether `dn` ends with `suffix` (is `suffix` or below it). */
export function endsWithDn(dn: readonly Rdn[], suffix: readonly Rdn[]): boolean {
  return dn.length >= suffix.length && sameDn(dn.slice(dn.length - suffix.length), suffix);
}
