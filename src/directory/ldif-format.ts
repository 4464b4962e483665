// The community directory as LDIF content records (RFC 2849), the format other LDAP servers and
// address books exchange. Import takes `dn:`-started entries with `attr: value`, `attr:: base64`
// (UTF-8) and folded lines; the server derives dn, uid and objectClass itself, and objectClass only
// tells an organisation (`organization`) from a person. `zorgpostHidden: TRUE|FALSE` sets whether the
// entry is hidden; export writes it for hidden entries only.
import type { DirectoryEntryKind } from '../store/store.ts';
import type { AttributeDefinition } from './schema.ts';
import type { DirectoryEntry, DirectoryImportRecord } from './types.ts';
import { buildImportRecord, importableAttribute } from './import-record.ts';

export const HIDDEN_ATTRIBUTE = 'zorgpostHidden';

/** One content record as written in the file, values decoded, before any directory rule applies. */
export interface LdifEntry {
  /** 1-based position among the file's entries, and the line its `dn:` is on. */
  index: number;
  line: number;
  dn: string;
  attributes: Array<{ name: string; value: string; line: number }>;
}

interface LogicalLine {
  text: string;
  line: number;
}

/** Records as runs of unfolded lines (RFC 2849 note 2: a line starting with one space continues the
 * previous one), comments dropped (note 7, folded comments too), blank lines separating records. One
 * record at a time, so a large file never exists as a million line objects at once. */
function* logicalRecords(text: string, errors: string[]): Generator<LogicalLine[]> {
  let current: LogicalLine[] = [];
  let inComment = false;
  let line = 0;
  for (let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; start <= text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const physical = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    line += 1;
    if (physical.startsWith(' ')) {
      const previous = current.at(-1);
      if (inComment) continue;
      if (previous) previous.text += physical.slice(1);
      else errors.push(`line ${line}: continuation line (starting with a space) with no line to continue`);
      continue;
    }
    inComment = physical.startsWith('#');
    if (inComment) continue;
    if (physical !== '') {
      current.push({ text: physical, line });
    } else if (current.length > 0) {
      yield current;
      current = [];
    }
  }
  if (current.length > 0) yield current;
}

