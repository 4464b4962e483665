// A labelled input with its hint tied to it (WCAG 1.3.1, 3.3.2): the one field shape of every form.
import { useId, type InputHTMLAttributes } from 'react';
import { useTexts } from './components.tsx';

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
