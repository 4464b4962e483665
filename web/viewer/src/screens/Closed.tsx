// The screens after which nothing more can be done with this link: unknown, withdrawn ("ingetrokken"),
// expired, signed out (with a way back in), and a failure to load (with a retry).
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import type { Notice } from '../notices.ts';

export type ClosedReason = 'not-found' | 'withdrawn' | 'expired' | 'signed-out' | 'failed';

interface Props {
  reason: ClosedReason;
  notice: Notice | null;
  onRetry: () => void;
}

export function Closed({ reason, notice, onRetry }: Props) {
  const { t } = useTexts();
  const [heading, text] = {
    'not-found': [t.notFoundHeading, t.notFoundText],
    withdrawn: [t.withdrawnHeading, t.withdrawnText],
    expired: [t.expiredHeading, t.expiredText],
    'signed-out': [t.signedOutHeading, t.signedOutText],
    failed: [t.failedHeading, t.failedText],
  }[reason];
  return (
    <>
      <StepHeading>{heading}</StepHeading>
      <NoticeArea notice={notice} />
      <p>{text}</p>
      {(reason === 'signed-out' || reason === 'failed') && (
        <div className="actions">
          <button type="button" className="primary" onClick={onRetry}>
            {reason === 'signed-out' ? t.reopen : t.retry}
          </button>
        </div>
      )}
    </>
  );
}
