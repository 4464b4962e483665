// Sign-in with Passage ID (SPEC R1): e-mail address, password and the second factor in one form, so
// a wrong password and a wrong code get the same answer and nothing tells which one was wrong. The
// second factor is the code, or instead a security key or passkey (WebAuthn).
import { useState, type FormEvent } from 'react';
import type { LoggedInJson } from '../../../../src/web/portal/wire.ts';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { Field } from '../fields.tsx';
import { notice as makeNotice, type Notice } from '../notices.ts';
import { useAction } from '../screen-props.ts';
import { KeyCeremonyFailed, securityKeyAssertion, webauthnSupported } from '../webauthn.ts';

export function Login({ notice: initial, onSignedIn }: { notice: Notice | null; onSignedIn: (session: LoggedInJson) => void }) {
  const { t } = useTexts();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { busy, notice, setNotice, run } = useAction();
  const [keysSupported] = useState(webauthnSupported);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!email.trim() || !password || !code.trim()) return setNotice(makeNotice.error(({ t }) => t.fillAll));
    void run(async () => {
      onSignedIn(await api.login({ email: email.trim(), password, code: code.trim() }));
    }).then((ok) => {
      if (!ok) setCode('');
    });
  }

  /** The same sign-in with a security key's assertion in place of the code. */
  function signInWithKey() {
    if (busy) return;
    if (!email.trim() || !password) return setNotice(makeNotice.error(({ t }) => t.fillEmailPassword));
    void run(async () => {
      try {
        const webauthn = await securityKeyAssertion(email.trim());
        onSignedIn(await api.login({ email: email.trim(), password, webauthn }));
      } catch (error) {
        // Cancelled, timed out, or no key of this address: one answer, as for a wrong code.
        if (error instanceof KeyCeremonyFailed) return makeNotice.error(({ t }) => t.keyNotUsed);
        throw error;
      }
    });
  }

  return (
    <>
      <StepHeading>{t.loginHeading}</StepHeading>
      <NoticeArea notice={notice ?? initial} />
      <form onSubmit={submit} noValidate className="narrow">
        <Field label={t.email} type="email" name="email" autoComplete="username" value={email} onChange={setEmail} required />
        <Field label={t.password} type="password" name="password" autoComplete="current-password" value={password} onChange={setPassword} required />
        <Field
          label={t.code}
          hint={t.codeHint}
          name="code"
          inputMode="text"
          autoComplete="one-time-code"
          className="code-input"
          value={code}
          onChange={setCode}
          required
        />
        <div className="actions">
          <button type="submit" className="primary" aria-disabled={busy}>
            {t.loginSubmit}
          </button>
        </div>
        {keysSupported && (
          <div className="key-login">
            <p className="hint" id="key-login-hint">
              {t.keyLoginHint}
            </p>
            <div className="actions">
              <button type="button" aria-disabled={busy} aria-describedby="key-login-hint" onClick={signInWithKey}>
                {t.keyLogin}
              </button>
            </div>
          </div>
        )}
      </form>
      <p className="hint">{t.noAccount}</p>
    </>
  );
}
