// Accepting an invitation (SPEC R1: no open registration): the token comes in the link's fragment,
// so it never reaches a server log or a Referer. The invitee chooses a password, enrols TOTP with
// the QR code or the key, proves it with a code, and sees the recovery codes once.
import { useEffect, useState, type FormEvent } from 'react';
import type { InvitationJson, SessionJson } from '../../../../src/web/portal/wire.ts';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { Field, NewPasswordFields, RecoveryCodeList, newPasswordProblem } from '../fields.tsx';
import { notice as makeNotice } from '../notices.ts';
import type { Route } from '../routes.ts';
import { useAction } from '../screen-props.ts';

interface Props {
  onCreated: (session: SessionJson) => void;
  navigate: (route: Route) => void;
}

export function Invite({ onCreated, navigate }: Props) {
  const { t, dateTime } = useTexts();
  const [token] = useState(() => location.hash.slice(1));
  const [invitation, setInvitation] = useState<InvitationJson | null | undefined>(undefined);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [code, setCode] = useState('');
  const [created, setCreated] = useState<{ session: SessionJson; recoveryCodes: string[] } | null>(null);
  const { busy, notice, setNotice, run } = useAction();

  useEffect(() => {
    // The token has been read: take it out of the address bar and the history.
    history.replaceState(null, '', '/invite');
    if (!token) return setInvitation(null);
    api.invitation(token).then(setInvitation, () => setInvitation(null));
  }, [token]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const problem = newPasswordProblem(password, repeat);
    if (problem) return setNotice(problem);
    if (!code.trim()) return setNotice(makeNotice.error(({ t }) => t.fillAll));
    void run(async () => {
      const result = await api.acceptInvitation(token, password, code.trim());
      setCreated({ session: result, recoveryCodes: result.recoveryCodes });
    });
  }

  if (invitation === undefined) return <p>{t.loading}</p>;
  if (invitation === null)
    return (
      <>
        <StepHeading>{t.inviteHeading}</StepHeading>
        <p role="alert">{t.inviteInvalid}</p>
        <p>
          <a href="/login" onClick={(event) => (event.preventDefault(), navigate({ page: 'login' }))}>
            {t.toSignIn}
          </a>
        </p>
      </>
    );
  if (created)
    return (
      <>
        <StepHeading key="recovery">{t.recoveryHeading}</StepHeading>
        <p>{t.recoveryExplain}</p>
        <RecoveryCodeList codes={created.recoveryCodes} onCopied={() => undefined} />
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => {
              onCreated(created.session);
              navigate({ page: 'home' });
            }}
          >
            {t.recoveryDone}
          </button>
        </div>
      </>
    );

  return (
    <>
      <StepHeading>{t.inviteHeading}</StepHeading>
      <p>{t.inviteFor(invitation.email, invitation.organisation?.name ?? null)}</p>
      <p className="hint">{t.validUntil(dateTime(invitation.expiresAt))}</p>
      <NoticeArea notice={notice} />
      <form onSubmit={submit} noValidate className="narrow">
        <NewPasswordFields email={invitation.email} password={password} repeat={repeat} onPassword={setPassword} onRepeat={setRepeat} />
        <h2>{t.totpHeading}</h2>
        <p>{t.totpExplain}</p>
        <img className="qr" alt={t.totpQrAlt} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(invitation.totp.qrSvg)}`} />
        <p>
          {t.totpSecret}: <code className="totp-secret">{invitation.totp.secret}</code>
        </p>
        <Field label={t.totpCode} name="code" inputMode="numeric" autoComplete="one-time-code" className="code-input" value={code} onChange={setCode} required />
        <div className="actions">
          <button type="submit" className="primary" aria-disabled={busy}>
            {t.createAccount}
          </button>
        </div>
      </form>
    </>
  );
}
