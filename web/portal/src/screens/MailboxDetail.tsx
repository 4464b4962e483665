// One mailbox's management (SPEC R3, R5): "Beheer Hosted Mail Key" → "Genereren" shows the new key
// once with a copy button and the warning that it replaces the old one; below it the manual's
// settings summary with this server's real values and the Apple configuration profile.
import { useEffect, useState } from 'react';
import type { ClientSettingsJson, HostedMailKeyJson, ServerSettingJson } from '../../../../src/web/portal/wire.ts';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { CopyableSecret } from '../fields.tsx';
import { notice as makeNotice } from '../notices.ts';
import { useAction, type ScreenProps } from '../screen-props.ts';

export function MailboxDetail({ session, id, navigate, onSessionLost, refresh }: ScreenProps & { id: number }) {
  const { t } = useTexts();
  const mailbox = session.mailboxes.find((candidate) => candidate.id === id);
  const [settings, setSettings] = useState<ClientSettingsJson | null>(null);
  const [key, setKey] = useState<HostedMailKeyJson | null>(null);
  /** Both steps cannot be taken back, so each asks once more. */
  const [confirming, setConfirming] = useState<'generate' | 'unlink' | null>(null);
  const { busy, notice, setNotice, run } = useAction(onSessionLost);

  useEffect(() => {
    if (mailbox) void run(async () => setSettings(await api.settings(mailbox.id)));
  }, [mailbox, run]);

  if (!mailbox) {
    return (
      <>
        <StepHeading>{t.keyHeading}</StepHeading>
        <p role="alert">{t.notLinked}</p>
        <BackLink navigate={navigate} />
      </>
    );
  }

  const generate = () =>
    void run(async () => {
      setConfirming(null);
      setKey(await api.generateKey(mailbox.id));
    });
  const unlink = () =>
    void run(async () => {
      await api.unlink(mailbox.id);
      await refresh();
      const { address } = mailbox;
      navigate({ page: 'mailboxes' }, false, makeNotice.success(({ t }) => t.unlinked(address)));
    });

  return (
    <>
      <BackLink navigate={navigate} />
      <StepHeading>
        {t.keyHeading}: {mailbox.address}
      </StepHeading>
      <NoticeArea notice={notice} />
      <p>{t.keyExplain}</p>
      {key ? (
        <section className="new-key" aria-labelledby="new-key-heading">
          <h2 id="new-key-heading">{t.newKeyHeading}</h2>
          <p className="warning">{t.keyShownOnce}</p>
          <CopyableSecret
            value={key.key}
            label={t.copy}
            onCopied={(ok) => setNotice(ok ? makeNotice.success(({ t }) => t.copied) : makeNotice.error(({ t }) => t.copyFailed))}
          />
        </section>
      ) : (
        <>
          <p className="warning">{t.keyWarning}</p>
          <div className="actions">
            {confirming === 'generate' ? (
              <>
                <button type="button" className="primary" aria-disabled={busy} onClick={() => !busy && generate()}>
                  {t.confirmGenerate}
                </button>
                <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                  {t.cancel}
                </button>
              </>
            ) : (
              <button type="button" className="primary" onClick={() => setConfirming('generate')}>
                {t.generate}
              </button>
            )}
          </div>
        </>
      )}
      {settings && <SettingsSummary settings={settings} mailboxId={mailbox.id} />}
      <div className="secondary-actions">
        {confirming === 'unlink' ? (
          <div className="confirm">
            <p className="warning">{t.unlinkQuestion}</p>
            <button type="button" className="secondary" aria-disabled={busy} onClick={() => !busy && unlink()}>
              {t.confirmUnlink}
            </button>{' '}
            <button type="button" className="link-button" onClick={() => setConfirming(null)}>
              {t.cancel}
            </button>
          </div>
        ) : (
          <button type="button" className="link-button" onClick={() => setConfirming('unlink')}>
            {t.unlink}
          </button>
        )}
      </div>
    </>
  );
}

function BackLink({ navigate }: Pick<ScreenProps, 'navigate'>) {
  const { t } = useTexts();
  return (
    <p>
      <a href="/mailboxes" onClick={(event) => (event.preventDefault(), navigate({ page: 'mailboxes' }))}>
        {t.backToMailboxes}
      </a>
    </p>
  );
}

/** The manual's sections 2.1 (mail program) and 3.1 (address book), filled in. */
function SettingsSummary({ settings, mailboxId }: { settings: ClientSettingsJson; mailboxId: number }) {
  const { t } = useTexts();
  const server = (title: string, setting: ServerSettingJson, extra: Array<[string, string]> = []) => (
    <div className="settings-block" key={`${title}-${setting.port}`}>
      <h3>{title}</h3>
      <dl>
        <dt>{t.server}</dt>
        <dd>{setting.host}</dd>
        <dt>{t.port}</dt>
        <dd>{setting.port}</dd>
        <dt>{t.encryption}</dt>
        <dd>{setting.security}</dd>
        {extra.map(([label, value]) => [<dt key={`${label}-dt`}>{label}</dt>, <dd key={`${label}-dd`}>{value}</dd>])}
      </dl>
    </div>
  );
  const login: Array<[string, string]> = [
    [t.userName, settings.login.userName ?? ''],
    [t.passwordSetting, t.passwordIsKey],
  ];
  return (
    <section aria-labelledby="settings-heading" className="settings">
      <h2 id="settings-heading">{t.settingsHeading}</h2>
      <p className="hint">{t.autoconfigHint}</p>
      <div className="settings-grid">
        {settings.incoming.imap && server(t.incomingImap, settings.incoming.imap, login)}
        {settings.outgoing.smtps && server(t.outgoing, settings.outgoing.smtps, login)}
        {settings.outgoing.submission && server(t.outgoingAlternative, settings.outgoing.submission, login)}
        {settings.incoming.pop3 && server(t.incomingPop3, settings.incoming.pop3, login)}
        {settings.addressBook &&
          server(t.addressBook, settings.addressBook, [
            [t.bindDn, settings.addressBook.bindDn ?? ''],
            [t.passwordSetting, t.passwordIsKey],
            [t.baseDn, settings.addressBook.searchBase],
          ])}
      </div>
      <p>
        <a href={api.mobileconfigUrl(mailboxId)} download>
          {t.appleProfile}
        </a>
      </p>
    </section>
  );
}
