// Streams FETCH responses (RFC 3501 §6.4.5, §7.4.2): metadata comes from the service in chunks,
// each message's response is assembled and written with backpressure, and big literals are piped
// from the blob store. Nothing here holds more than one chunk of metadata and one small body.
import type { Readable } from 'node:stream';
import type { MessageStructure } from '../../mail/mime/types.ts';
import type { MessageMeta, UidRange } from '../../mail/types.ts';
import { formatDateTime } from '../parser/date-time.ts';
import type { SelectedFolder } from '../selected-folder.ts';
import type { Session } from '../session.ts';
import { sectionLabel, type FetchItem } from './fetch-args.ts';
import { formatBodyStructure } from '../format/body-structure.ts';
import { formatEnvelope } from '../format/envelope.ts';
import { filterHeaderFields, resolveSection, type SectionTarget } from '../../mail/mime/section.ts';

/** Bodies up to this size are read into memory; bigger ones are streamed. */
const INLINE_BODY = 256 * 1024;

/** A big body is opened while the message's response is assembled, before any of it is written:
 * a message expunged meanwhile then fails cleanly instead of mid-literal. */
type Piece = string | Buffer | { stream: Readable; length: number };

export interface FetchPlan {
  items: FetchItem[];
  /** UID FETCH: every response carries the UID (RFC 3501 §6.4.8). */
  uid: boolean;
}

function needsStructure(item: FetchItem): boolean {
  switch (item.type) {
    case 'ENVELOPE':
    case 'BODY':
    case 'BODYSTRUCTURE':
    case 'RFC822.HEADER':
    case 'RFC822.TEXT':
      return true;
    case 'section':
      return item.section.part.length > 0 || item.section.text !== '';
    default:
      return false;
  }
}

/** RFC 3501 §6.4.5: BODY[...] (not BODY.PEEK), RFC822 and RFC822.TEXT set \Seen. */
function setsSeen(item: FetchItem): boolean {
  return item.type === 'RFC822' || item.type === 'RFC822.TEXT' || (item.type === 'section' && !item.peek);
}

export async function runFetch(session: Session, ranges: UidRange[], plan: FetchPlan): Promise<void> {
  const selected = session.selected!;
  const { mail, out } = session;
  const items = plan.uid && !plan.items.some((i) => i.type === 'UID') ? [{ type: 'UID' } as FetchItem, ...plan.items] : plan.items;
  const structureNeeded = items.some(needsStructure);
  const marksSeen = !selected.readOnly && items.some(setsSeen);
  const reportsFlags = items.some((i) => i.type === 'FLAGS');
  const simple = items.every((i) => SIMPLE_ITEMS.has(i.type));

  for await (const chunk of mail.fetchMeta(selected.folderId, ranges)) {
    const metas = chunk.filter((m) => selected.seqOf(m.uid) > 0);
    if (simple) {
      let text = '';
      for (const meta of metas) {
        text += simpleLine(session, selected, meta, items);
        if (text.length > 65_536) {
          await out.write(text);
          text = '';
        }
      }
      if (text) await out.write(text);
      continue;
    }
    const seenNow = marksSeen ? await markSeen(session, selected, metas) : new Set<number>();
    let text = '';
    for (const meta of metas) {
      const pieces = await messagePieces(session, selected, meta, items, structureNeeded);
      // RFC 3501 §6.4.5: when fetching sets \Seen, the new flags come with the response.
      if (seenNow.has(meta.uid) && !reportsFlags) pieces.push(` FLAGS ${session.flagsFor(selected, meta.uid, meta.flags)}`);
      pieces.push(')\r\n');
      for (const piece of pieces) {
        if (typeof piece === 'string') {
          text += piece;
          continue;
        }
        if (text) await out.write(text);
        text = '';
        if (Buffer.isBuffer(piece)) await out.write(piece);
        else await out.pipe(piece.stream, piece.length);
      }
      if (text.length > 32_768) {
        await out.write(text);
        text = '';
      }
    }
    if (text) await out.write(text);
  }
}

async function markSeen(session: Session, selected: SelectedFolder, metas: MessageMeta[]): Promise<Set<number>> {
  const unseen = metas.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
  const changedUids = new Set<number>();
  if (unseen.length === 0) return changedUids;
  const ranges: UidRange[] = [];
  for (const uid of unseen) {
    const last = ranges[ranges.length - 1];
    if (last && last.end === uid - 1) last.end = uid;
    else ranges.push({ start: uid, end: uid });
  }
  const result = await session.mail.storeFlags(selected.folderId, ranges, 'add', ['\\Seen']);
  const byUid = new Map(result.changed.map((c) => [c.uid, c]));
  for (const meta of metas) {
    const change = byUid.get(meta.uid);
    if (!change) continue;
    meta.flags = change.flags;
    selected.ownFlagChanges.set(meta.uid, change.modseq);
    changedUids.add(meta.uid);
  }
  return changedUids;
}

