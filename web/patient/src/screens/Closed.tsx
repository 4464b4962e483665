// The screens where nothing can be sent: no patient page at this address (unknown organisation, or
// one that has it switched off), and a failure to load with a retry.
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import type { Notice } from '../notices.ts';

export type ClosedReason = 'not-found' | 'failed';

interface Props {
  reason: ClosedReason;
  notice: Notice | null;
  onRetry: () => void;
}

export function Closed({ reason, notice, onRetry }: Props) {
  const { t } = useTexts();
  if (reason === 'not-found') {
    return (
      <>
        <StepHeading>{t.notFoundHeading}</StepHeading>
        <p>{t.notFoundText}</p>
      </>
    );
  }
  return (
    <>
      <StepHeading>{t.failedHeading}</StepHeading>
      <NoticeArea notice={notice} />
      <p>{t.failedText}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={onRetry}>
          {t.retry}
        </button>
      </div>
    </>
  );
}
