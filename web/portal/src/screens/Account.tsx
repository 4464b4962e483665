// The Passage ID's own security (SPEC R1): password change, the sessions with sign-out per session
// and everywhere, new recovery codes, and security keys / passkeys (SecurityKeys.tsx).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { SessionInfoJson } from '../../../../src/web/portal/wire.ts';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { Field, NewPasswordFields, RecoveryCodeList, newPasswordProblem } from '../fields.tsx';
import { notice as makeNotice, type Notice } from '../notices.ts';
import { useAction, type ScreenProps } from '../screen-props.ts';
import { SecurityKeys } from './SecurityKeys.tsx';

interface Props extends ScreenProps {
  notice: Notice | null;
  onSignedOut: () => void;
}

export function Account({ session, notice: initial, onSessionLost, onSignedOut, refresh }: Props) {
  const { t, dateTime } = useTexts();
  const [sessions, setSessions] = useState<SessionInfoJson[]>([]);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [totp, setTotp] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const { busy, notice, setNotice, run } = useAction(onSessionLost);

  const loadSessions = useCallback(async () => setSessions((await api.sessions()).sessions), []);
  useEffect(() => {
    void run(loadSessions);
  }, [run, loadSessions]);

  function changePassword(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const problem = newPasswordProblem(next, repeat);
    if (problem) return setNotice(problem);
    void run(async () => {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      await loadSessions();
      return makeNotice.success(({ t }) => t.passwordChanged);
    });
  }

  function newCodes(event: FormEvent) {
    event.preventDefault();
    if (busy || !totp.trim()) return;
    void run(async () => {
      setRecoveryCodes((await api.newRecoveryCodes(totp.trim())).recoveryCodes);
      setTotp('');
      await refresh();
    });
  }

  return (
    <>
      <StepHeading>{t.accountHeading}</StepHeading>
      <NoticeArea notice={notice ?? initial} />
      <p>{t.signedInAs(session.account.email)}</p>

      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t.sessionsHeading}</h2>
        <ul className="session-list">
          {sessions.map((item) => (
            <li key={item.id}>
              <span>
                {item.userAgent || '?'} ({t.sessionFrom(item.remoteAddress)}) — {t.sessionStarted(dateTime(item.createdAt))},{' '}
                {t.sessionLastSeen(dateTime(item.lastSeenAt))}
                {item.current && <strong> ({t.thisSession})</strong>}
              </span>
              {!item.current && (
                <button
                  type="button"
                  aria-disabled={busy}
                  onClick={() => !busy && void run(async () => (await api.revokeSession(item.id), await loadSessions()))}
                >
                  {t.signOutSession}
                  <span className="visually-hidden">: {t.sessionStarted(dateTime(item.createdAt))}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
        <button
          type="button"
          aria-disabled={busy}
          onClick={() => !busy && void run(async () => (await api.revokeAllSessions(), onSignedOut()))}
        >
          {t.signOutEverywhere}
        </button>
      </section>

      <section aria-labelledby="password-heading">
        <h2 id="password-heading">{t.changePasswordHeading}</h2>
        <form onSubmit={changePassword} noValidate className="narrow">
          <Field label={t.currentPassword} type="password" name="current-password" autoComplete="current-password" value={current} onChange={setCurrent} required />
          <NewPasswordFields email={session.account.email} password={next} repeat={repeat} onPassword={setNext} onRepeat={setRepeat} />
          <div className="actions">
            <button type="submit" className="primary" aria-disabled={busy}>
              {t.changePassword}
            </button>
          </div>
        </form>
      </section>

      <section aria-labelledby="recovery-heading">
        <h2 id="recovery-heading">{t.recoveryCodesHeading}</h2>
        <p>{t.recoveryCodesLeft(session.recoveryCodesLeft)}</p>
        {recoveryCodes ? (
          <>
            <p className="warning">{t.recoveryExplain}</p>
            <RecoveryCodeList codes={recoveryCodes} onCopied={(ok) => setNotice(ok ? makeNotice.success(({ t }) => t.copied) : makeNotice.error(({ t }) => t.copyFailed))} />
          </>
        ) : (
          <form onSubmit={newCodes} noValidate className="narrow">
            <Field label={t.totpCode} hint={t.newRecoveryCodesHint} name="totp" inputMode="numeric" autoComplete="one-time-code" value={totp} onChange={setTotp} required />
            <div className="actions">
              <button type="submit" aria-disabled={busy}>
                {t.newRecoveryCodes}
              </button>
            </div>
          </form>
        )}
      </section>

      <SecurityKeys onSessionLost={onSessionLost} />
    </>
  );
}
