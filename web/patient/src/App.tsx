// The patient page as a small state machine: contact → code → message → sent (→ another message),
// plus the closed screens. Every answer of the API decides the next step here, in one place; the
// screens only show a step and report what the patient did. The contact details and the message
// draft live here, so going back a step or re-verifying after an expired session loses nothing.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CodeSentJson, MessageSentJson, PatientPageJson } from '../../../src/web/patient/wire.ts';
import { TopBar } from '../../shared/components.tsx';
import { isLanguage, type Language } from '../../shared/language.ts';
import { ApiFailure, DOMAIN_IS_WELL_FORMED, api } from './api.ts';
import { LanguageSwitcher, TextsContext } from './components.tsx';
import { textsFor } from './i18n.ts';
import { errorNotice, notice as makeNotice, type Notice } from './notices.ts';
import { Closed, type ClosedReason } from './screens/Closed.tsx';
import { CodeStep } from './screens/CodeStep.tsx';
import { ContactForm, type Contact, type ContactField } from './screens/ContactForm.tsx';
import { EMPTY_DRAFT, MessageForm, type Draft } from './screens/MessageForm.tsx';
import { Sent } from './screens/Sent.tsx';

type Step =
  | { kind: 'loading' }
  | { kind: 'closed'; reason: ClosedReason }
  | { kind: 'contact' }
  | { kind: 'code'; sent: CodeSentJson }
  | { kind: 'message'; expiresAt: string }
  | { kind: 'sent'; sent: MessageSentJson; expiresAt: string };

