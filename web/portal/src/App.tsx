// The portal: who is signed in decides what a path shows (SPEC R4). Without a session every page but
// the invitation asks to sign in first and then goes where it was asked; "/" sends a person with
// exactly one linked mailbox to the webmail and everyone else to "Mailboxen beheren".
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LoggedInJson, SessionJson } from '../../../src/web/portal/wire.ts';
import { ApiFailure, api, rememberCsrfToken } from './api.ts';
import { LanguageSwitcher, TextsContext } from './components.tsx';
import { textsFor, type Language } from './i18n.ts';
import { notice as makeNotice, type Notice } from './notices.ts';
import { parseRoute, pathOf, type Route } from './routes.ts';
import { Account } from './screens/Account.tsx';
import { Admin } from './screens/Admin.tsx';
import { Invite } from './screens/Invite.tsx';
import { Login } from './screens/Login.tsx';
import { MailboxDetail } from './screens/MailboxDetail.tsx';
import { Mailboxes } from './screens/Mailboxes.tsx';
import { Webmail } from './mail/Webmail.tsx';

const LANGUAGE_KEY = 'zorgpost.language';

function savedLanguage(): Language {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  return saved === 'en' || saved === 'de' ? saved : 'nl';
}

export function App() {
  const [language, setLanguage] = useState<Language>(savedLanguage);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.pathname));
  const [session, setSession] = useState<SessionJson | null | undefined>(undefined);
  const [flash, setFlash] = useState<Notice | null>(null);
  const texts = useMemo(() => textsFor(language), [language]);

  /** Goes to `next`; what the last screen said goes with it unless `withNotice` says something new. */
  const navigate = useCallback((next: Route, replace = false, withNotice: Notice | null = null) => {
    const path = pathOf(next);
    if (path !== location.pathname || location.search) history[replace ? 'replaceState' : 'pushState'](null, '', path);
    setRoute(next);
    setFlash(withNotice);
  }, []);

  const signedIn = useCallback((current: SessionJson | null) => {
    rememberCsrfToken(current?.csrfToken ?? null);
    setSession(current);
  }, []);

  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem(LANGUAGE_KEY, language);
  }, [language]);

  useEffect(() => {
    api
      .session()
      .then(signedIn)
      .catch((error: unknown) => {
        signedIn(null);
        if (!(error instanceof ApiFailure && error.body.error === 'no-session')) setFlash(makeNotice.error(({ t }) => t.errorNetwork));
      });
  }, [signedIn]);

  /** A call answered "no session": the session ended elsewhere (sign-out everywhere, expiry). */
  const sessionLost = useCallback(() => {
    signedIn(null);
    setFlash(makeNotice.info(({ t }) => t.errorSessionEnded));
  }, [signedIn]);

  const refresh = useCallback(async () => {
    try {
      signedIn(await api.session());
    } catch {
      sessionLost();
    }
  }, [signedIn, sessionLost]);

  // After a recovery code, the account page: that is where new codes are made.
  const loggedIn = useCallback(
    (next: LoggedInJson) => {
      signedIn(next);
      setFlash(null);
      const left = next.recoveryCodesLeft;
      if (next.usedRecoveryCode) navigate({ page: 'account' }, true, makeNotice.info(({ t }) => t.usedRecoveryCode(left)));
    },
    [navigate, signedIn],
  );

  const signOut = useCallback(async () => {
    await api.logout().catch(() => undefined);
    signedIn(null);
    navigate({ page: 'login' });
  }, [navigate, signedIn]);

  // "/" and the sign-in page lead on once the session is known (R4).
  useEffect(() => {
    if (!session || (route.page !== 'home' && route.page !== 'login')) return;
    const only = session.mailboxes.length === 1 ? session.mailboxes[0] : undefined;
    navigate(only ? { page: 'mail', id: only.id, folder: null } : { page: 'mailboxes' }, true);
  }, [session, route.page, navigate]);

  let content;
  if (session === undefined) content = <p className="page">{texts.t.loading}</p>;
  else if (route.page === 'invite') content = <Invite onCreated={signedIn} navigate={navigate} />;
  else if (!session) content = <Login notice={flash} onSignedIn={loggedIn} />;
  else {
    const common = { session, navigate, onSessionLost: sessionLost, refresh };
    switch (route.page) {
      case 'mailbox':
        content = <MailboxDetail {...common} id={route.id} />;
        break;
      case 'account':
        content = <Account {...common} notice={flash} onSignedOut={() => signedIn(null)} />;
        break;
      case 'admin':
        content = <Admin {...common} />;
        break;
      case 'mail':
        content = <Webmail {...common} mailboxId={route.id} folder={route.folder} />;
        break;
      default:
        content = <Mailboxes {...common} notice={flash} />;
    }
  }

  const t = texts.t;
  const admin = session && session.account.role !== 'user';
  return (
    <TextsContext.Provider value={texts}>
      <header className={route.page === 'mail' ? 'top wide' : 'top'}>
        <div className="top-inner">
          {/* R4: the logo leads to mailbox management. */}
          <a className="brand" href="/mailboxes" onClick={(event) => (event.preventDefault(), navigate({ page: 'mailboxes' }))}>
            {t.appTitle}
          </a>
          {session && (
            <nav aria-label={t.mainNavigation} className="main-nav">
              <NavLink route={{ page: 'mailboxes' }} current={route} navigate={navigate} label={t.mailboxesNav} />
              <NavLink route={{ page: 'account' }} current={route} navigate={navigate} label={t.accountNav} />
              {admin && <NavLink route={{ page: 'admin' }} current={route} navigate={navigate} label={t.adminNav} />}
            </nav>
          )}
          <LanguageSwitcher onChange={setLanguage} />
          {session && (
            <button type="button" className="secondary sign-out" onClick={() => void signOut()}>
              {t.signOut}
            </button>
          )}
        </div>
      </header>
      <main className={route.page === 'mail' && session ? 'mail-main' : 'page'}>{content}</main>
      {route.page !== 'mail' && (
        <footer className="bottom">
          <p>{t.footer}</p>
        </footer>
      )}
    </TextsContext.Provider>
  );
}

function NavLink({ route, current, navigate, label }: { route: Route; current: Route; navigate: (route: Route) => void; label: string }) {
  const active = current.page === route.page || (route.page === 'mailboxes' && current.page === 'mailbox');
  return (
    <a
      href={pathOf(route)}
      aria-current={active ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        navigate(route);
      }}
    >
      {label}
    </a>
  );
}
