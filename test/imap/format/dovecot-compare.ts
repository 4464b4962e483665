// Compares our IMAP output with Dovecot's stored output (golden/dovecot-*.json) as values rather
// than spellings: Dovecot echoes media types and parameter names as the message spells them and
// collapses white space in subjects and names (imap_append_string_for_humans); we send
// case-insensitive tokens upper-case and values raw (RFC 3501 §7.4.2). So both sides are parsed
// (which also checks our syntax), strings are lower-cased and white space is collapsed.
import { readFileSync } from 'node:fs';
import { parseImapValue, type ImapValue } from './imap-value.ts';

export type DovecotCorpus = Record<string, { BODYSTRUCTURE: string; ENVELOPE: string }>;

export function loadGolden<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8')) as T;
}

function normalise(value: ImapValue): ImapValue {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim().toLowerCase();
  return value;
}

/** Paths where the two values differ, e.g. "2.7.5.0.2: ours … dovecot …"; empty when equal. */
export function imapDifferences(ours: string, dovecot: string): string[] {
  const out: string[] = [];
  const walk = (a: ImapValue, b: ImapValue, path: string): void => {
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push(`${path}: ${a.length} items vs ${b.length}`);
      for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i]!, b[i]!, `${path}.${i}`);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${path}: ours ${JSON.stringify(a)?.slice(0, 120)} dovecot ${JSON.stringify(b)?.slice(0, 120)}`);
    }
  };
  walk(normalise(parseImapValue(ours)), normalise(parseImapValue(dovecot)), '');
  return out;
}
