// The webmail (SPEC R4, R17): folders with unread counts, the message list (newest or oldest first,
// paged, searchable with the same store search as IMAP), the reading pane, and compose. All state
// lives here; the panes show it and report what the person did. Keyboard shortcuts work anywhere
// outside a form field.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FolderJson, ListOrder, MailboxJson, MessageJson, MessageRowJson, MovedJson } from '../../../../src/web/webmail/wire.ts';
import { ApiFailure } from '../api.ts';
import { NoticeArea, StepHeading, useTexts } from '../components.tsx';
import { errorNotice, notice as makeNotice, type Notice } from '../notices.ts';
import type { ScreenProps } from '../screen-props.ts';
import { Compose, type ComposeStart } from './Compose.tsx';
import { FolderPane, folderLabel } from './FolderPane.tsx';
import { MailTextsContext } from './mail-context.ts';
import { mailTextsFor } from './mail-texts.ts';
import { MessageList } from './MessageList.tsx';
import { MessageView } from './MessageView.tsx';
import { replyStart, forwardStart } from './reply.ts';
import { webmailApi } from './webmail-api.ts';

interface Props extends ScreenProps {
  mailboxId: number;
  folder: string | null;
}

interface ListState {
  rows: MessageRowJson[];
  total: number;
  nextAfter: number | null;
}

/** A step the person can take back (a delete or move): shown with the notice. */
interface Undo {
  label: string;
  run: () => Promise<void>;
}

