// Compose, reply, forward and drafts (SPEC R14, R17 webmail part): every recipient shows its class
// from the server's classifier (community / Viewer / unsafe) with the reason; secure sending and
// the mobile numbers follow the organisation's install type; files come from the picker or are
// dropped on it; addresses complete from the directory. A send is a submission like SMTP's.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type {
  AddressJson,
  ComposeAddressJson,
  ComposeJson,
  DirectoryMatchJson,
  DraftJson,
  MailboxJson,
  RecipientCheckJson,
  RecipientChecksJson,
} from '../../../../src/web/webmail/wire.ts';
import type { MailTexts } from './mail-texts.ts';
import { AttachmentPicker } from '../../../shared/components.tsx';
import { NoticeArea, useTexts } from '../components.tsx';
import { notice as makeNotice, type Notice } from '../notices.ts';
import { useMailTexts } from './mail-context.ts';
import { formatAddresses, parseAddresses } from './address-text.ts';
import type { WebmailApi } from './webmail-api.ts';

export interface KeptAttachment {
  folderId: number;
  uid: number;
  part: string;
  filename: string;
  size: number;
}

export type ComposeStart =
  | { kind: 'new' }
  | { kind: 'draft'; draft: DraftJson }
  | {
      kind: 'reply' | 'forward';
      to: AddressJson[];
      cc: AddressJson[];
      subject: string;
      text: string;
      inReplyTo?: string;
      references: string[];
      origin: { folderId: number; uid: number; kind: 'reply' | 'forward' };
      kept: KeptAttachment[];
    };

interface Props {
  api: WebmailApi;
  mailbox: MailboxJson;
  start: ComposeStart;
  onDone: (result: 'sent' | 'discarded') => void;
  /** A draft was saved (the Drafts folder changed). */
  onSaved: () => void;
  onError: (error: unknown) => void;
}

/** RFC 5322 §2.1.1: a line is at most 998 characters; the server refuses longer subjects. */
const MAX_SUBJECT = 998;

/** A draft in progress is saved this often when it changed (and on "Concept opgeslagen"). */
const AUTOSAVE_MS = 30_000;

/** The form's first values, whichever way compose was opened. */
function initialValues(start: ComposeStart) {
  if (start.kind === 'new') return { to: '', cc: '', bcc: '', subject: '', text: '', kept: [] as KeptAttachment[], secure: null, mobiles: {} };
  if (start.kind === 'draft') {
    const { draft } = start;
    return {
      to: formatAddresses(draft.to),
      cc: formatAddresses(draft.cc),
      bcc: formatAddresses(draft.bcc),
      subject: draft.subject,
      text: draft.text,
      kept: draft.attachments.map((a) => ({ folderId: draft.folderId, uid: draft.uid, part: a.part, filename: a.filename, size: a.size })),
      secure: draft.secure.requested,
      mobiles: draft.secure.mobiles,
    };
  }
  return { to: formatAddresses(start.to), cc: formatAddresses(start.cc), bcc: '', subject: start.subject, text: start.text, kept: start.kept, secure: null, mobiles: {} };
}

