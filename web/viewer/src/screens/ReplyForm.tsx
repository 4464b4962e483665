// The secure reply: text and files (the shared AttachmentPicker checks them against REPLY_LIMITS as
// they are added, so the reader hears at once which file is too large).
import { useId, useState, type FormEvent } from 'react';
import { REPLY_LIMITS, type ReplySentJson } from '../../../../src/web/viewer/wire.ts';
import type { AttachmentRefusal } from '../../../shared/attachments.ts';
import { AttachmentPicker } from '../../../shared/components.tsx';
import { api } from '../api.ts';
import { useTexts } from '../components.tsx';
import { notice, type Notice } from '../notices.ts';

interface Props {
  onNotice: (notice: Notice | null) => void;
  onSent: (reply: ReplySentJson) => void;
  onFailure: (error: unknown) => void;
}

export function ReplyForm({ onNotice, onSent, onFailure }: Props) {
  const { t, size } = useTexts();
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [sending, setSending] = useState(false);
  const textId = useId();

  function refused(refusal: AttachmentRefusal) {
    if (refusal.reason === 'file-too-large')
      return onNotice(notice.error(({ t }) => t.errorFileTooLarge(refusal.name)));
    onNotice(
      notice.error(({ t }) => (refusal.reason === 'too-many-files' ? t.errorTooManyFiles : t.errorTotalTooLarge)),
    );
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    if (!text.trim() && files.length === 0) return onNotice(notice.error(({ t }) => t.replyEmpty));
    const form = new FormData();
    form.append('text', text);
    for (const file of files) form.append('attachments', file, file.name);
    setSending(true);
    onNotice(notice.info(({ t }) => t.replySending));
    try {
      const sent = await api.reply(form);
      setText('');
      setFiles([]);
      onSent(sent);
      onNotice(notice.success(({ t }) => t.replySent));
    } catch (error) {
      onFailure(error);
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={send} noValidate className="reply">
      <div className="field">
        <label htmlFor={textId}>{t.replyText}</label>
        <textarea id={textId} name="text" rows={8} value={text} onChange={(event) => setText(event.target.value)} />
      </div>
      <AttachmentPicker
        files={files}
        limits={REPLY_LIMITS}
        labels={{
          add: t.replyFiles,
          hint: `${t.replyDrop} ${t.replyLimits}`,
          chosen: t.replyChosen,
          remove: t.replyRemove,
        }}
        size={size}
        onChange={(next) => {
          onNotice(null);
          setFiles(next);
        }}
        onRefused={refused}
      />
      <div className="actions">
        <button type="submit" className="primary" aria-disabled={sending}>
          {sending ? t.replySending : t.replySend}
        </button>
      </div>
    </form>
  );
}
