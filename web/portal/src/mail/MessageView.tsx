// The reading pane: headers, the actions, the conversation the message belongs to, attachments, and
// the body — plain text as text, HTML sanitised by the server and shown in a sandboxed frame that
// runs no script and loads nothing remote until the reader asks for the images (SPEC R25).
import { useEffect, useId, useRef, useState } from 'react';
import type { AddressJson, FolderJson, MessageJson, MessageRowJson } from '../../../../src/web/webmail/wire.ts';
import { useTexts } from '../components.tsx';
import { folderLabel } from './FolderPane.tsx';
import { useMailTexts } from './mail-context.ts';
import { ViewerStatusPanel } from './ViewerStatusPanel.tsx';
import type { WebmailApi } from './webmail-api.ts';

interface Props {
  api: WebmailApi;
  message: MessageJson;
  folder: FolderJson;
  folders: FolderJson[];
  rows: MessageRowJson[];
  onOpen: (uid: number) => void;
  onClose: () => void;
  onReply: (mode: 'reply' | 'all') => void;
  onForward: () => void;
  onFlag: (flag: 'flagged' | 'seen', on: boolean) => void;
  onMove: (to: FolderJson) => void;
  onDelete: () => void;
  onError: (error: unknown) => void;
}

function names(list: AddressJson[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

/** Messages of the list in the same conversation: linked by Message-ID, In-Reply-To and References. */
function conversation(message: MessageJson, rows: MessageRowJson[]): MessageRowJson[] {
  const ids = new Set([message.messageId, message.inReplyTo, ...message.references].filter((id): id is string => Boolean(id)));
  return rows.filter((row) => row.uid !== message.uid && ((row.messageId && ids.has(row.messageId)) || (row.inReplyTo && message.messageId && row.inReplyTo === message.messageId)));
}

export function MessageView({ api, message, folder, folders, rows, onOpen, onClose, onReply, onForward, onFlag, onMove, onDelete, onError }: Props) {
  const m = useMailTexts();
  const { dateTime, size } = useTexts();
  const heading = useRef<HTMLHeadingElement>(null);
  const [formatted, setFormatted] = useState(message.hasHtml);
  const [images, setImages] = useState(false);
  const [target, setTarget] = useState('');
  const moveId = useId();
  const flagged = message.flags.includes('\\Flagged');
  const inTrash = folder.specialUse === '\\Trash';
  const related = conversation(message, rows);
  const files = message.attachments.filter((a) => !a.inline || !message.hasHtml);

  useEffect(() => {
    setFormatted(message.hasHtml);
    setImages(false);
    heading.current?.focus();
  }, [message.folderId, message.uid, message.hasHtml]);

  return (
    <article className="message-view">
      <button type="button" className="link-button back-to-list" onClick={onClose}>
        {m.backToList}
      </button>
      <h2 ref={heading} tabIndex={-1} className="message-subject">
        {message.subject || m.noSubject}
      </h2>
      <dl className="message-headers">
        <dt>{m.from}</dt>
        <dd>{message.from ? names([message.from]) : ''}</dd>
        {message.to.length > 0 && (
          <>
            <dt>{m.to}</dt>
            <dd>{names(message.to)}</dd>
          </>
        )}
        {message.cc.length > 0 && (
          <>
            <dt>{m.cc}</dt>
            <dd>{names(message.cc)}</dd>
          </>
        )}
        <dt>{m.date}</dt>
        <dd>{dateTime(message.date)}</dd>
      </dl>
      <div className="message-actions" role="group" aria-label={m.subject}>
        <button type="button" onClick={() => onReply('reply')}>
          {m.reply}
        </button>
        <button type="button" onClick={() => onReply('all')}>
          {m.replyAll}
        </button>
        <button type="button" onClick={onForward}>
          {m.forward}
        </button>
        <button type="button" aria-pressed={flagged} onClick={() => onFlag('flagged', !flagged)}>
          {flagged ? m.unflag : m.flag}
        </button>
        <button type="button" onClick={() => onFlag('seen', false)}>
          {m.markUnread}
        </button>
        <span className="move">
          <label htmlFor={moveId} className="visually-hidden">
            {m.moveTo}
          </label>
          <select id={moveId} value={target} onChange={(event) => setTarget(event.target.value)}>
            <option value="">{m.moveTo}…</option>
            {folders
              .filter((f) => f.id !== folder.id)
              .map((f) => (
                <option key={f.id} value={f.id}>
                  {folderLabel(f, m)}
                </option>
              ))}
          </select>
          <button
            type="button"
            onClick={() => {
              const to = folders.find((f) => String(f.id) === target);
              if (to) onMove(to);
            }}
          >
            {m.move}
          </button>
        </span>
        <button type="button" className="danger" onClick={onDelete}>
          {inTrash ? m.deletePermanently : m.delete}
        </button>
      </div>
      {folder.specialUse === '\\Sent' && message.messageId && <ViewerStatusPanel api={api} messageId={message.messageId} onError={onError} />}
      {related.length > 0 && (
        <nav className="conversation" aria-label={m.conversation}>
          <h3>{m.conversation}</h3>
          <ul>
            {related.map((row) => (
              <li key={row.uid}>
                <button type="button" className="link-button" onClick={() => onOpen(row.uid)}>
                  {row.from?.name || row.from?.address} — {row.subject || m.noSubject} ({dateTime(row.date)})
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {files.length > 0 && (
        <section className="attachments" aria-label={m.attachments}>
          <h3>{m.attachments}</h3>
          <ul>
            {files.map((file) => (
              <li key={file.part}>
                <a href={api.partUrl(message.folderId, message.uid, file.part)} download={file.filename}>
                  {file.filename}
                </a>{' '}
                <span className="muted">({size(file.size)})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="message-tools">
        <a href={api.rawUrl(message.folderId, message.uid)} download>
          {m.downloadEml}
        </a>
        {message.hasHtml && (
          <button type="button" className="link-button" onClick={() => setFormatted(!formatted)}>
            {formatted ? m.showText : m.showFormatted}
          </button>
        )}
      </p>
      {formatted && message.remoteImages > 0 && !images && (
        <p className="images-blocked">
          {m.imagesBlocked}{' '}
          <button type="button" className="link-button" onClick={() => setImages(true)}>
            {m.showImages(message.remoteImages)}
          </button>
        </p>
      )}
      {formatted ? (
        // No allow-scripts and no allow-same-origin: the frame can run nothing and reach nothing of
        // ours; links open in a new tab outside the sandbox.
        <iframe
          key={`${message.uid}-${images}`}
          className="html-body"
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          src={api.bodyUrl(message.folderId, message.uid, images)}
          title={m.formattedTitle}
        />
      ) : (
        <pre className="text-body">{message.text}</pre>
      )}
    </article>
  );
}