/** A first check only (the server decides): something@something.tld, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NO_CONTACT: Contact = { name: '', email: '', mobile: '' };

export function App() {
  const [language, setLanguage] = useState<Language>('nl');
  const [page, setPage] = useState<PatientPageJson | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [contact, setContact] = useState<Contact>(NO_CONTACT);
  const [invalid, setInvalid] = useState<ContactField | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  /** Once the patient picks a language, the organisation's default no longer applies. */
  const languageChosen = useRef(false);
  const texts = useMemo(() => textsFor(language), [language]);

  const go = useCallback((next: Step, withNotice: Notice | null = null) => {
    setStep(next);
    setNotice(withNotice);
  }, []);

  const start = useCallback(async () => {
    if (!DOMAIN_IS_WELL_FORMED) return go({ kind: 'closed', reason: 'not-found' });
    try {
      const current = await api.page();
      setPage(current);
      if (!languageChosen.current && isLanguage(current.language)) setLanguage(current.language);
      go({ kind: 'contact' });
    } catch (error) {
      if (error instanceof ApiFailure && error.body.error === 'not-found')
        return go({ kind: 'closed', reason: 'not-found' });
      go(
        { kind: 'closed', reason: 'failed' },
        error instanceof ApiFailure ? errorNotice(error.status, error.body) : null,
      );
    }
  }, [go]);

  useEffect(() => {
    void start();
  }, [start]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  /** What a refused call means for the step: a lost verification goes back to the contact step. */
  function fail(error: unknown) {
    if (!(error instanceof ApiFailure)) {
      console.error(error);
      return setNotice(makeNotice.error(({ t }) => t.errorGeneric));
    }
    const { body } = error;
    switch (body.error) {
      case 'not-found':
        // The organisation switched the page off meanwhile.
        return go({ kind: 'closed', reason: 'not-found' });
      case 'no-session':
      case 'no-code':
        return go({ kind: 'contact' }, errorNotice(error.status, body));
      case 'bad-input':
        if (body.reason === 'email' || body.reason === 'mobile') {
          setInvalid(body.reason);
          return go({ kind: 'contact' }, errorNotice(error.status, body));
        }
        return setNotice(errorNotice(error.status, body));
      default:
        setNotice(errorNotice(error.status, body));
    }
  }

  /** Runs one request at a time; the buttons stay focusable meanwhile (aria-disabled). */
  async function run(action: () => Promise<void>) {
    if (busy) return;
    setBusy(true);
    try {
      await action();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  }

  function refuseField(field: ContactField, text: Notice['text']) {
    setInvalid(field);
    setNotice(makeNotice.error(text));
  }

  const requestCode = () => {
    if (!contact.name.trim()) return refuseField('name', ({ t }) => t.nameEmpty);
    if (!EMAIL.test(contact.email.trim())) return refuseField('email', ({ t }) => t.emailInvalid);
    setInvalid(null);
    const mobile = contact.mobile.trim();
    return run(async () => {
      const sent = await api.requestCode({ email: contact.email.trim(), ...(mobile ? { mobile } : {}) });
      if (step.kind === 'code')
        go(
          { kind: 'code', sent },
          makeNotice.info(({ t }) => t.codeResent),
        );
      else go({ kind: 'code', sent });
    });
  };

  const verify = (code: string) => {
    if (!code) return setNotice(makeNotice.error(({ t }) => t.codeEmpty));
    return run(async () => {
      const verified = await api.verify(code);
      go({ kind: 'message', expiresAt: verified.expiresAt });
    });
  };

  const sent = (result: MessageSentJson) => {
    if (step.kind !== 'message') return;
    setDraft(EMPTY_DRAFT);
    go({ kind: 'sent', sent: result, expiresAt: step.expiresAt });
  };

  const signOut = () =>
    run(async () => {
      await api.logout();
      // A shared computer should not show the next person who wrote here.
      setContact(NO_CONTACT);
      setDraft(EMPTY_DRAFT);
      go(
        { kind: 'contact' },
        makeNotice.info(({ t }) => t.signedOut),
      );
    });

  const chooseLanguage = (chosen: Language) => {
    languageChosen.current = true;
    setLanguage(chosen);
  };

  const { t } = texts;
  const organisation = page?.organisation ?? '';
  useEffect(() => {
    const titles: Partial<Record<Step['kind'], string>> = {
      contact: t.contactHeading(organisation),
      code: t.codeHeading,
      message: t.messageHeading,
      sent: t.sentHeading,
      closed: step.kind === 'closed' && step.reason === 'not-found' ? t.notFoundHeading : undefined,
    };
    const title = titles[step.kind];
    document.title = title ? `${title} – ${t.appTitle}` : t.appTitle;
  }, [step, t, organisation]);

  const signedIn = step.kind === 'message' || step.kind === 'sent';
  return (
    <TextsContext.Provider value={texts}>
      <TopBar
        brand={organisation || t.appTitle}
        switcher={<LanguageSwitcher onChange={chooseLanguage} />}
        signOut={signedIn ? { label: t.signOut, onClick: signOut } : null}
      />
      <main className="page" key={step.kind}>
        {step.kind === 'loading' && (
          <p role="status" className="muted">
            {t.loading}
          </p>
        )}
        {step.kind === 'closed' && <Closed reason={step.reason} notice={notice} onRetry={() => void start()} />}
        {step.kind === 'contact' && (
          <ContactForm
            organisation={organisation}
            contact={contact}
            invalid={invalid}
            notice={notice}
            busy={busy}
            onChange={(next) => {
              setContact(next);
              if (invalid) setInvalid(null);
            }}
            onSubmit={requestCode}
          />
        )}
        {step.kind === 'code' && (
          <CodeStep
            sent={step.sent}
            notice={notice}
            busy={busy}
            onSubmit={verify}
            onResend={requestCode}
            onBack={() => go({ kind: 'contact' })}
          />
        )}
        {step.kind === 'message' && (
          <MessageForm
            organisation={organisation}
            name={contact.name.trim()}
            expiresAt={step.expiresAt}
            draft={draft}
            notice={notice}
            onDraft={setDraft}
            onNotice={setNotice}
            onSent={sent}
            onFailure={fail}
          />
        )}
        {step.kind === 'sent' && (
          <Sent
            organisation={organisation}
            sent={step.sent}
            onAnother={() => go({ kind: 'message', expiresAt: step.expiresAt })}
            onSignOut={signOut}
          />
        )}
      </main>
      <footer className="bottom">
        <p>{t.footer}</p>
      </footer>
    </TextsContext.Provider>
  );
}
