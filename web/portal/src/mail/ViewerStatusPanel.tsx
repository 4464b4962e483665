// A sent message's Viewer status per recipient (SPEC R15): notified, code sent/delivered, opened,
// replied, revoked or expired, with "revoke now" while it is active.
import { useCallback, useEffect, useState } from 'react';
import type { ViewerStatusJson } from '../../../../src/web/webmail/wire.ts';
import { useTexts } from '../components.tsx';
import { useMailTexts } from './mail-context.ts';
import type { WebmailApi } from './webmail-api.ts';

const MILESTONES = ['notifiedAt', 'codeSentAt', 'codeDeliveredAt', 'openedAt', 'repliedAt', 'revokedAt', 'expiredAt'] as const;

export function ViewerStatusPanel({ api, messageId, onError }: { api: WebmailApi; messageId: string; onError: (error: unknown) => void }) {
  const m = useMailTexts();
  const { dateTime } = useTexts();
  const [statuses, setStatuses] = useState<ViewerStatusJson[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setStatuses((await api.viewer()).messages.filter((status) => status.messageId === messageId));
    } catch (error) {
      onError(error);
    }
  }, [api, messageId, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  if (statuses.length === 0) return null;
  return (
    <section className="viewer-status" aria-label={m.viewerStatus}>
      <h3>{m.viewerStatus}</h3>
      <p role="status" className="hint">
        {done ?? ''}
      </p>
      <ul>
        {statuses.map((status) => (
          <li key={status.id}>
            <strong>{status.recipient}</strong> — {m.states[status.state]}
            {status.maskedMobile ? ` (${status.maskedMobile})` : ''}
            <ul className="milestones">
              {MILESTONES.filter((key) => status[key]).map((key) => (
                <li key={key}>
                  {m.milestones[key]}: {dateTime(status[key]!)}
                </li>
              ))}
              {status.state === 'active' && <li>{m.expiresAt(dateTime(status.expiresAt))}</li>}
            </ul>
            {status.state === 'active' && (
              <button
                type="button"
                onClick={() =>
                  void api.revoke(status.id).then(
                    () => {
                      setDone(m.revoked);
                      void load();
                    },
                    onError,
                  )
                }
              >
                {m.revoke}
                <span className="visually-hidden"> {status.recipient}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
