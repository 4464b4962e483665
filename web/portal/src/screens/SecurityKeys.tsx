// The Account screen's security keys and passkeys (WebAuthn, SPEC R1): the list with when each was
// added and last used, removing one, and adding one under a name the holder chooses. Its notices
// are announced where the work happens, under the section's heading.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { MAX_WEBAUTHN_NAME_LENGTH, type WebauthnCredentialJson } from '../../../../src/web/portal/wire.ts';
import { NoticeArea, useTexts } from '../components.tsx';
import { Field } from '../fields.tsx';
import { notice as makeNotice } from '../notices.ts';
import { useAction } from '../screen-props.ts';
import { KeyCeremonyFailed, addSecurityKey, webauthnApi, webauthnSupported } from '../webauthn.ts';

export function SecurityKeys({ onSessionLost }: { onSessionLost: () => void }) {
  const { t, dateTime } = useTexts();
  const [keys, setKeys] = useState<WebauthnCredentialJson[] | null>(null);
  const [name, setName] = useState('');
  const [supported] = useState(webauthnSupported);
  const { busy, notice, setNotice, run } = useAction(onSessionLost);

  const load = useCallback(async () => setKeys((await webauthnApi.credentials()).credentials), []);
  useEffect(() => {
    void run(load);
  }, [run, load]);

  function add(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const chosen = name.trim();
    if (!chosen) return setNotice(makeNotice.error(({ t }) => t.keyNameMissing));
    if ([...chosen].length > MAX_WEBAUTHN_NAME_LENGTH)
      return setNotice(makeNotice.error(({ t }) => t.keyNameTooLong(MAX_WEBAUTHN_NAME_LENGTH)));
    void run(async () => {
      try {
        const added = await addSecurityKey(chosen);
        setName('');
        await load();
        return makeNotice.success(({ t }) => t.keyAdded(added.name));
      } catch (error) {
        if (error instanceof KeyCeremonyFailed)
          return makeNotice.error(({ t }) => (error.alreadyRegistered ? t.keyAlreadyAdded : t.keyNotAdded));
        throw error;
      }
    });
  }

  function remove(key: WebauthnCredentialJson) {
    if (busy) return;
    void run(async () => {
      await webauthnApi.remove(key.id);
      await load();
      return makeNotice.success(({ t }) => t.keyRemoved(key.name));
    });
  }

  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">{t.keysHeading}</h2>
      <p>{t.keysExplain}</p>
      <NoticeArea notice={notice} />
      {keys && keys.length === 0 && <p>{t.noKeys}</p>}
      {keys && keys.length > 0 && (
        <ul className="session-list key-list" aria-label={t.keysListLabel}>
          {keys.map((key) => (
            <li key={key.id}>
              <span>
                <strong>{key.name}</strong> — {t.keyCreated(dateTime(key.createdAt))},{' '}
                {key.lastUsedAt ? t.keyLastUsed(dateTime(key.lastUsedAt)) : t.keyNeverUsed}
              </span>
              <button type="button" aria-disabled={busy} onClick={() => remove(key)}>
                {t.removeKey}
                <span className="visually-hidden"> {key.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {supported ? (
        <form onSubmit={add} noValidate className="narrow">
          <Field
            label={t.keyName}
            hint={t.keyNameHint}
            type="text"
            name="key-name"
            autoComplete="off"
            maxLength={MAX_WEBAUTHN_NAME_LENGTH}
            value={name}
            onChange={setName}
            required
          />
          <div className="actions">
            <button type="submit" aria-disabled={busy}>
              {t.addKey}
            </button>
          </div>
        </form>
      ) : (
        <p>{t.keysUnsupported}</p>
      )}
    </section>
  );
}
