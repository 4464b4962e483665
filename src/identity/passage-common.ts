// What the parts of the Passage ID service share: how they name actors in the audit log, the
// throttling answer, and the pause before a failure.
import { UserError } from '../errors.ts';
import type { Actor } from './identity-service.ts';

/** The audit actor of a person signed in (or trying to) with a Passage ID. */
export function passageActor(email: string): string {
  return `passage:${email}`;
}

export function actorOf(by: Actor): { actor: string; remoteAddress: string | null } {
  return { actor: by.actor, remoteAddress: by.remoteAddress ?? null };
}

export function tooManyAttempts(retryAfterSeconds: number): UserError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new UserError('LIMIT', `Too many failed attempts: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`);
}

/** Slows guessing without holding anything: the answer to a failed attempt comes after `ms`. */
export async function pause(ms: number): Promise<void> {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