export function Compose({ api, mailbox, start, onDone, onSaved, onError }: Props) {
  const m = useMailTexts();
  const { size } = useTexts();
  const initial = useMemo(() => initialValues(start), [start]);
  const [to, setTo] = useState(initial.to);
  const [cc, setCc] = useState(initial.cc);
  const [bcc, setBcc] = useState(initial.bcc);
  const [subject, setSubject] = useState(initial.subject);
  const [text, setText] = useState(initial.text);
  const [files, setFiles] = useState<File[]>([]);
  const [kept, setKept] = useState<KeptAttachment[]>(initial.kept);
  /** null until the person or the policy decides. */
  const [secure, setSecure] = useState<boolean | null>(initial.secure);
  const [mobiles, setMobiles] = useState<Record<string, string>>(initial.mobiles);
  const [checks, setChecks] = useState<RecipientChecksJson | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [draftUid, setDraftUid] = useState<number | undefined>(start.kind === 'draft' ? start.draft.uid : undefined);

  const recipients = useMemo(() => [...parseAddresses(to), ...parseAddresses(cc), ...parseAddresses(bcc)], [to, cc, bcc]);
  const addressKey = recipients.map((r) => r.address.toLowerCase()).join(',');
  const secureChosen = checks?.alwaysSecure || (secure ?? checks?.secureByDefault ?? false);

  // Each recipient's class, asked again (after a pause in typing) whenever the recipients or the choice change.
  useEffect(() => {
    if (!addressKey) return setChecks(null);
    const timer = setTimeout(() => {
      api.recipients(addressKey.split(','), secureChosen, mobiles).then(setChecks, onError);
    }, 400);
    return () => clearTimeout(timer);
  }, [api, addressKey, secureChosen, mobiles, onError]);

  const viewerRecipients = checks?.recipients.filter((r) => r.class === 'viewer') ?? [];
  const external = checks?.recipients.some((r) => r.class === 'viewer' || r.class === 'unsafe') ?? false;

  function message(): ComposeJson {
    const asJson = (list: ComposeAddressJson[]) => list.map((a) => (a.name ? { name: a.name, address: a.address } : { address: a.address }));
    const chosenMobiles = Object.fromEntries(Object.entries(mobiles).filter(([address, number]) => number.trim() && addressKey.split(',').includes(address)));
    return {
      to: asJson(parseAddresses(to)),
      cc: asJson(parseAddresses(cc)),
      bcc: asJson(parseAddresses(bcc)),
      subject,
      text,
      ...(start.kind === 'reply' || start.kind === 'forward'
        ? { ...(start.inReplyTo ? { inReplyTo: start.inReplyTo } : {}), references: start.references, origin: start.origin }
        : {}),
      ...(start.kind === 'draft' && start.draft.inReplyTo ? { inReplyTo: start.draft.inReplyTo, references: start.draft.references } : {}),
      storedAttachments: kept.map(({ folderId, uid, part }) => ({ folderId, uid, part })),
      secure: { requested: secureChosen, mobiles: chosenMobiles },
      ...(draftUid !== undefined ? { draftUid } : {}),
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (recipients.length === 0) return setNotice(makeNotice.error(() => m.noRecipients));
    // What the page already shows as invalid or refused is not sent to be refused again.
    if (checks?.recipients.some((r) => r.class === 'invalid' || r.refused)) return setNotice(makeNotice.error(() => m.refusedRecipients));
    setBusy(true);
    try {
      await api.send(message(), files);
      onDone('sent');
    } catch (error) {
      setNotice(null);
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  /** What a save would store, to tell whether anything changed since the last one. */
  const snapshot = JSON.stringify([to, cc, bcc, subject, text, kept, secureChosen, mobiles, files.map((f) => [f.name, f.size])]);
  const [savedSnapshot, setSavedSnapshot] = useState(snapshot);
  const saving = useRef(false);

  async function saveDraft(quiet = false) {
    if (busy || saving.current) return;
    saving.current = true;
    try {
      const saved = await api.saveDraft(message(), files);
      setDraftUid(saved.uid);
      setSavedSnapshot(snapshot);
      onSaved();
      if (!quiet) setNotice(makeNotice.success(() => m.draftSaved));
    } catch (error) {
      onError(error);
    } finally {
      saving.current = false;
    }
  }

  // Nothing typed is lost when the tab closes: a changed draft is saved every half minute.
  const autosave = useRef(saveDraft);
  autosave.current = saveDraft;
  const dirty = snapshot !== savedSnapshot;
  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(() => void autosave.current(true), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [dirty, snapshot]);

  return (
    <form
      className="compose"
      onSubmit={(event) => void submit(event)}
      // Enter in a one-line field (an address, the subject) must not send the message: only the button does.
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'INPUT') event.preventDefault();
      }}
      noValidate
    >
      <h2 className="compose-heading">{start.kind === 'draft' ? m.editDraft : subject || m.newMessage}</h2>
      <NoticeArea notice={notice} />
      <p className="hint">
        {m.from}: {mailbox.displayName} &lt;{mailbox.address}&gt;
      </p>
      <AddressField api={api} label={m.to} value={to} onChange={setTo} hint={m.recipientsHint} autoFocus={start.kind !== 'reply'} />
      <AddressField api={api} label={m.cc} value={cc} onChange={setCc} />
      <AddressField api={api} label={m.bcc} value={bcc} onChange={setBcc} />
      {checks && checks.recipients.length > 0 && (
        <ul className="recipient-classes" aria-live="polite">
          {checks.recipients.map((r) => (
            <li key={r.address} className={`class-${r.class}${r.refused ? ' refused' : ''}`}>
              <span className="recipient-address">{r.address}</span> <span className="class-badge">{m.recipientClasses[r.class]}</span>
              {(r.refused || r.class === 'invalid') && <span className="hint"> — {recipientProblem(r, checks, mobiles[r.address]?.trim() ?? '', m)}</span>}
            </li>
          ))}
        </ul>
      )}
      {checks && external && checks.secureAvailable && (
        <div className="secure-choice">
          {checks.alwaysSecure ? (
            <p>{m.secureAlways}</p>
          ) : (
            <label className="checkbox">
              <input type="checkbox" checked={secureChosen} onChange={(event) => setSecure(event.target.checked)} /> {m.secureSend}
            </label>
          )}
          {secureChosen && checks.mobile !== 'none' && viewerRecipients.length > 0 && (
            <>
              <p className="hint">{m.mobileRule[checks.mobile]}</p>
              {viewerRecipients.map((r) => (
                <MobileField
                  key={r.address}
                  label={m.mobileFor(r.address)}
                  value={mobiles[r.address] ?? ''}
                  required={checks.mobile === 'required'}
                  onChange={(value) => setMobiles((previous) => ({ ...previous, [r.address]: value }))}
                />
              ))}
            </>
          )}
        </div>
      )}
      <PlainField label={m.subject} value={subject} onChange={setSubject} maxLength={MAX_SUBJECT} />
      <BodyField label={m.body} value={text} onChange={setText} autoFocus={start.kind === 'reply'} />
      {kept.length > 0 && (
        <ul className="chosen" aria-label={m.keptFiles}>
          {kept.map((file, index) => (
            <li key={`${file.part}-${index}`}>
              <span className="chosen-name">
                {file.filename} <span className="muted">({size(file.size)})</span>
              </span>
              <button type="button" className="link-button" onClick={() => setKept(kept.filter((_, i) => i !== index))}>
                {m.removeFile}
                <span className="visually-hidden"> {file.filename}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <AttachmentPicker
        files={files}
        limits={{ fileBytes: mailbox.maxMessageBytes, files: 100, totalBytes: mailbox.maxMessageBytes }}
        labels={{ add: m.attach, hint: m.attachHint, chosen: m.chosenFiles, remove: m.removeFile }}
        size={size}
        onChange={setFiles}
        onRefused={() => setNotice(makeNotice.error(({ t }) => t.errorGeneric))}
      />
      <div className="actions">
        <button type="submit" className="primary" aria-disabled={busy}>
          {m.send}
        </button>
        <button type="button" aria-disabled={busy} onClick={() => void saveDraft()}>
          {m.saveDraft}
        </button>
        <button type="button" className="link-button" onClick={() => onDone('discarded')}>
          {m.discard}
        </button>
      </div>
    </form>
  );
}

/** Why a recipient cannot be reached as chosen, in the reader's language (the routing service's
 * English reason for a case this does not know). */
function recipientProblem(r: RecipientCheckJson, checks: RecipientChecksJson, typedMobile: string, m: MailTexts): string {
  if (r.class === 'invalid') return m.problems.invalid;
  if (r.class === 'community') return m.problems.noMailbox;
  if (r.class === 'unsafe') return checks.secureAvailable ? m.problems.secureRequired : m.problems.noViewer;
  // A Viewer recipient is refused only over its mobile number: the one typed is wrong, or one is required.
  if (typedMobile) return m.problems.mobileInvalid;
  return checks.mobile === 'required' ? m.problems.mobileRequired : r.reason;
}

/** An address line with completion from the directory for the address being typed (after the last comma). */
function AddressField({
  api,
  label,
  value,
  onChange,
  hint,
  autoFocus = false,
}: {
  api: WebmailApi;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const listId = useId();
  const hintId = useId();
  const [matches, setMatches] = useState<DirectoryMatchJson[]>([]);
  const cut = value.lastIndexOf(',');
  const before = cut < 0 ? '' : `${value.slice(0, cut + 1)} `;
  const typing = value.slice(cut + 1).trim();

  useEffect(() => {
    if (typing.length < 2 || typing.includes('<')) return setMatches([]);
    const timer = setTimeout(() => {
      api.directory(typing).then((result) => setMatches(result.matches.filter((match) => match.address)), () => setMatches([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [api, typing]);

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        // The first field of a new message or a forward: where writing starts (WCAG 2.4.3 keeps the order).
        autoFocus={autoFocus}
        list={listId}
        autoComplete="off"
        aria-describedby={hint ? hintId : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <datalist id={listId}>
        {matches.map((match) => (
          <option key={match.address} value={`${before}${formatAddresses([{ name: match.name, address: match.address }])}`}>
            {match.organisation ? `${match.name} — ${match.organisation}` : match.name}
          </option>
        ))}
      </datalist>
    </div>
  );
}

function PlainField({ label, value, onChange, maxLength }: { label: string; value: string; onChange: (value: string) => void; maxLength: number }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" maxLength={maxLength} value={value} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

function MobileField({ label, value, required, onChange }: { label: string; value: string; required: boolean; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="tel" autoComplete="off" required={required} value={value} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

function BodyField({ label, value, onChange, autoFocus }: { label: string; value: string; onChange: (value: string) => void; autoFocus: boolean }) {
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  // A reply starts above the quote, where the answer goes.
  useEffect(() => {
    if (!autoFocus || !field.current) return;
    field.current.focus();
    field.current.setSelectionRange(0, 0);
  }, [autoFocus]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea ref={field} id={id} rows={14} value={value} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}