export function Webmail({ mailboxId, folder: folderName, navigate, onSessionLost }: Props) {
  const texts = useTexts();
  const m = useMemo(() => mailTextsFor(texts.language), [texts.language]);
  const api = useMemo(() => webmailApi(mailboxId), [mailboxId]);
  const [mailbox, setMailbox] = useState<MailboxJson | null>(null);
  const [folders, setFolders] = useState<FolderJson[]>([]);
  const [order, setOrder] = useState<ListOrder>('newest');
  const [query, setQuery] = useState('');
  const [list, setList] = useState<ListState | null>(null);
  const [open, setOpen] = useState<MessageJson | null>(null);
  const [compose, setCompose] = useState<ComposeStart | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [undo, setUndo] = useState<Undo | null>(null);
  /** The mailbox is not (or no longer) linked to this Passage ID, or does not exist. */
  const [unavailable, setUnavailable] = useState(false);
  const searchField = useRef<HTMLInputElement>(null);

  const current = folders.find((f) => f.name === (folderName ?? 'INBOX')) ?? null;

  const fail = useCallback(
    (error: unknown) => {
      if (error instanceof ApiFailure && error.body.error === 'no-session') return onSessionLost();
      setNotice(errorNotice(error));
    },
    [onSessionLost],
  );

  const loadFolders = useCallback(async () => {
    try {
      setFolders((await api.folders()).folders);
    } catch (error) {
      fail(error);
    }
  }, [api, fail]);

  useEffect(() => {
    api.mailbox().then(
      (found) => {
        setMailbox(found);
        void loadFolders();
      },
      (error: unknown) => (error instanceof ApiFailure && error.status === 404 ? setUnavailable(true) : fail(error)),
    );
  }, [api, fail, loadFolders]);

  /** The cursor of the next page, kept outside the state the list effect depends on. */
  const nextAfter = useRef<number | null>(null);
  const currentId = current?.id ?? null;

  const loadList = useCallback(
    async (more = false) => {
      if (currentId === null) return;
      try {
        const after = more ? (nextAfter.current ?? undefined) : undefined;
        const page = query ? await api.search(currentId, query, { order, after }) : await api.page(currentId, { order, after });
        nextAfter.current = page.nextAfter;
        setList((previous) => ({
          rows: more && previous ? [...previous.rows, ...page.rows] : page.rows,
          total: page.total,
          nextAfter: page.nextAfter,
        }));
      } catch (error) {
        fail(error);
        // Not "loading" for ever: an empty list, and the notice says what went wrong.
        if (!more) setList({ rows: [], total: 0, nextAfter: null });
      }
    },
    [api, currentId, order, query, fail],
  );

  // A new folder, order or search starts the list again (and what was said about the last one goes).
  useEffect(() => {
    setList(null);
    setOpen(null);
    setNotice(null);
    setUndo(null);
    void loadList(false);
  }, [loadList]);

  const closeMessage = useCallback(() => {
    setOpen(null);
    history.pushState(null, '', location.pathname);
  }, []);

  const openMessage = useCallback(
    async (uid: number, remember = true) => {
      if (currentId === null) return;
      try {
        const message = await api.message(currentId, uid);
        setCompose(null);
        setOpen(message);
        // The open message is in the address (?open=UID): Back returns to the list, a reload reopens it.
        if (remember) history.pushState(null, '', `${location.pathname}?open=${uid}`);
        const seen = (rows: MessageRowJson[]) => rows.map((row) => (row.uid === uid ? { ...row, flags: message.flags } : row));
        setList((previous) => previous && { ...previous, rows: seen(previous.rows) });
        void loadFolders();
      } catch (error) {
        fail(error);
      }
    },
    [api, currentId, fail, loadFolders],
  );

  // The message named in the address: on arrival in a folder (a reload) and when Back or Forward
  // changes it — not on every re-render, which would close a reply being written.
  const openLatest = useRef(openMessage);
  openLatest.current = openMessage;
  useEffect(() => {
    if (currentId === null) return;
    const follow = () => {
      const uid = Number(new URLSearchParams(location.search).get('open'));
      if (Number.isSafeInteger(uid) && uid > 0) void openLatest.current(uid, false);
      else setOpen(null);
    };
    follow();
    addEventListener('popstate', follow);
    return () => removeEventListener('popstate', follow);
  }, [currentId]);

  const refreshAfterChange = useCallback(async () => {
    setOpen(null);
    await Promise.all([loadFolders(), loadList(false)]);
  }, [loadFolders, loadList]);

  /** After a delete or move: the notice, and "undo" moving the messages back where they were. */
  const offerUndo = useCallback(
    (result: MovedJson, from: number, done: Notice) => {
      setNotice(done);
      setUndo({
        label: m.undo,
        run: async () => {
          await api.move(result.folderId, result.moved.map(([, uid]) => uid), from);
          setUndo(null);
          setNotice(makeNotice.success(() => m.restored));
          await Promise.all([loadFolders(), loadList(false)]);
        },
      });
    },
    [api, m, loadFolders, loadList],
  );

  const remove = useCallback(
    async (message: MessageJson) => {
      if (!current) return;
      try {
        const result = await api.remove(current.id, [message.uid]);
        await refreshAfterChange();
        if (result.permanent) {
          setUndo(null);
          setNotice(makeNotice.success(() => m.deletedForGood));
        } else offerUndo(result, current.id, makeNotice.success(() => m.deleted));
      } catch (error) {
        fail(error);
      }
    },
    [api, current, fail, m, refreshAfterChange, offerUndo],
  );

  const move = useCallback(
    async (message: MessageJson, to: FolderJson) => {
      if (!current) return;
      try {
        const result = await api.move(current.id, [message.uid], to.id);
        await refreshAfterChange();
        offerUndo(result, current.id, makeNotice.success(() => m.moved(folderLabel(to, m))));
      } catch (error) {
        fail(error);
      }
    },
    [api, current, fail, m, refreshAfterChange, offerUndo],
  );

  const setFlag = useCallback(
    async (message: MessageJson, flag: 'flagged' | 'seen', on: boolean) => {
      if (!current) return;
      try {
        const { changed } = await api.flags(current.id, [message.uid], on ? { add: [flag] } : { remove: [flag] });
        const flags = changed.find((c) => c.uid === message.uid)?.flags ?? message.flags;
        setOpen((previous) => (previous && previous.uid === message.uid ? { ...previous, flags } : previous));
        setList((previous) => previous && { ...previous, rows: previous.rows.map((row) => (row.uid === message.uid ? { ...row, flags } : row)) });
        if (flag === 'seen') void loadFolders();
      } catch (error) {
        fail(error);
      }
    },
    [api, current, fail, loadFolders],
  );

  const startCompose = useCallback(
    async (start: ComposeStart | 'new' | { draftUid: number }) => {
      setUndo(null);
      setNotice(null);
      if (start === 'new') return setCompose({ kind: 'new' });
      if ('draftUid' in start) {
        try {
          return setCompose({ kind: 'draft', draft: await api.draft(start.draftUid) });
        } catch (error) {
          return fail(error);
        }
      }
      setCompose(start);
    },
    [api, fail],
  );

  const composeFinished = useCallback(
    async (result: 'sent' | 'discarded') => {
      setCompose(null);
      if (result === 'sent') setNotice(makeNotice.success(() => m.sent));
      await Promise.all([loadFolders(), loadList(false)]);
    },
    [m, loadFolders, loadList],
  );

  // Keyboard shortcuts (listed under "Sneltoetsen"), never while typing in a field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey || compose) return;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      const rows = list?.rows ?? [];
      const index = open ? rows.findIndex((row) => row.uid === open.uid) : -1;
      const step = (delta: number) => {
        const next = rows[Math.max(0, Math.min(rows.length - 1, index + delta))];
        if (next && next.uid !== open?.uid) void openMessage(next.uid);
      };
      const actions: Record<string, () => void> = {
        j: () => step(1),
        k: () => step(-1),
        c: () => void startCompose('new'),
        '/': () => searchField.current?.focus(),
      };
      if (open) {
        Object.assign(actions, {
          r: () => void startCompose(replyStart(open, 'reply', mailbox, m, texts.dateTime)),
          a: () => void startCompose(replyStart(open, 'all', mailbox, m, texts.dateTime)),
          f: () => void startCompose(forwardStart(open, m, texts.dateTime)),
          s: () => void setFlag(open, 'flagged', !open.flags.includes('\\Flagged')),
          u: () => void setFlag(open, 'seen', false),
          Delete: () => void remove(open),
          '#': () => void remove(open),
        });
      }
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [compose, list, open, mailbox, m, texts.dateTime, openMessage, startCompose, setFlag, remove]);

  const selectFolder = (next: FolderJson) => {
    setQuery('');
    setCompose(null);
    navigate({ page: 'mail', id: mailboxId, folder: next.name === 'INBOX' ? null : next.name });
  };

  const drafts = current?.specialUse === '\\Drafts';
  if (unavailable) {
    return (
      <div className="page">
        <StepHeading>{m.unavailableHeading}</StepHeading>
        <p>{m.unavailable}</p>
        <p>
          <a href="/mailboxes" onClick={(event) => (event.preventDefault(), navigate({ page: 'mailboxes' }))}>
            {m.toMailboxes}
          </a>
        </p>
      </div>
    );
  }
  return (
    <MailTextsContext.Provider value={m}>
      <div className="mail">
        <div className="mail-toolbar">
          <h1 className="visually-hidden">
            {current ? folderLabel(current, m) : m.folders} — {mailbox?.address ?? ''}
          </h1>
          <button type="button" className="primary" onClick={() => void startCompose('new')}>
            {m.compose}
          </button>
          <a
            className="button"
            href={`/mailboxes/${mailboxId}`}
            aria-label={mailbox ? m.manageLabel(mailbox.address) : m.manage}
            onClick={(event) => (event.preventDefault(), navigate({ page: 'mailbox', id: mailboxId }))}
          >
            {m.manage}
          </a>
          <SearchForm key={current?.id ?? 0} fieldRef={searchField} query={query} onSearch={setQuery} />
          <span className="mailbox-address">{mailbox?.address}</span>
        </div>
        <div className="mail-notice">
          <NoticeArea notice={notice} />
          {undo && (
            <button type="button" onClick={() => void undo.run().catch(fail)}>
              {undo.label}
            </button>
          )}
        </div>
        <div className={`mail-panes${open || compose ? ' reading' : ''}`}>
          <FolderPane folders={folders} current={current} onSelect={selectFolder} />
          <MessageList
            rows={list?.rows ?? null}
            total={list?.total ?? 0}
            searching={query !== ''}
            hasMore={list?.nextAfter != null}
            order={order}
            selectedUid={open?.uid ?? null}
            onOrder={setOrder}
            onOpen={(uid) => (drafts ? void startCompose({ draftUid: uid }) : void openMessage(uid))}
            onMore={() => void loadList(true)}
          />
          <section className="reading-pane" aria-label={compose ? m.newMessage : open ? open.subject || m.noSubject : m.selectMessage}>
            {compose && mailbox ? (
              <Compose api={api} mailbox={mailbox} start={compose} onDone={composeFinished} onSaved={() => void loadFolders()} onError={fail} />
            ) : open && current ? (
              <MessageView
                api={api}
                message={open}
                folder={current}
                folders={folders}
                rows={list?.rows ?? []}
                onOpen={(uid) => void openMessage(uid)}
                onClose={closeMessage}
                onReply={(mode) => void startCompose(replyStart(open, mode, mailbox, m, texts.dateTime))}
                onForward={() => void startCompose(forwardStart(open, m, texts.dateTime))}
                onFlag={(flag, on) => void setFlag(open, flag, on)}
                onMove={(to) => void move(open, to)}
                onDelete={() => void remove(open)}
                onError={fail}
              />
            ) : (
              <Shortcuts />
            )}
          </section>
        </div>
      </div>
    </MailTextsContext.Provider>
  );
}

function SearchForm({ fieldRef, query, onSearch }: { fieldRef: React.RefObject<HTMLInputElement | null>; query: string; onSearch: (q: string) => void }) {
  const m = mailTextsFor(useTexts().language);
  const [text, setText] = useState(query);
  return (
    <form
      role="search"
      className="mail-search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(text.trim());
      }}
    >
      <label htmlFor="mail-search" className="visually-hidden">
        {m.search}
      </label>
      <input ref={fieldRef} id="mail-search" type="search" maxLength={500} placeholder={m.search} value={text} onChange={(event) => setText(event.target.value)} />
      <button type="submit" className="secondary">
        {m.searchButton}
      </button>
      {query && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setText('');
            onSearch('');
          }}
        >
          {m.clearSearch}
        </button>
      )}
    </form>
  );
}

function Shortcuts() {
  const m = mailTextsFor(useTexts().language);
  return (
    <div className="shortcuts">
      <p>{m.selectMessage}</p>
      <h2>{m.shortcuts}</h2>
      <dl>
        {m.shortcutList.map(([keys, what]) => [<dt key={`${keys}-k`}><kbd>{keys}</kbd></dt>, <dd key={`${keys}-d`}>{what}</dd>])}
      </dl>
    </div>
  );
}
