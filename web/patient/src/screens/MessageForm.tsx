// Step 3: the message — subject, text and files (the shared AttachmentPicker checks each against
// MESSAGE_LIMITS as it is added). The draft lives in the App, so a session that ran out while the
// patient was writing costs a new code, not the text.
import { useId, useState, type FormEvent } from 'react';
import { MESSAGE_LIMITS, type MessageSentJson } from '../../../../src/web/patient/wire.ts';
import type { AttachmentRefusal } from '../../../shared/attachments.ts';
import { AttachmentPicker } from '../../../shared/components.tsx';
import { api } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { notice as makeNotice, type Notice } from '../notices.ts';

export interface Draft {
  subject: string;
  text: string;
  files: File[];
}

export const EMPTY_DRAFT: Draft = { subject: '', text: '', files: [] };

interface Props {
  organisation: string;
  name: string;
  /** Until when this verification may send messages. */
  expiresAt: string;
  draft: Draft;
  notice: Notice | null;
  onDraft: (draft: Draft) => void;
  onNotice: (notice: Notice | null) => void;
  onSent: (sent: MessageSentJson) => void;
  onFailure: (error: unknown) => void;
}

export function MessageForm(props: Props) {
  const { organisation, name, expiresAt, draft, notice, onDraft, onNotice, onSent, onFailure } = props;
  const { t, time, size } = useTexts();
  const [sending, setSending] = useState(false);
  const subjectId = useId();
  const textId = useId();

  function refused(refusal: AttachmentRefusal) {
    if (refusal.reason === 'file-too-large')
      return onNotice(makeNotice.error(({ t }) => t.errorFileTooLarge(refusal.name)));
    onNotice(
      makeNotice.error(({ t }) => (refusal.reason === 'too-many-files' ? t.errorTooManyFiles : t.errorTotalTooLarge)),
    );
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    if (!draft.text.trim() && draft.files.length === 0) return onNotice(makeNotice.error(({ t }) => t.messageEmpty));
    const form = new FormData();
    form.append('name', name);
    form.append('subject', draft.subject);
    form.append('text', draft.text);
    for (const file of draft.files) form.append('attachments', file, file.name);
    setSending(true);
    onNotice(makeNotice.info(({ t }) => t.sending));
    try {
      onSent(await api.send(form));
    } catch (error) {
      onFailure(error);
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <StepHeading>{t.messageHeading}</StepHeading>
      <p className="muted step">{t.step(3, 3)}</p>
      <NoticeArea notice={notice} />
      <p>{t.messageIntro(organisation)}</p>
      <p className="muted">{t.sessionUntil(time(expiresAt))}</p>
      <form onSubmit={send} noValidate>
        <div className="field">
          <label htmlFor={subjectId}>{t.subjectLabel}</label>
          <input
            id={subjectId}
            name="subject"
            type="text"
            maxLength={MESSAGE_LIMITS.subjectChars}
            value={draft.subject}
            onChange={(event) => onDraft({ ...draft, subject: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={textId}>{t.textLabel}</label>
          <textarea
            id={textId}
            name="text"
            rows={10}
            value={draft.text}
            onChange={(event) => onDraft({ ...draft, text: event.target.value })}
          />
        </div>
        <AttachmentPicker
          files={draft.files}
          limits={MESSAGE_LIMITS}
          labels={{ add: t.filesLabel, hint: t.filesHint, chosen: t.filesChosen, remove: t.fileRemove }}
          size={size}
          onChange={(files) => {
            onNotice(null);
            onDraft({ ...draft, files });
          }}
          onRefused={refused}
        />
        <div className="actions">
          <button type="submit" className="primary" aria-disabled={sending}>
            {sending ? t.sending : t.send}
          </button>
        </div>
      </form>
    </>
  );
}
