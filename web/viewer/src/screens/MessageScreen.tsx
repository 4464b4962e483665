// The opened message (SPEC R15, NTA 7516 6.1.18): the plain text as sent, the formatted version on
// request in a frame that may run nothing and load nothing remote, the attachments, the own copy as
// .eml and PDF, and the secure reply with the replies sent so far.
import { useId, useState } from 'react';
import type { MessageJson, ReplySentJson } from '../../../../src/web/viewer/wire.ts';
import { urls } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import type { Notice } from '../notices.ts';
import { ReplyForm } from './ReplyForm.tsx';

interface Props {
  message: MessageJson;
  notice: Notice | null;
  onNotice: (notice: Notice | null) => void;
  onReplySent: (reply: ReplySentJson) => void;
  onFailure: (error: unknown) => void;
}

export function MessageScreen({ message, notice, onNotice, onReplySent, onFailure }: Props) {
  const { t, dateTime, size } = useTexts();
  const [showHtml, setShowHtml] = useState(false);
  const frameId = useId();
  const sender = message.from.name || message.from.address;
  return (
    <>
      <StepHeading>{message.subject || t.noSubject}</StepHeading>
      <NoticeArea notice={notice} />
      <dl className="headers">
        <dt>{t.from}</dt>
        <dd>{message.from.name ? `${message.from.name} <${message.from.address}>` : message.from.address}</dd>
        <dt>{t.to}</dt>
        <dd>{message.to}</dd>
        <dt>{t.date}</dt>
        <dd>{dateTime(message.date)}</dd>
      </dl>

      <div className="body-text">{message.text}</div>

      {message.hasHtml && (
        <div className="formatted">
          <button
            type="button"
            className="secondary"
            aria-expanded={showHtml}
            aria-controls={frameId}
            onClick={() => setShowHtml(!showHtml)}
          >
            {showHtml ? t.hideFormatted : t.showFormatted}
          </button>
          <div id={frameId}>
            {showHtml && <iframe className="html-frame" sandbox="" src={urls.bodyHtml} title={t.formattedTitle} />}
          </div>
        </div>
      )}

      {message.attachments.length > 0 && (
        <section aria-labelledby={`${frameId}-attachments`}>
          <h2 id={`${frameId}-attachments`}>{t.attachmentsHeading}</h2>
          <ul className="files">
            {message.attachments.map((attachment) => (
              <li key={attachment.index}>
                <a href={urls.attachment(attachment.index)}>
                  {attachment.filename}
                  <span className="visually-hidden"> ({t.download})</span>
                </a>{' '}
                <span className="muted">({size(attachment.size)})</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby={`${frameId}-copy`}>
        <h2 id={`${frameId}-copy`}>{t.copyHeading}</h2>
        <p className="muted">{t.messageAvailableUntil(dateTime(message.expiresAt))}</p>
        <ul className="files">
          <li>
            <a href={urls.copy('eml')}>{t.copyEml}</a>
          </li>
          <li>
            <a href={urls.copy('pdf')}>{t.copyPdf}</a>
          </li>
        </ul>
      </section>

      <section aria-labelledby={`${frameId}-reply`}>
        <h2 id={`${frameId}-reply`}>{t.replyHeading}</h2>
        <p>{t.replyIntro(sender)}</p>
        <ReplyForm onNotice={onNotice} onSent={onReplySent} onFailure={onFailure} />
        {message.replies.length > 0 && (
          <>
            <h3>{t.repliesHeading}</h3>
            <ul className="replies">
              {message.replies.map((reply, index) => (
                <li key={`${reply.at}-${index}`}>{t.replyItem(dateTime(reply.at), reply.attachmentCount)}</li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
