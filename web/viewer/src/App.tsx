// The Viewer as a small state machine: landing → code → message, plus the closed screens. Every
// answer of the API decides the next step here, in one place; the screens only show a step and
// report what the reader did. No router: the URL (/v/<link>) never changes, so the back button and
// a reload both start again from the landing, which sends a reader with a live session straight
// back to the message.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CodeSentJson, LandingJson, MessageJson, ReplySentJson } from '../../../src/web/viewer/wire.ts';
import { TopBar } from '../../shared/components.tsx';
import { ApiFailure, LINK_IS_WELL_FORMED, api } from './api.ts';
import { LanguageSwitcher, TextsContext } from './components.tsx';
import { isLanguage, textsFor, type Language } from './i18n.ts';
import { errorNotice, notice as makeNotice, type Notice } from './notices.ts';
import { Closed, type ClosedReason } from './screens/Closed.tsx';
import { CodeEntry } from './screens/CodeEntry.tsx';
import { Landing } from './screens/Landing.tsx';
import { MessageScreen } from './screens/MessageScreen.tsx';

type Step =
  | { kind: 'loading' }
  | { kind: 'closed'; reason: ClosedReason }
  | { kind: 'landing' }
  | { kind: 'code'; sent: CodeSentJson | null }
  | { kind: 'message'; message: MessageJson };

export function App() {
  const [language, setLanguage] = useState<Language>('nl');
  const [landing, setLanding] = useState<LandingJson | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'loading' });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  /** Once the reader picks a language, the landing's default no longer applies. */
  const languageChosen = useRef(false);
  const texts = useMemo(() => textsFor(language), [language]);

  const go = useCallback((next: Step, withNotice: Notice | null = null) => {
    setStep(next);
    setNotice(withNotice);
  }, []);

  /** (Re)starts from the landing; with a live session, straight to the message. */
  const start = useCallback(
    async (withNotice: Notice | null = null) => {
      if (!LINK_IS_WELL_FORMED) return go({ kind: 'closed', reason: 'not-found' });
      try {
        const current = await api.landing();
        setLanding(current);
        if (!languageChosen.current && isLanguage(current.language)) setLanguage(current.language);
        if (current.state === 'withdrawn' || current.state === 'expired')
          return go({ kind: 'closed', reason: current.state });
        if (current.signedIn) return go({ kind: 'message', message: await api.message() });
        go({ kind: 'landing' }, withNotice);
      } catch (error) {
        if (error instanceof ApiFailure && error.body.error === 'not-found')
          return go({ kind: 'closed', reason: 'not-found' });
        go(
          { kind: 'closed', reason: 'failed' },
          error instanceof ApiFailure ? errorNotice(error.status, error.body) : null,
        );
      }
    },
    [go],
  );

  useEffect(() => {
    void start();
  }, [start]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  /** What any refused call means for the step: a lost session or message leaves it; the rest is a notice. */
  const fail = useCallback(
    (error: unknown) => {
      if (!(error instanceof ApiFailure)) {
        console.error(error);
        return setNotice(makeNotice.error(({ t }) => t.errorGeneric));
      }
      switch (error.body.error) {
        case 'no-session':
          // Signed out elsewhere, expired, or the message was withdrawn meanwhile: the landing knows.
          return void start(errorNotice(error.status, error.body));
        case 'withdrawn':
        case 'expired':
          return go({ kind: 'closed', reason: error.body.error });
        case 'not-found':
          if (step.kind !== 'message') return go({ kind: 'closed', reason: 'not-found' });
          return void start();
        default:
          setNotice(errorNotice(error.status, error.body));
      }
    },
    [go, start, step.kind],
  );

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

  const requestCode = () =>
    run(async () => {
      const sent = await api.requestCode();
      if (step.kind === 'code') {
        setStep({ kind: 'code', sent });
        setNotice(makeNotice.info(({ t }) => t.codeResent));
      } else go({ kind: 'code', sent });
    });

  const checkCode = (code: string) => {
    if (!code) return setNotice(makeNotice.error(({ t }) => t.codeEmpty));
    return run(async () => {
      await api.checkCode(code);
      setLanding((current) => current && { ...current, signedIn: true });
      go({ kind: 'message', message: await api.message() });
    });
  };

  const signOut = () =>
    run(async () => {
      await api.logout();
      setLanding((current) => current && { ...current, signedIn: false });
      go({ kind: 'closed', reason: 'signed-out' });
    });

  const replySent = (reply: ReplySentJson) => {
    if (step.kind !== 'message') return;
    setStep({ kind: 'message', message: { ...step.message, replies: [...step.message.replies, reply] } });
  };

  const chooseLanguage = (chosen: Language) => {
    languageChosen.current = true;
    setLanguage(chosen);
  };

  const { t } = texts;
  // The subject stays out of the title: titles end up in history and history sync (SPEC R25).
  useEffect(() => {
    const title = step.kind === 'landing' ? t.landingHeading : step.kind === 'code' ? t.codeHeading : null;
    document.title = title ? `${title} – ${t.appTitle}` : t.appTitle;
  }, [step.kind, t]);

  return (
    <TextsContext.Provider value={texts}>
      <TopBar
        brand={landing?.organisation || t.appTitle}
        switcher={<LanguageSwitcher onChange={chooseLanguage} />}
        signOut={step.kind === 'message' ? { label: t.signOut, onClick: signOut } : null}
      />
      <main className="page" key={step.kind}>
        {step.kind === 'loading' && (
          <p role="status" className="muted">
            {t.loading}
          </p>
        )}
        {step.kind === 'closed' && <Closed reason={step.reason} notice={notice} onRetry={() => void start()} />}
        {step.kind === 'landing' && landing && (
          <Landing
            landing={landing}
            notice={notice}
            busy={busy}
            onRequestCode={requestCode}
            onHaveCode={() => go({ kind: 'code', sent: null })}
          />
        )}
        {step.kind === 'code' && landing && (
          <CodeEntry
            landing={landing}
            sent={step.sent}
            notice={notice}
            busy={busy}
            onSubmit={checkCode}
            onResend={requestCode}
            onBack={() => go({ kind: 'landing' })}
          />
        )}
        {step.kind === 'message' && (
          <MessageScreen
            message={step.message}
            notice={notice}
            onNotice={setNotice}
            onReplySent={replySent}
            onFailure={fail}
          />
        )}
      </main>
      <footer className="bottom">
        <p>{t.footer}</p>
      </footer>
    </TextsContext.Provider>
  );
}
