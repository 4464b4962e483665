// Pieces every app's screens use, free of any one app's texts (textsBinding ties them to an app's
// own): the step heading that takes focus when
// a step opens (so a screen-reader user hears where they are, WCAG 2.4.3), the notice area that is
// always in the page so changes to it are announced (WCAG 4.1.3), the language switcher, and the
// attachment picker.
import { createContext, useContext, useEffect, useId, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { addAttachments, type AttachmentLimits, type AttachmentRefusal } from './attachments.ts';
import { LANGUAGES, LANGUAGE_NAMES, type Formats, type Language } from './language.ts';
import type { Notice, NoticeTone } from './notice.ts';

/**
 * An app's texts in a context, with the notice area and language switcher reading them from it:
 * each app calls this once with its own Texts type.
 */
export function textsBinding<Texts extends Formats & { t: { languageGroup: string } }>(fallback: Texts) {
  const TextsContext = createContext<Texts>(fallback);
  const useTexts = (): Texts => useContext(TextsContext);
  function NoticeArea({ notice }: { notice: Notice<Texts> | null }) {
    const texts = useTexts();
    return <LiveNotices tone={notice?.tone ?? null} text={notice ? notice.text(texts) : ''} />;
  }
  function LanguageSwitcher({ onChange }: { onChange: (language: Language) => void }) {
    const { language, t } = useTexts();
    return <SharedLanguageSwitcher language={language} label={t.languageGroup} onChange={onChange} />;
  }
  return { TextsContext, useTexts, NoticeArea, LanguageSwitcher };
}

/** The screen's h1; it takes focus when the screen appears. */
export function StepHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** Both live regions exist before anything is said in them; an error is an alert, the rest status. */
export function LiveNotices({ tone, text }: { tone: NoticeTone | null; text: string }) {
  return (
    <div className="notices">
      <p role="alert" className="notice notice-error">
        {tone === 'error' ? text : ''}
      </p>
      <p role="status" className={`notice notice-${tone === 'success' ? 'success' : 'info'}`}>
        {tone && tone !== 'error' ? text : ''}
      </p>
    </div>
  );
}

interface SwitcherProps {
  language: Language;
  /** The group's accessible name ("Taal"). */
  label: string;
  onChange: (language: Language) => void;
}

export function SharedLanguageSwitcher({ language, label, onChange }: SwitcherProps) {
  return (
    <div role="group" aria-label={label} className="languages">
      {LANGUAGES.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={code === language}
          className="language"
          onClick={() => onChange(code)}
        >
          {LANGUAGE_NAMES[code]}
        </button>
      ))}
    </div>
  );
}

export interface AttachmentLabels {
  add: string;
  /** The hint under the picker: the drop area and the limits. */
  hint: string;
  chosen: string;
  remove: string;
}

interface PickerProps {
  files: File[];
  limits: AttachmentLimits;
  labels: AttachmentLabels;
  size: (bytes: number) => string;
  onChange: (files: File[]) => void;
  onRefused: (refusal: AttachmentRefusal) => void;
}

/**
 * Files from the file picker or dropped on the box (the picker is the keyboard's way, the drop area
 * only a shortcut), each removable, checked against the limits as they are added.
 */
export function AttachmentPicker({ files, limits, labels, size, onChange, onRefused }: PickerProps) {
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();

  function add(added: FileList | null) {
    if (!added || added.length === 0) return;
    const result = addAttachments(files, Array.from(added), limits);
    if (result.ok) onChange(result.files);
    else onRefused(result);
  }

  function remove(index: number) {
    onChange(files.filter((_, i) => i !== index));
    // The removed file's button is gone: keep the keyboard in the form.
    picker.current?.focus();
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  }

  return (
    <>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragEnter={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragOver={(event) => event.preventDefault()}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <label htmlFor={inputId}>{labels.add}</label>
        <input
          ref={picker}
          id={inputId}
          type="file"
          name="attachments"
          multiple
          aria-describedby={hintId}
          onChange={(event) => {
            add(event.target.files);
            // The list below is the selection; clearing the picker lets the same file be added again.
            event.target.value = '';
          }}
        />
        <p id={hintId} className="hint">
          {labels.hint}
        </p>
      </div>
      {files.length > 0 && (
        <ul className="chosen" aria-label={labels.chosen}>
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              <span className="chosen-name">
                {file.name} <span className="muted">({size(file.size)})</span>
              </span>
              <button type="button" className="link-button" onClick={() => remove(index)}>
                {labels.remove}
                <span className="visually-hidden"> {file.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The bar above every step: whose page this is, the language switch, and sign-out once signed in. */
export function TopBar({
  brand,
  switcher,
  signOut,
}: {
  brand: string;
  switcher: ReactNode;
  signOut: { label: string; onClick: () => void } | null;
}) {
  return (
    <header className="top">
      <div className="top-inner">
        <p className="brand">{brand}</p>
        {switcher}
        {signOut && (
          <button type="button" className="secondary sign-out" onClick={signOut.onClick}>
            {signOut.label}
          </button>
        )}
      </div>
    </header>
  );
}
