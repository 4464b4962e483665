// "Mailboxen beheren" (SPEC R4): the linked mailboxes, each with its webmail and its Hosted Mail Key
// management, and linking another one with its activation data (R2).
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { Field } from '../fields.tsx';
import { notice as makeNotice, type Notice } from '../notices.ts';
import { useAction, type ScreenProps } from '../screen-props.ts';

export function Mailboxes({ session, navigate, onSessionLost, refresh, notice: initial }: ScreenProps & { notice: Notice | null }) {
  const { t } = useTexts();
  const [klantnummer, setKlantnummer] = useState('');
  const [code, setCode] = useState('');
  const { busy, notice, setNotice, run } = useAction(onSessionLost);

  function link(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!klantnummer.trim() || !code.trim()) return setNotice(makeNotice.error(({ t }) => t.fillAll));
    void run(async () => {
      const mailbox = await api.link(klantnummer.trim(), code.trim());
      setKlantnummer('');
      setCode('');
      await refresh();
      return makeNotice.success(({ t }) => t.linked(mailbox.address));
    });
  }

  return (
    <>
      <StepHeading>{t.mailboxesHeading}</StepHeading>
      <NoticeArea notice={notice ?? initial} />
      {session.mailboxes.length === 0 ? (
        <p>{t.noMailboxes}</p>
      ) : (
        <ul className="mailbox-list">
          {session.mailboxes.map((mailbox) => (
            <li key={mailbox.id} className="mailbox-card">
              <h2>{mailbox.displayName}</h2>
              <dl>
                <dt>{t.address}</dt>
                <dd>{mailbox.address}</dd>
                <dt>{t.klantnummer}</dt>
                <dd>{mailbox.klantnummer}</dd>
              </dl>
              <div className="actions">
                <a
                  className="button primary"
                  href={`/mail/${mailbox.id}`}
                  onClick={(event) => (event.preventDefault(), navigate({ page: 'mail', id: mailbox.id, folder: null }))}
                >
                  {t.openMail}
                  <span className="visually-hidden"> {mailbox.address}</span>
                </a>
                <a
                  className="button"
                  href={`/mailboxes/${mailbox.id}`}
                  onClick={(event) => (event.preventDefault(), navigate({ page: 'mailbox', id: mailbox.id }))}
                >
                  {t.manageKey}
                  <span className="visually-hidden"> {mailbox.address}</span>
                </a>
              </div>
            </li>
          ))}
        </ul>
      )}
      <section aria-labelledby="link-heading">
        <h2 id="link-heading">{t.linkHeading}</h2>
        <p>{t.linkExplain}</p>
        <form onSubmit={link} noValidate className="narrow">
          <Field label={t.klantnummer} name="klantnummer" inputMode="numeric" autoComplete="off" value={klantnummer} onChange={setKlantnummer} required />
          <Field label={t.activationCode} name="activation-code" autoComplete="off" value={code} onChange={setCode} required />
          <div className="actions">
            <button type="submit" className="primary" aria-disabled={busy}>
              {t.linkSubmit}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
