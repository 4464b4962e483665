// What the Viewer's services share: storage, the sealer, the outbound paths and the rules' numbers.
import type { Logger } from 'pino';
import type { Store, ViewerMessageRecord } from '../store/store.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { OutboundMail } from '../mail/outbound.ts';
import type { MailService } from '../mail/types.ts';
import type { ContentSealer } from './content-sealing.ts';
import type { SmsGateway, ViewerLanguage } from './types.ts';
import type { PolicyService } from '../policy/policy-service.ts';
import { UserError } from '../errors.ts';

export interface ViewerContext {
  store: Store;
  blobs: BlobStore;
  sealer: ContentSealer;
  audit: AuditLog;
  outbound: OutboundMail;
  sms: SmsGateway;
  mail: MailService;
  policies: PolicyService;
  logger: Logger;
  /** `https://host[:port]`, where the Viewer is reached. */
  publicUrl: string;
  hostname: string;
}

/** SPEC R15: the code is valid 15 minutes and works once. */
export const CODE_VALID_MINUTES = 15;
/** Wrong codes before the message locks, and the first lock's length (doubling after each). */
export const MAX_WRONG_CODES = 5;
export const FIRST_LOCK_MINUTES = 15;
/** A verified Viewer session lasts this long. */
export const SESSION_MINUTES = 30;

export const LINK_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function viewerLink(publicUrl: string, link: string): string {
  return `${publicUrl}/v/${link}`;
}

export function languageOf(record: ViewerMessageRecord): ViewerLanguage {
  return record.language === 'en' || record.language === 'de' ? record.language : 'nl';
}

export function languageFromSetting(setting: 'Dutch' | 'English' | 'German'): ViewerLanguage {
  return setting === 'English' ? 'en' : setting === 'German' ? 'de' : 'nl';
}

/** The content of a live message, decrypted. */
export async function openContent(ctx: ViewerContext, record: ViewerMessageRecord): Promise<Buffer> {
  if (!record.blobId || !record.wrappedKey) throw new UserError('NONEXISTENT', 'This message is no longer available');
  return ctx.sealer.open(record.wrappedKey, await ctx.blobs.read(record.blobId));
}

export function messageState(record: ViewerMessageRecord, now: Date): 'active' | 'withdrawn' | 'expired' | 'locked' {
  if (record.revokedAt) return 'withdrawn';
  if (record.expiredAt || record.expiresAt <= now) return 'expired';
  if (record.lockedUntil && record.lockedUntil > now) return 'locked';
  return 'active';
}
