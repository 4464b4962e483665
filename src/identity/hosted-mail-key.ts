// The Hosted Mail Key (SPEC R3): a server-generated password of ≥128 bits, typable (no 0/o, 1/l/i),
// shown once and stored only as an argon2id hash.
import { createHash, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
// 28 characters × log2(31) ≈ 138.7 bits.
const KEY_LENGTH = 28;
const GROUP = 4;

export function generateHostedMailKey(): string {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i++) key += ALPHABET[randomInt(ALPHABET.length)];
  return key.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/** Users copy keys with or without the dashes, in any case, sometimes with spaces. */
export function normaliseHostedMailKey(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}

// @node-rs/argon2 defaults: argon2id, m=19 MiB, t=2, p=1 (the OWASP recommendation).
export function hashHostedMailKey(key: string): Promise<string> {
  return hash(normaliseHostedMailKey(key));
}

export async function verifyHostedMailKey(storedHash: string, candidate: string): Promise<boolean> {
  try {
    return await verify(storedHash, normaliseHostedMailKey(candidate));
  } catch {
    return false;
  }
}

/** A cheap fingerprint for the in-memory cache of recently verified keys; never persisted. */
export function keyFingerprint(secret: Buffer, candidate: string): string {
  return createHash('sha256').update(secret).update(normaliseHostedMailKey(candidate)).digest('base64');
}
