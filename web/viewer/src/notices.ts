// What the reader is told after each step (web/shared/notice.ts: kept as a function of the texts, so
// switching the language also translates the notice on screen). Every error code the API can answer
// has its own sentence here.
import type { ErrorJson } from '../../../src/web/viewer/wire.ts';
import { noticeMaker, type Notice as SharedNotice } from '../../shared/notice.ts';
import type { Texts } from './i18n.ts';

export type Notice = SharedNotice<Texts>;

export const notice = noticeMaker<Texts>();

/** The sentence for an error answer (or for no answer: status 0). */
export function errorNotice(status: number, body: ErrorJson): Notice {
  return notice.error(({ t, dateTime }) => {
    if (status === 0) return t.errorNetwork;
    switch (body.error) {
      case 'wrong-code':
        return t.errorWrongCode(body.attemptsLeft ?? 0);
      case 'code-expired':
        return t.errorCodeExpired;
      case 'no-code':
        return t.errorNoCode;
      case 'locked':
        return body.lockedUntil ? t.errorLocked(dateTime(body.lockedUntil)) : t.errorLockedNoTime;
      case 'resend-limit':
        return body.retryAfter ? t.errorResendLimit(dateTime(body.retryAfter)) : t.errorResendLimitNoTime;
      case 'delivery-failed':
        return t.errorDeliveryFailed;
      case 'no-session':
        return t.errorSessionExpired;
      case 'withdrawn':
        return t.withdrawnText;
      case 'expired':
        return t.expiredText;
      case 'not-found':
        return t.notFoundText;
      case 'too-large':
        switch (body.reason) {
          case 'file-too-large':
            return t.errorSomeFileTooLarge;
          case 'too-many-files':
            return t.errorTooManyFiles;
          case 'total-too-large':
            return t.errorTotalTooLarge;
          case 'text-too-long':
            return t.errorTextTooLong;
          default:
            return t.errorTooLarge;
        }
      case 'rate-limited':
        return t.errorRateLimited;
      case 'unavailable':
        return t.errorUnavailable;
      default:
        return t.errorGeneric;
    }
  });
}
