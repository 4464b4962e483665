// Step 1: who is writing — name, e-mail address and, if they like, a mobile number for an SMS code —
// with the privacy line saying what the addresses are used for. A refused field is marked invalid
// and gets the focus, so the next try starts where the problem is.
import { useEffect, useId, useRef, type FormEvent } from 'react';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import type { Notice } from '../notices.ts';

export interface Contact {
  name: string;
  email: string;
  mobile: string;
}

export type ContactField = keyof Contact;

interface Props {
  organisation: string;
  contact: Contact;
  invalid: ContactField | null;
  notice: Notice | null;
  busy: boolean;
  onChange: (contact: Contact) => void;
  onSubmit: () => void;
}

export function ContactForm({ organisation, contact, invalid, notice, busy, onChange, onSubmit }: Props) {
  const { t } = useTexts();
  const ids = { name: useId(), email: useId(), mobile: useId(), mobileHint: useId(), privacy: useId() };
  const inputs = useRef<Partial<Record<ContactField, HTMLInputElement | null>>>({});

  // `notice` changes with every refusal, also a repeated one for the same field.
  useEffect(() => {
    if (invalid) inputs.current[invalid]?.focus();
  }, [invalid, notice]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!busy) onSubmit();
  }

  const field = (name: ContactField) => ({
    id: ids[name],
    name,
    ref: (element: HTMLInputElement | null) => {
      inputs.current[name] = element;
    },
    value: contact[name],
    'aria-invalid': invalid === name ? true : undefined,
    onChange: (event: { target: { value: string } }) => onChange({ ...contact, [name]: event.target.value }),
  });

  return (
    <>
      <StepHeading>{t.contactHeading(organisation)}</StepHeading>
      <p className="muted step">{t.step(1, 3)}</p>
      <NoticeArea notice={notice} />
      <p>{t.contactIntro}</p>
      <p id={ids.privacy} className="privacy">
        {t.privacy(organisation)}
      </p>
      <form onSubmit={submit} noValidate aria-describedby={ids.privacy}>
        <div className="field">
          <label htmlFor={ids.name}>{t.nameLabel}</label>
          <input {...field('name')} type="text" autoComplete="name" maxLength={100} required />
        </div>
        <div className="field">
          <label htmlFor={ids.email}>{t.emailLabel}</label>
          <input
            {...field('email')}
            type="email"
            inputMode="email"
            autoComplete="email"
            autoCapitalize="off"
            spellCheck={false}
            maxLength={254}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={ids.mobile}>{t.mobileLabel}</label>
          <input
            {...field('mobile')}
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            maxLength={40}
            aria-describedby={ids.mobileHint}
          />
          <p id={ids.mobileHint} className="hint">
            {t.mobileHint}
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="primary" aria-disabled={busy}>
            {t.requestCode}
          </button>
        </div>
      </form>
    </>
  );
}
