// Messages keep system flags as a bit mask (fast unseen counts and flag searches) and keywords as a
// space-separated list.
import { SYSTEM_FLAGS, type FlagUpdateMode } from '../mail/types.ts';

export const SEEN = 1;
export const DELETED = 8;

const BIT_BY_FLAG = new Map<string, number>(SYSTEM_FLAGS.map((flag, index) => [flag.toLowerCase(), 1 << index]));

export interface FlagBits {
  bits: number;
  keywords: string[];
}

export function encodeFlags(flags: readonly string[]): FlagBits {
  let bits = 0;
  const keywords: string[] = [];
  for (const flag of flags) {
    const bit = BIT_BY_FLAG.get(flag.toLowerCase());
    if (bit !== undefined) bits |= bit;
    // \Recent is session state, never stored (RFC 3501 §2.3.2).
    else if (!flag.startsWith('\\') && !keywords.some((k) => k.toLowerCase() === flag.toLowerCase())) keywords.push(flag);
  }
  return { bits, keywords };
}

export function decodeFlags(bits: number, keywords: string | null): string[] {
  const flags: string[] = [];
  SYSTEM_FLAGS.forEach((flag, index) => {
    if (bits & (1 << index)) flags.push(flag);
  });
  if (keywords) flags.push(...keywords.split(' '));
  return flags;
}

// Most messages of a folder share a handful of flag combinations: hand out one frozen array per
// combination instead of building one per row on FETCH 1:*.
const sharedFlags = new Map<string, readonly string[]>();
const SHARED_FLAGS_LIMIT = 4096;

export function decodeFlagsShared(bits: number, keywords: string | null): string[] {
  const key = keywords ? `${bits} ${keywords}` : String(bits);
  let flags = sharedFlags.get(key);
  if (!flags) {
    if (sharedFlags.size >= SHARED_FLAGS_LIMIT) sharedFlags.clear();
    flags = Object.freeze(decodeFlags(bits, keywords));
    sharedFlags.set(key, flags);
  }
  return flags as string[];
}

export function keywordsColumn(keywords: readonly string[]): string | null {
  return keywords.length ? keywords.join(' ') : null;
}

/** The flags after a STORE of `change` in `mode` (RFC 3501 §6.4.6). */
export function applyFlagUpdate(current: FlagBits, mode: FlagUpdateMode, change: FlagBits): FlagBits {
  if (mode === 'replace') return { bits: change.bits, keywords: [...change.keywords] };
  if (mode === 'add') {
    const keywords = [...current.keywords];
    for (const k of change.keywords) if (!keywords.some((c) => c.toLowerCase() === k.toLowerCase())) keywords.push(k);
    return { bits: current.bits | change.bits, keywords };
  }
  const removed = new Set(change.keywords.map((k) => k.toLowerCase()));
  return { bits: current.bits & ~change.bits, keywords: current.keywords.filter((k) => !removed.has(k.toLowerCase())) };
}
