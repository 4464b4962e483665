// Step 2: the code. One field the phone can fill from the SMS (autocomplete="one-time-code"), a
// numeric keyboard, a resend, a way back to correct the address, and after a wrong code the field
// selected again so the next try is one keystroke away.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CodeSentJson } from '../../../../src/web/patient/wire.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import type { Notice } from '../notices.ts';

interface Props {
  sent: CodeSentJson;
  notice: Notice | null;
  busy: boolean;
  onSubmit: (code: string) => void;
  onResend: () => void;
  onBack: () => void;
}

export function CodeStep({ sent, notice, busy, onSubmit, onResend, onBack }: Props) {
  const { t, dateTime } = useTexts();
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();

  useEffect(() => {
    if (notice?.tone === 'error') input.current?.select();
  }, [notice]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!busy) onSubmit(code.trim());
  }

  return (
    <>
      <StepHeading>{t.codeHeading}</StepHeading>
      <p className="muted step">{t.step(2, 3)}</p>
      <NoticeArea notice={notice} />
      <p>{t.codeSent(sent.channel, sent.maskedDestination, dateTime(sent.codeValidUntil))}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={inputId}>{t.codeLabel}</label>
          <input
            ref={input}
            id={inputId}
            name="code"
            type="text"
            className="code-input"
            inputMode="numeric"
            autoComplete="one-time-code"
            autoCapitalize="off"
            spellCheck={false}
            maxLength={32}
            required
            aria-describedby={hintId}
            aria-invalid={notice?.tone === 'error' ? true : undefined}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
          <p id={hintId} className="hint">
            {t.codeHint}
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="primary" aria-disabled={busy}>
            {t.codeSubmit}
          </button>
        </div>
      </form>
      <div className="actions secondary-actions">
        <button type="button" className="secondary" aria-disabled={busy} onClick={() => !busy && onResend()}>
          {t.codeResend}
        </button>
        <button type="button" className="link-button" onClick={onBack}>
          {t.changeDetails}
        </button>
      </div>
    </>
  );
}
