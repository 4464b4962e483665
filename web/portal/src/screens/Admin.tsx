// Organisation admins and operators (SPEC R1, R2): invite someone (the link is shown to pass on) and
// issue a mailbox's one-time activation data.
import { useId, useState, type FormEvent } from 'react';
import type { ActivationJson, InvitedJson, RoleJson } from '../../../../src/web/portal/wire.ts';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { CopyableSecret, Field } from '../fields.tsx';
import { notice as makeNotice } from '../notices.ts';
import { useAction, type ScreenProps } from '../screen-props.ts';

export function Admin({ session, onSessionLost }: ScreenProps) {
  const { t, dateTime } = useTexts();
  const operator = session.account.role === 'operator';
  const roles: RoleJson[] = operator ? ['user', 'admin', 'operator'] : ['user', 'admin'];
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleJson>('user');
  const [organisation, setOrganisation] = useState('');
  const [invited, setInvited] = useState<InvitedJson | null>(null);
  const [mailbox, setMailbox] = useState('');
  const [activation, setActivation] = useState<ActivationJson | null>(null);
  const { busy, notice, setNotice, run } = useAction(onSessionLost);
  const roleId = useId();
  const copied = (ok: boolean) => setNotice(ok ? makeNotice.success(({ t }) => t.copied) : makeNotice.error(({ t }) => t.copyFailed));

  function invite(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!email.trim()) return setNotice(makeNotice.error(({ t }) => t.fillAll));
    void run(async () => {
      const org = operator && role !== 'operator' ? organisation.trim() : '';
      setInvited(await api.invite({ email: email.trim(), role, ...(org ? { organisation: org } : {}) }));
      setEmail('');
    });
  }

  function issue(event: FormEvent) {
    event.preventDefault();
    if (busy || !mailbox.trim()) return;
    void run(async () => setActivation(await api.issueActivation(mailbox.trim())));
  }

  if (session.account.role === 'user') {
    return (
      <>
        <StepHeading>{t.adminHeading}</StepHeading>
        <p role="alert">{t.reasons['admins-only']}</p>
      </>
    );
  }
  return (
    <>
      <StepHeading>{t.adminHeading}</StepHeading>
      <NoticeArea notice={notice} />
      {session.account.organisation && (
        <p>
          {session.account.organisation.name} ({session.account.organisation.domain})
        </p>
      )}
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading">{t.inviteSomeone}</h2>
        <form onSubmit={invite} noValidate className="narrow">
          <Field label={t.email} type="email" name="invite-email" autoComplete="off" value={email} onChange={setEmail} required />
          <div className="field">
            <label htmlFor={roleId}>{t.role}</label>
            <select id={roleId} value={role} onChange={(event) => setRole(event.target.value as RoleJson)}>
              {roles.map((option) => (
                <option key={option} value={option}>
                  {t.roles[option]}
                </option>
              ))}
            </select>
          </div>
          {operator && role !== 'operator' && (
            <Field label={t.organisationDomain} name="organisation" autoComplete="off" value={organisation} onChange={setOrganisation} required />
          )}
          <div className="actions">
            <button type="submit" className="primary" aria-disabled={busy}>
              {t.sendInvitation}
            </button>
          </div>
        </form>
        {invited && (
          <div className="result">
            <p>{t.invitationCreated(invited.email, dateTime(invited.expiresAt))}</p>
            <CopyableSecret value={invited.url} label={t.copy} onCopied={copied} />
          </div>
        )}
      </section>
      <section aria-labelledby="activation-heading">
        <h2 id="activation-heading">{t.activationHeading}</h2>
        <p>{t.activationExplain}</p>
        <form onSubmit={issue} noValidate className="narrow">
          <Field label={t.mailboxReference} name="mailbox" autoComplete="off" value={mailbox} onChange={setMailbox} required />
          <div className="actions">
            <button type="submit" className="primary" aria-disabled={busy}>
              {t.issueActivation}
            </button>
          </div>
        </form>
        {activation && (
          <div className="result">
            <p>{t.activationIssued(dateTime(activation.expiresAt))}</p>
            <dl>
              <dt>{t.klantnummer}</dt>
              <dd>
                <code>{activation.klantnummer}</code>
              </dd>
              <dt>{t.activationCode}</dt>
              <dd>
                <code className="activation-code">{activation.code}</code>
              </dd>
            </dl>
          </div>
        )}
      </section>
    </>
  );
}