async function messagePieces(
  session: Session,
  selected: SelectedFolder,
  meta: MessageMeta,
  items: FetchItem[],
  structureNeeded: boolean,
): Promise<Piece[]> {
  const pieces: Piece[] = [`* ${selected.seqOf(meta.uid)} FETCH (`];
  try {
    await addItems(session, selected, meta, items, structureNeeded, pieces);
  } catch (error) {
    for (const piece of pieces) if (typeof piece === 'object' && 'stream' in piece) piece.stream.destroy();
    throw error;
  }
  return pieces;
}

async function addItems(
  session: Session,
  selected: SelectedFolder,
  meta: MessageMeta,
  items: FetchItem[],
  structureNeeded: boolean,
  pieces: Piece[],
): Promise<void> {
  const { mail } = session;
  const structure: MessageStructure | null = structureNeeded ? await mail.getStructure(meta.bodyId) : null;
  const whole: SectionTarget = { start: 0, end: meta.size };
  let first = true;
  for (const item of items) {
    if (!first) pieces.push(' ');
    first = false;
    switch (item.type) {
      case 'UID':
        pieces.push(`UID ${meta.uid}`);
        break;
      case 'FLAGS':
        pieces.push(`FLAGS ${session.flagsFor(selected, meta.uid, meta.flags)}`);
        break;
      case 'INTERNALDATE':
        pieces.push(`INTERNALDATE ${formatDateTime(meta.internalDate)}`);
        break;
      case 'RFC822.SIZE':
        pieces.push(`RFC822.SIZE ${meta.size}`);
        break;
      case 'ENVELOPE':
        pieces.push('ENVELOPE ', formatEnvelope(structure!.envelope));
        break;
      case 'BODY':
        pieces.push('BODY ', formatBodyStructure(structure!.root, { extended: false }));
        break;
      case 'BODYSTRUCTURE':
        pieces.push('BODYSTRUCTURE ', formatBodyStructure(structure!.root, { extended: true }));
        break;
      // RFC 3501 §6.4.5: RFC822 is BODY[], RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is BODY[TEXT].
      case 'RFC822':
        await pushLiteral(session, meta, pieces, 'RFC822', whole, null);
        break;
      case 'RFC822.HEADER':
        await pushLiteral(session, meta, pieces, 'RFC822.HEADER', { start: 0, end: structure!.root.bodyStart }, null);
        break;
      case 'RFC822.TEXT':
        await pushLiteral(session, meta, pieces, 'RFC822.TEXT', { start: structure!.root.bodyStart, end: meta.size }, null);
        break;
      case 'section': {
        const data = structure ? resolveSection(structure, item.section) : whole;
        // RFC 3501 §7.4.2: a partial fetch answers with only the origin octet.
        const name = `BODY${sectionLabel(item.section)}${item.partial ? `<${item.partial.start}>` : ''}`;
        await pushLiteral(session, meta, pieces, name, data, item.partial);
        break;
      }
    }
  }
}

/** Appends "NAME {n}\r\n" and the literal's bytes (or a stream placeholder for big ones). */
async function pushLiteral(
  session: Session,
  meta: MessageMeta,
  pieces: Piece[],
  name: string,
  target: SectionTarget | null,
  partial: { start: number; length: number } | null,
): Promise<void> {
  const { mail } = session;
  pieces.push(`${name} `);
  // RFC 3501 §6.4.5 lets a section that names nothing be answered with an empty string.
  if (target === null) {
    pieces.push('""');
    return;
  }
  if ('filterFields' in target) {
    let bytes = filterHeaderFields(await mail.readBody(meta.bodyId, target.range), target.filterFields, target.not);
    if (partial) bytes = bytes.subarray(Math.min(partial.start, bytes.length), Math.min(partial.start + partial.length, bytes.length));
    pieces.push(`{${bytes.length}}\r\n`, bytes);
    return;
  }
  let { start, end } = target;
  end = Math.min(end, meta.size);
  start = Math.min(start, end);
  if (partial) {
    start = Math.min(start + partial.start, end);
    end = Math.min(start + partial.length, end);
  }
  const length = end - start;
  pieces.push(`{${length}}\r\n`);
  if (length === 0) return;
  if (length <= INLINE_BODY) pieces.push(await mail.readBody(meta.bodyId, { start, end }));
  else pieces.push({ stream: await mail.openBody(meta.bodyId, { start, end }), length });
}

/** The whole response line for items that need neither structure nor body (the common
 * "UID FLAGS RFC822.SIZE" sync of a big folder), built without any awaiting. */
function simpleLine(session: Session, selected: SelectedFolder, meta: MessageMeta, items: readonly FetchItem[]): string {
  let line = `* ${selected.seqOf(meta.uid)} FETCH (`;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) line += ' ';
    switch (items[i]!.type) {
      case 'UID':
        line += `UID ${meta.uid}`;
        break;
      case 'FLAGS':
        line += `FLAGS ${session.flagsFor(selected, meta.uid, meta.flags)}`;
        break;
      case 'INTERNALDATE':
        line += `INTERNALDATE ${formatDateTime(meta.internalDate)}`;
        break;
      case 'RFC822.SIZE':
        line += `RFC822.SIZE ${meta.size}`;
        break;
    }
  }
  return `${line})\r\n`;
}

const SIMPLE_ITEMS = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
