// Our error kinds as SMTP replies (STYLE §4). Internal failures become a temporary 451 so the client
// keeps the message and retries: nothing is lost and nothing internal is revealed.
import type { Logger } from 'pino';
import { TemporaryError, UserError, type UserErrorCode } from '../errors.ts';

const REPLY_CODES: Record<UserErrorCode, number> = {
  NONEXISTENT: 550,
  NOPERM: 550,
  CANNOT: 550,
  ALREADYEXISTS: 550,
  INUSE: 450,
  LIMIT: 452,
  OVERQUOTA: 552,
  TOOBIG: 552,
  AUTHENTICATIONFAILED: 535,
  BADINPUT: 550,
};

export function smtpError(error: unknown, logger: Logger): Error & { responseCode: number } {
  if (error instanceof Error && typeof (error as { responseCode?: unknown }).responseCode === 'number') {
    return error as Error & { responseCode: number };
  }
  if (error instanceof UserError) return Object.assign(new Error(error.message), { responseCode: REPLY_CODES[error.code] });
  if (error instanceof TemporaryError) return Object.assign(new Error(error.message), { responseCode: 451 });
  logger.error({ err: error }, 'smtp command failed');
  return Object.assign(new Error('Internal error, please try again later'), { responseCode: 451 });
}
