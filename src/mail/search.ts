// Evaluates RFC 3501 §6.4.4 search keys against one message. Cheap keys use the metadata row; header
// and text keys load what they need once per message and only when the query asks for it.
import type { MessageMeta, SearchKey } from './types.ts';
import type { MessageStructure } from './mime/types.ts';
import { rangesContain } from '../store/uid-ranges.ts';
import { extractSearchText } from './mime/searchable-text.ts';

export interface SearchSubject {
  meta: MessageMeta;
  structure(): Promise<MessageStructure>;
  bytes(): Promise<Buffer>;
}

interface LoadedText {
  headers: Array<[string, string]>;
  body: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function needsContent(key: SearchKey): boolean {
  switch (key.type) {
    case 'header':
    case 'body':
    case 'text':
    case 'sentdate':
      return true;
    case 'not':
      return needsContent(key.key);
    case 'or':
      return needsContent(key.left) || needsContent(key.right);
    case 'and':
      return key.keys.some(needsContent);
    default:
      return false;
  }
}

export class MessageMatcher {
  readonly #subject: SearchSubject;
  #text: Promise<LoadedText> | null = null;

  constructor(subject: SearchSubject) {
    this.#subject = subject;
  }

  #load(): Promise<LoadedText> {
    this.#text ??= (async () => {
      const [bytes, structure] = await Promise.all([this.#subject.bytes(), this.#subject.structure()]);
      return extractSearchText(bytes, structure);
    })();
    return this.#text;
  }

  async matches(key: SearchKey): Promise<boolean> {
    const meta = this.#subject.meta;
    switch (key.type) {
      case 'all':
        return true;
      case 'uids':
        return rangesContain(key.ranges, meta.uid);
      case 'flag': {
        const has = meta.flags.some((f) => f.toLowerCase() === key.flag.toLowerCase());
        return has === key.set;
      }
      case 'internaldate':
        return compareDay(utcDay(meta.internalDate), key.date, key.op);
      case 'sentdate': {
        const { headers } = await this.#load();
        const day = headerDay(headers.find(([name]) => name.toLowerCase() === 'date')?.[1]);
        return day !== null && compareDay(day, key.date, key.op);
      }
      case 'size':
        return key.op === 'larger' ? meta.size > key.size : meta.size < key.size;
      case 'modseq':
        return meta.modseq >= key.modseq;
      case 'header': {
        // RFC 3501 §6.4.4: HEADER with an empty string matches every message that has the field.
        const field = key.field.toLowerCase();
        const needle = key.value.toLowerCase();
        const { headers } = await this.#load();
        return headers.some(([name, value]) => name.toLowerCase() === field && value.toLowerCase().includes(needle));
      }
      case 'body': {
        const { body } = await this.#load();
        return body.toLowerCase().includes(key.value.toLowerCase());
      }
      case 'text': {
        const needle = key.value.toLowerCase();
        const { headers, body } = await this.#load();
        return headers.some(([, value]) => value.toLowerCase().includes(needle)) || body.toLowerCase().includes(needle);
      }
      case 'not':
        return !(await this.matches(key.key));
      case 'or':
        return (await this.matches(key.left)) || (await this.matches(key.right));
      case 'and':
        for (const sub of key.keys) if (!(await this.matches(sub))) return false;
        return true;
    }
  }
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function compareDay(day: string, reference: string, op: 'before' | 'on' | 'since'): boolean {
  if (op === 'before') return day < reference;
  if (op === 'on') return day === reference;
  return day >= reference;
}

/** RFC 3501 §6.4.4 SENTON etc.: the date of the Date header, disregarding time and timezone. */
function headerDay(value: string | undefined): string | null {
  const match = value?.match(/(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/);
  if (!match) return null;
  const month = MONTHS.indexOf(match[2]!.toLowerCase());
  if (month < 0) return null;
  let year = Number(match[3]);
  // RFC 5322 §4.3: obsolete two-digit years.
  if (match[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (match[3]!.length === 3) year += 1900;
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
}
