// What the user is told after each step (kept as a function of the texts, so switching the language
// also translates the notice on screen), and the sentence for every error the portal API answers.
import { noticeMaker, type Notice as SharedNotice } from '../../shared/notice.ts';
import { ApiFailure } from './api.ts';
import type { PortalTexts } from './i18n.ts';

export type Notice = SharedNotice<PortalTexts>;

export const notice = noticeMaker<PortalTexts>();

/** The sentence for a failed call: the server's own message for a refused input, ours otherwise. */
export function errorNotice(error: unknown): Notice {
  if (!(error instanceof ApiFailure)) {
    console.error(error);
    return notice.error(({ t }) => t.errorGeneric);
  }
  const { status, body } = error;
  return notice.error(({ t, dateTime }) => {
    if (status === 0) return t.errorNetwork;
    switch (body.error) {
      case 'invalid-login':
        return t.loginInvalid;
      case 'throttled':
      case 'rate-limited':
        return body.retryAfter ? t.errorThrottled(dateTime(body.retryAfter)) : t.errorTooMany;
      case 'too-large':
        return t.errorTooLarge;
      case 'no-session':
        return t.errorSessionEnded;
      // Our sentence for the rule that was broken; the service's English one for a rule we have none for.
      case 'bad-input':
      case 'conflict':
      case 'not-found':
      case 'forbidden':
        return (body.reason && t.reasons[body.reason]) || body.message;
      default:
        return t.errorGeneric;
    }
  });
}
