// A labelled input with its hint tied to it (WCAG 1.3.1, 3.3.2): the one field shape of every form.
import { useId, type InputHTMLAttributes } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../src/web/portal/wire.ts';
import { useTexts } from './components.tsx';
import { notice as makeNotice, type Notice } from './notices.ts';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'id'> {
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
}

export function Field({ label, hint, value, onChange, ...input }: FieldProps) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <input id={id} aria-describedby={hint ? hintId : undefined} value={value} onChange={(event) => onChange(event.target.value)} {...input} />
    </div>
  );
}

/** A secret shown once, with a copy button (the Hosted Mail Key, recovery codes, links). */
export function CopyableSecret({ value, label, onCopied }: { value: string; label: string; onCopied: (ok: boolean) => void }) {
  return (
    <div className="secret">
      <code className="secret-value">{value}</code>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void navigator.clipboard.writeText(value).then(
            () => onCopied(true),
            () => onCopied(false),
          )
        }
      >
        {label}
      </button>
    </div>
  );
}

/** Recovery codes, shown once: listed, and copyable in one go to a password manager or a note. */
export function RecoveryCodeList({ codes, onCopied }: { codes: string[]; onCopied: (ok: boolean) => void }) {
  const { t } = useTexts();
  return (
    <>
      <ul className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void navigator.clipboard.writeText(codes.join('\n')).then(
            () => onCopied(true),
            () => onCopied(false),
          )
        }
      >
        {t.copy}
      </button>
    </>
  );
}

/** Choosing a new password (an invitation, a password change): the account's name for password
 * managers, the password with its rule, and the repeat. */
export function NewPasswordFields(props: { email: string; password: string; repeat: string; onPassword: (value: string) => void; onRepeat: (value: string) => void }) {
  const { t } = useTexts();
  return (
    <>
      <input type="email" name="username" autoComplete="username" value={props.email} readOnly hidden />
      <Field
        label={t.newPassword}
        hint={t.passwordRule(MIN_PASSWORD_LENGTH)}
        type="password"
        name="new-password"
        autoComplete="new-password"
        value={props.password}
        onChange={props.onPassword}
        required
      />
      <Field label={t.repeatPassword} type="password" name="repeat-password" autoComplete="new-password" value={props.repeat} onChange={props.onRepeat} required />
    </>
  );
}

/** What is wrong with a new password before it is sent (the server checks again), or null. */
export function newPasswordProblem(password: string, repeat: string): Notice | null {
  if (password.length < MIN_PASSWORD_LENGTH) return makeNotice.error(({ t }) => t.passwordTooShort(MIN_PASSWORD_LENGTH));
  if (password !== repeat) return makeNotice.error(({ t }) => t.passwordMismatch);
  return null;
}