// RFC 2849 §2 AttributeDescription: a name or OID with options, then ":" and the value-spec.
const ATTRVAL = /^([A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)((?:;[A-Za-z0-9-]+)*):(.*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Name (options included) and decoded value of one `attr: value` line, or a problem. */
function readAttrval({ text, line }: LogicalLine): { name: string; value: string } | { problem: string } {
  const match = ATTRVAL.exec(text);
  if (!match) return { problem: `line ${line}: expected "attribute: value", found "${text.slice(0, 40)}"` };
  const [, base = '', options = '', spec = ''] = match;
  const name = base + options;
  if (spec.startsWith('<')) {
    return { problem: `line ${line}: ${name} refers to a URL ("${name}:<"); put the value itself in the file` };
  }
  if (!spec.startsWith(':')) return { name, value: spec.replace(/^ +/, '') };
  const encoded = spec.slice(1).trim();
  if (!BASE64.test(encoded)) return { problem: `line ${line}: ${name} is not valid base64` };
  try {
    return { name, value: utf8.decode(Buffer.from(encoded, 'base64')) };
  } catch {
    return { problem: `line ${line}: ${name} holds binary data, not UTF-8 text; the directory imports text only` };
  }
}

function readEntry(index: number, lines: readonly LogicalLine[], errors: string[]): LdifEntry | null {
  const dnLine = lines[0]!;
  const dn = readAttrval(dnLine);
  if ('problem' in dn || dn.name.toLowerCase() !== 'dn') {
    errors.push('problem' in dn ? dn.problem : `line ${dnLine.line}: entry ${index} does not start with "dn:"`);
    return null;
  }
  const entry: LdifEntry = { index, line: dnLine.line, dn: dn.value, attributes: [] };
  for (let at = 1; at < lines.length; at++) {
    const line = lines[at]!;
    const attrval = readAttrval(line);
    if ('problem' in attrval) {
      errors.push(`entry ${index} (line ${entry.line}), ${attrval.problem}`);
    } else if (/^(changetype|control)$/i.test(attrval.name)) {
      const where = `entry ${index} (line ${entry.line}), line ${line.line}`;
      errors.push(`${where}: change records ("${attrval.name}:") are not imported; use content records`);
      return null;
    } else {
      entry.attributes.push({ name: attrval.name, value: attrval.value, line: line.line });
    }
  }
  return entry;
}

/** The content records of an LDIF file (RFC 2849 ldif-content), one at a time. Change records are
 * refused: an import replaces entries' content, it does not apply edits. */
function* ldifEntries(text: string, errors: string[]): Generator<LdifEntry> {
  let first = true;
  let index = 0;
  for (const lines of logicalRecords(text, errors)) {
    // RFC 2849 §2 ldif-content: an optional version-spec, then records.
    if (first && /^version:/i.test(lines[0]!.text)) {
      const version = lines.shift()!;
      if (version.text.slice('version:'.length).trim() !== '1') {
        errors.push(`line ${version.line}: only LDIF version 1 is known`);
      }
    }
    first = false;
    if (lines.length === 0) continue;
    index += 1;
    const entry = readEntry(index, lines, errors);
    if (entry) yield entry;
  }
}

/** The content records of an LDIF file as written, values decoded, and its syntax errors. */
export function readLdif(text: string): { entries: LdifEntry[]; errors: string[] } {
  const errors: string[] = [];
  const entries = [...ldifEntries(text, errors)];
  return { entries, errors };
}

// Attributes whose values are images, certificates or sound (RFC 2798, RFC 4523, Active Directory).
const BINARY = new Set(
  (
    'jpegPhoto photo audio thumbnailPhoto thumbnailLogo userCertificate userSMIMECertificate userPKCS12 ' +
    'cACertificate crossCertificatePair certificateRevocationList authorityRevocationList'
  )
    .toLowerCase()
    .split(' '),
);
const DERIVED = new Set(['uid', 'userid']);

/** Records from an LDIF file, and every problem in it; the caller imports nothing when there are any. */
export function parseDirectoryLdif(text: string): { records: DirectoryImportRecord[]; errors: string[] } {
  const errors: string[] = [];
  const records: DirectoryImportRecord[] = [];
  for (const entry of ldifEntries(text, errors)) {
    const record = entryRecord(entry, errors);
    if (record) records.push(record);
  }
  // The reader reports syntax before the directory rules are checked; in file order the operator can
  // work down the list. Every message starts with its entry's or its own line, and the sort is stable.
  const lineOf = (error: string) => Number(/line (\d+)/.exec(error)?.[1] ?? 0);
  errors.sort((a, b) => lineOf(a) - lineOf(b));
  return { errors, records };
}

function entryRecord(entry: LdifEntry, errors: string[]): DirectoryImportRecord | null {
  const source = `entry ${entry.index} (line ${entry.line})`;
  const values = new Map<AttributeDefinition, string[]>();
  let kind: DirectoryEntryKind = 'person';
  let hidden: boolean | undefined;
  const before = errors.length;
  for (const { name, value, line } of entry.attributes) {
    const lower = name.toLowerCase();
    const base = lower.split(';', 1)[0]!;
    let problem: string | undefined;
    if (BINARY.has(base) || lower.includes(';binary')) problem = `binary attribute ${name} is not imported`;
    else if (lower !== base) problem = `attribute options ("${name}") are not supported`;
    else if (lower === 'objectclass') {
      if (value.trim().toLowerCase() === 'organization') kind = 'organisation';
    } else if (lower === 'dn') problem = 'a second "dn:"; separate entries with a blank line';
    else if (DERIVED.has(lower)) continue;
    else if (lower === HIDDEN_ATTRIBUTE.toLowerCase()) {
      // RFC 4517 §3.3.3 Boolean: "TRUE" or "FALSE".
      const flag = value.trim().toUpperCase();
      if (flag === 'TRUE' || flag === 'FALSE') hidden = flag === 'TRUE';
      else problem = `${name} is "${value}", not TRUE or FALSE`;
    } else {
      const attribute = importableAttribute(name);
      if ('problem' in attribute) problem = attribute.problem;
      else if (values.has(attribute)) values.get(attribute)!.push(value);
      else values.set(attribute, [value]);
    }
    if (problem !== undefined) errors.push(`${source}, line ${line}: ${problem}`);
  }
  const valid = errors.length === before;
  const record = buildImportRecord(source, kind, hidden, values, errors);
  return valid ? record : null;
}

// RFC 2849 §2 SAFE-STRING: ASCII without NUL, LF, CR, not starting with space, ":" or "<"; note 8 adds
// that a value ending in a space should be base64 too, since tools strip trailing spaces.
// eslint-disable-next-line no-control-regex -- the grammar is defined over these code points
const SAFE_STRING = /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/;
const LINE_WIDTH = 76;

/** One `name: value` line, base64 where the value is not a SAFE-STRING, folded at 76 columns (note 2). */
export function ldifLine(name: string, value: string): string {
  const line =
    SAFE_STRING.test(value) && !value.endsWith(' ')
      ? `${name}: ${value}`
      : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
  if (line.length <= LINE_WIDTH) return line;
  const parts = [line.slice(0, LINE_WIDTH)];
  for (let at = LINE_WIDTH; at < line.length; at += LINE_WIDTH - 1)
    parts.push(` ${line.slice(at, at + LINE_WIDTH - 1)}`);
  return parts.join('\n');
}

/** The directory as LDIF, a chunk per entry so large exports can stream. */
export function* ldifChunks(entries: Iterable<DirectoryEntry>): Generator<string> {
  yield 'version: 1\n';
  for (const entry of entries) {
    const lines = [ldifLine('dn', entry.dn)];
    for (const [name, values] of entry.attributes) for (const value of values) lines.push(ldifLine(name, value));
    if (entry.hidden) lines.push(`${HIDDEN_ATTRIBUTE}: TRUE`);
    yield `\n${lines.join('\n')}\n`;
  }
}

export const formatDirectoryLdif = (entries: Iterable<DirectoryEntry>): string => [...ldifChunks(entries)].join('');
