// Step 4: the message has arrived — how the answer will come, and the way to write another one
// (the verification holds until its session ends) or to sign out.
import type { MessageSentJson } from '../../../../src/web/patient/wire.ts';
import { StepHeading, useTexts } from '../components.tsx';

interface Props {
  organisation: string;
  sent: MessageSentJson;
  onAnother: () => void;
  onSignOut: () => void;
}

export function Sent({ organisation, sent, onAnother, onSignOut }: Props) {
  const { t } = useTexts();
  return (
    <>
      <StepHeading>{t.sentHeading}</StepHeading>
      <p role="status" className="notice notice-success">
        {t.sentText(organisation, sent.attachmentCount)}
      </p>
      <p>{t.sentAnswer}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={onAnother}>
          {t.writeAnother}
        </button>
        <button type="button" className="secondary" onClick={onSignOut}>
          {t.signOut}
        </button>
      </div>
    </>
  );
}
