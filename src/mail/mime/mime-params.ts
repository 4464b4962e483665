// Parameterised MIME header values: `value *(";" attribute "=" value)` as in Content-Type
// (RFC 2045 §5.1) and Content-Disposition (RFC 2183 §2), with RFC 2231 continuations merged.
// Works on latin1 byte strings and never throws: malformed parameters are skipped or taken as-is.
import type { MimeParams } from './types.ts';
import { decodeCharset, decodeHeaderText } from './text-decoding.ts';

export interface ParameterizedValue {
  /** The leading value (e.g. "text/plain"), comments and white space removed, case kept. */
  value: string;
  params: MimeParams;
}

/** Removes RFC 5322 §3.2.2 comments outside quoted strings, keeping quoted strings intact. */
export function stripComments(text: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (text[i + 1] ?? '');
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

/** Splits on `separator` outside quoted strings. */
function splitUnquoted(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\') {
      current += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** A parameter value: a quoted-string (RFC 5322 §3.2.4, escapes removed) or a token taken as-is. */
function parameterValue(raw: string): string {
  const text = raw.trim();
  if (!text.startsWith('"')) return text;
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') out += text[++i] ?? '';
    else if (c === '"') break;
    else out += c;
  }
  return out;
}

export function parseParameterizedValue(header: string): ParameterizedValue {
  const [head = '', ...rest] = splitUnquoted(stripComments(header), ';');
  const raw: MimeParams = [];
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq === -1) continue;
    const name = piece.slice(0, eq).trim().toLowerCase();
    if (name === '' || /[\s"]/.test(name)) continue;
    raw.push([name, parameterValue(piece.slice(eq + 1))]);
  }
  return { value: head.replace(/[ \t\r\n]+/g, ''), params: mergeContinuations(raw) };
}

const SEGMENT = /^(.+?)\*(?:(\d{1,3})(\*)?)?$/;

/** RFC 2231 §3-4: joins `name*0`, `name*1*`… into one parameter. A value with any extended
 * (charset-tagged, %-encoded) segment stays extended and is named `name*`, the way Dovecot sends it,
 * so clients can still learn its charset; plain segments are %-encoded to fit. The first
 * occurrence of a parameter wins (RFC 2045 §5.1 forbids repeats). */
function mergeContinuations(raw: MimeParams): MimeParams {
  const out: MimeParams = [];
  const groups = new Map<string, { index: number; segments: Map<number, [string, boolean]> }>();
  for (const [name, value] of raw) {
    const match = SEGMENT.exec(name);
    if (match === null || match[2] === undefined) {
      // plain `name=` or single extended `name*=`
      if (!out.some(([n]) => n === name)) out.push([name, value]);
      continue;
    }
    const base = match[1]!;
    let group = groups.get(base);
    if (group === undefined) {
      group = { index: out.length, segments: new Map() };
      groups.set(base, group);
      out.push([base, '']); // placeholder keeps the position of the first segment
    }
    const n = Number(match[2]);
    if (!group.segments.has(n)) group.segments.set(n, [value, match[3] === '*']);
  }
  for (const [base, group] of groups) {
    const ordered = [...group.segments.entries()].sort((a, b) => a[0] - b[0]);
    // RFC 2231 §3: segments are numbered from 0 without gaps; stop at the first gap
    const used = ordered.filter(([n], i) => n === i);
    const extended = used.some(([, [, ext]]) => ext);
    const value = used.map(([, [text, ext]]) => (extended && !ext ? percentEncode(text) : text)).join('');
    out[group.index] = [extended ? `${base}*` : base, value];
  }
  return dedupe(out);
}

function dedupe(params: MimeParams): MimeParams {
  const seen = new Set<string>();
  return params.filter(([name]) => (seen.has(name) ? false : (seen.add(name), true)));
}

function percentEncode(text: string): string {
  return text.replace(
    /[^A-Za-z0-9!#$&+\-.^_`|~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Looks up a parameter by lower-case name, preferring the RFC 2231 extended form, and returns it
 * as Unicode: `charset'lang'%XX` values through their charset (RFC 2231 §4), plain values through
 * RFC 2047 encoded words, which many mailers put in parameters despite RFC 2047 §5. */
export function paramText(params: MimeParams, name: string): string | null {
  const extended = params.find(([n]) => n === `${name}*`);
  if (extended !== undefined) {
    const match = /^([^']*)'[^']*'(.*)$/s.exec(extended[1]);
    const encoded = match ? match[2]! : extended[1];
    const bytes = Buffer.from(
      encoded.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
    return decodeCharset(bytes, match?.[1] || 'us-ascii');
  }
  const plain = params.find(([n]) => n === name);
  return plain === undefined ? null : decodeHeaderText(plain[1]);
}
