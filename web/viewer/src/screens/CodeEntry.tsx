// The code step: one field the phone can fill from the SMS (autocomplete="one-time-code"), a numeric
// keyboard, the resend button with the resends left, and after a wrong code the field selected again
// so the next try is one keystroke away.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CodeSentJson, LandingJson } from '../../../../src/web/viewer/wire.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import type { Notice } from '../notices.ts';

interface Props {
  landing: LandingJson;
  /** The last code sent from this page, or null when the reader came with a code already. */
  sent: CodeSentJson | null;
  notice: Notice | null;
  busy: boolean;
  onSubmit: (code: string) => void;
  onResend: () => void;
  onBack: () => void;
}

export function CodeEntry({ landing, sent, notice, busy, onSubmit, onResend, onBack }: Props) {
  const { t, dateTime } = useTexts();
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const inputId = useId();
  const resendsId = useId();

  // After a refused code, put the reader back in the field with the wrong code selected.
  useEffect(() => {
    if (notice?.tone === 'error') input.current?.select();
  }, [notice]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    onSubmit(code.trim());
  }

  const channel = sent?.channel ?? landing.channel;
  const destination = sent?.maskedDestination ?? landing.maskedDestination;
  return (
    <>
      <StepHeading>{t.codeHeading}</StepHeading>
      <NoticeArea notice={notice} />
      <p>
        {sent
          ? t.codeSent(channel, destination, dateTime(sent.codeValidUntil))
          : t.codeAlreadySent(channel, destination)}
      </p>
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
        <button
          type="button"
          className="secondary"
          aria-disabled={busy}
          aria-describedby={sent ? resendsId : undefined}
          onClick={() => !busy && onResend()}
        >
          {t.codeResend}
        </button>
        <button type="button" className="link-button" onClick={onBack}>
          {t.back}
        </button>
      </div>
      {sent && (
        <p id={resendsId} className="muted">
          {t.codeResendsLeft(sent.resendsLeft)}
        </p>
      )}
    </>
  );
}
