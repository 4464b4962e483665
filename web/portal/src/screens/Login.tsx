// Sign-in with Passage ID (SPEC R1): e-mail address, password and the second factor in one form, so
// a wrong password and a wrong code get the same answer and nothing tells which one was wrong.
import { useState, type FormEvent } from 'react';
import type { LoggedInJson } from '../../../../src/web/portal/wire.ts';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { Field } from '../fields.tsx';
import { notice as makeNotice, type Notice } from '../notices.ts';
import { useAction } from '../screen-props.ts';

export function Login({ notice: initial, onSignedIn }: { notice: Notice | null; onSignedIn: (session: LoggedInJson) => void }) {
  const { t } = useTexts();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { busy, notice, setNotice, run } = useAction();

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
      </form>
      <p className="hint">{t.noAccount}</p>
    </>
  );
}
