// The first screen: who sent the message and where the code will go — nothing medical (SPEC R25) —
// with the button that sends the code, and a way straight to the code field for a reader who already
// has one (after a reload, say) so a resend is not used up.
import type { LandingJson } from '../../../../src/web/viewer/wire.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import type { Notice } from '../notices.ts';

interface Props {
  landing: LandingJson;
  notice: Notice | null;
  busy: boolean;
  onRequestCode: () => void;
  onHaveCode: () => void;
}

export function Landing({ landing, notice, busy, onRequestCode, onHaveCode }: Props) {
  const { t, dateTime } = useTexts();
  return (
    <>
      <StepHeading>{t.landingHeading}</StepHeading>
      <NoticeArea notice={notice} />
      <p>{t.landingFrom(landing.senderName, landing.organisation)}</p>
      <p>{t.landingExplain}</p>
      <p>
        <strong>{t.landingChannel(landing.channel, landing.maskedDestination)}</strong>
      </p>
      {landing.state === 'locked' && landing.lockedUntil && (
        <p className="warning">{t.landingLocked(dateTime(landing.lockedUntil))}</p>
      )}
      <div className="actions">
        <button type="button" className="primary" aria-disabled={busy} onClick={() => !busy && onRequestCode()}>
          {t.requestCode}
        </button>
        <button type="button" className="secondary" onClick={onHaveCode}>
          {t.haveCode}
        </button>
      </div>
      <p className="muted">{t.landingAvailableUntil(dateTime(landing.expiresAt))}</p>
    </>
  );
}
