// The message list: one button per message (name: sender, subject, date and state), newest or
// oldest first, the next page on request. Unread messages are bold and say so in words.
import type { ListOrder, MessageRowJson } from '../../../../src/web/webmail/wire.ts';
import { useTexts } from '../components.tsx';
import { useMailTexts } from './mail-context.ts';

interface Props {
  rows: MessageRowJson[] | null;
  total: number;
  searching: boolean;
  hasMore: boolean;
  order: ListOrder;
  selectedUid: number | null;
  onOrder: (order: ListOrder) => void;
  onOpen: (uid: number) => void;
  onMore: () => void;
}

export function MessageList({ rows, total, searching, hasMore, order, selectedUid, onOrder, onOpen, onMore }: Props) {
  const m = useMailTexts();
  const { dateTime } = useTexts();
  return (
    <section className="message-list" aria-labelledby="message-list-heading">
      <div className="list-header">
        <h2 id="message-list-heading">{m.messages}</h2>
        <label className="order">
          <span className="visually-hidden">{m.order}</span>
          <select value={order} onChange={(event) => onOrder(event.target.value as ListOrder)}>
            <option value="newest">{m.newest}</option>
            <option value="oldest">{m.oldest}</option>
          </select>
        </label>
      </div>
      {rows === null ? (
        <p>{m.loading}</p>
      ) : rows.length === 0 ? (
        <p>{m.emptyFolder}</p>
      ) : (
        <>
          <p className="hint" aria-live="polite">
            {searching ? m.searchResults(total) : m.messageCount(rows.length, total)}
          </p>
          <ul className="rows">
            {rows.map((row) => {
              const unread = !row.flags.includes('\\Seen');
              const flagged = row.flags.includes('\\Flagged');
              const states = [unread && m.unread, flagged && m.flagged, row.flags.includes('\\Answered') && m.answered, row.hasAttachments && m.withAttachment].filter(Boolean);
              return (
                <li key={row.uid}>
                  <button
                    type="button"
                    className={`row${unread ? ' unread' : ''}${row.uid === selectedUid ? ' selected' : ''}`}
                    aria-current={row.uid === selectedUid ? 'true' : undefined}
                    onClick={() => onOpen(row.uid)}
                  >
                    <span className="row-from">{row.from?.name || row.from?.address || ''}</span>
                    <span className="row-subject">{row.subject || m.noSubject}</span>
                    <span className="row-meta">
                      {flagged && <span aria-hidden="true">★ </span>}
                      {row.hasAttachments && <PaperClip />}
                      {dateTime(row.date)}
                    </span>
                    {states.length > 0 && <span className="visually-hidden">, {states.join(', ')}</span>}
                  </button>
                </li>
              );
            })}
          </ul>
          {hasMore && (
            <button type="button" className="load-more" onClick={onMore}>
              {m.loadMore}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** A paper clip drawn inline: no icon font or image to load, and it needs no emoji font either. */
function PaperClip() {
  return (
    <svg className="paper-clip" aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
      <path d="M11 4.5v6a3 3 0 0 1-6 0V4a2 2 0 0 1 4 0v6a1 1 0 0 1-2 0V5" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}
