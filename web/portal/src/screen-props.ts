// What every signed-in screen gets from App, and the one way screens run an API call: busy while it
// runs, its outcome as a notice, and a lost session handed back to App.
import { useCallback, useState } from 'react';
import type { SessionJson } from '../../../src/web/portal/wire.ts';
import { ApiFailure } from './api.ts';
import { errorNotice, type Notice } from './notices.ts';
import type { Route } from './routes.ts';

export interface ScreenProps {
  session: SessionJson;
  navigate: (route: Route, replace?: boolean, withNotice?: Notice | null) => void;
  onSessionLost: () => void;
  /** Reloads the session (its mailboxes, recovery codes left). */
  refresh: () => Promise<void>;
}

export function useAction(onSessionLost?: () => void) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const run = useCallback(
    async (step: () => Promise<Notice | null | void>): Promise<boolean> => {
      setBusy(true);
      try {
        setNotice((await step()) ?? null);
        return true;
      } catch (error) {
        if (onSessionLost && error instanceof ApiFailure && error.body.error === 'no-session') onSessionLost();
        else setNotice(errorNotice(error));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [onSessionLost],
  );
  return { busy, notice, setNotice, run };
}
