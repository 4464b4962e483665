// Flags in APPEND and STORE (RFC 3501 §9 flag, flag-list). System flags are returned in canonical
// case; \Recent is dropped because clients cannot set it (RFC 3501 §2.3.2).
import { SYSTEM_FLAGS } from '../../mail/types.ts';
import type { CommandParser } from './command-parser.ts';

const CANONICAL = new Map<string, string>(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));
const MAX_FLAGS = 100;

export function parseFlag(p: CommandParser): string | null {
  if (p.tryExpect('\\')) {
    const name = `\\${p.atom()}`;
    if (name.toLowerCase() === '\\recent') return null;
    const canonical = CANONICAL.get(name.toLowerCase());
    if (!canonical) p.fail(`Unknown system flag ${name}`);
    return canonical;
  }
  const keyword = p.atom();
  if (keyword.length > 200) p.fail('Keyword too long');
  return keyword;
}

/** "(" [flag *(SP flag)] ")" */
export function parseFlagList(p: CommandParser): string[] {
  return dedupe(p.parenList(() => parseFlag(p), { allowEmpty: true, max: MAX_FLAGS }));
}

/** STORE also accepts flags without parentheses (RFC 3501 §9 store-att-flags). */
export function parseStoreFlags(p: CommandParser): string[] {
  if (p.peekChar() === '(') return parseFlagList(p);
  const flags: Array<string | null> = [parseFlag(p)];
  while (p.trySp()) {
    flags.push(parseFlag(p));
    if (flags.length > MAX_FLAGS) p.fail('Too many flags');
  }
  return dedupe(flags);
}

function dedupe(flags: Array<string | null>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const flag of flags) {
    if (flag === null) continue;
    const key = flag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(flag);
  }
  return out;
}
