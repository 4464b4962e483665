// The community directory as CSV (RFC 4180), the format operators keep in a spreadsheet.
//
// The first row names the columns: `kind` or `soort` (person | organisation, Dutch persoon | organisatie;
// empty is person), `hidden` or `verborgen` (yes/no, ja/nee, true/false, 1/0; empty leaves the entry's
// setting alone), and attributes by LDAP name, alias or friendly Dutch/English name (schema.ts
// importNames). Values of a multi-valued cell are separated by " | "; postalAddress is one value whose
// lines are separated by "$" (RFC 4517 §3.3.28). Empty cells are absent. Comma-, semicolon- (Dutch
// Excel) and tab-separated files are told apart by their header line; a UTF-8 byte order mark is ignored.
import { CsvError, parse } from 'csv-parse/sync';
import type { DirectoryEntryKind } from '../store/store.ts';
import { attributeDefinition, storageKey, type AttributeDefinition } from './schema.ts';
import type { DirectoryEntry, DirectoryImportRecord } from './types.ts';
import {
  buildImportRecord,
  CSV_VALUE_SEPARATOR,
  IMPORTABLE_ATTRIBUTES,
  importableAttribute,
  parseKind,
  parseYesNo,
  POSTAL_ADDRESS,
} from './import-record.ts';

type Column =
  | { type: 'kind' | 'hidden' | 'unnamed' | 'refused'; header: string }
  | { type: 'attribute'; header: string; attribute: AttributeDefinition };

/** The separator the header line uses most, outside quotes. */
function detectDelimiter(text: string): string {
  const counts = new Map([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const char of text) {
    if (char === '\n') break;
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  return [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}

function readColumns(headers: readonly string[], errors: string[]): Column[] {
  const seen = new Map<string, string>();
  return headers.map((raw): Column => {
    const header = raw.trim();
    const lower = header.toLowerCase();
    let column: Column;
    if (header === '') column = { type: 'unnamed', header };
    else if (lower === 'kind' || lower === 'soort') column = { type: 'kind', header };
    else if (lower === 'hidden' || lower === 'verborgen') column = { type: 'hidden', header };
    else {
      const attribute = importableAttribute(header);
      if ('problem' in attribute) {
        errors.push(`line 1: column "${header}": ${attribute.problem}`);
        return { type: 'refused', header };
      }
      column = { type: 'attribute', header, attribute };
    }
    if (column.type === 'unnamed') return column;
    const key = column.type === 'attribute' ? storageKey(column.attribute) : column.type;
    const earlier = seen.get(key);
    if (earlier !== undefined) errors.push(`line 1: columns "${earlier}" and "${header}" name the same attribute`);
    seen.set(key, header);
    return column;
  });
}

/** Records from a CSV file, and every problem in it; the caller imports nothing when there are any. */
export function parseDirectoryCsv(text: string): { records: DirectoryImportRecord[]; errors: string[] } {
  // One line ending throughout, so csv-parse's line count matches an editor's (it picks one ending per file).
  const input = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const errors: string[] = [];
  const lines: number[] = [];
  let rows: string[][];
  try {
    rows = parse(input, {
      delimiter: detectDelimiter(input),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      // Where each row starts, for messages: `lines` is its last line, and quoted cells may span several.
      // (Cheaper than the `info` option, which builds an object per row.)
      on_record: (cells, context) => {
        lines.push(context.lines - cells.reduce((sum, cell) => sum + (cell.split('\n').length - 1), 0));
        return cells;
      },
    });
  } catch (error) {
    if (error instanceof CsvError) return { records: [], errors: [`line ${String(error.lines)}: ${error.message}`] };
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) return { records: [], errors: ['the file is empty; its first line must name the columns'] };
  const columns = readColumns(header, errors);
  const records: DirectoryImportRecord[] = [];
  body.forEach((cells, index) => {
    const record = readRow(`line ${lines[index + 1]}`, columns, cells, errors);
    if (record) records.push(record);
  });
  return { records, errors };
}

function readRow(source: string, columns: readonly Column[], cells: readonly string[], errors: string[]) {
  if (cells.every((cell) => cell === '')) return null; // a spreadsheet's row of empty cells
  let kind: DirectoryEntryKind = 'person';
  let hidden: boolean | undefined;
  const values = new Map<AttributeDefinition, string[]>();
  const before = errors.length;
  for (const [index, cell] of cells.entries()) {
    const column = columns[index] ?? { type: 'unnamed', header: '' };
    if (cell === '') continue;
    switch (column.type) {
      case 'refused': // reported once, for the header
        break;
      case 'unnamed':
        errors.push(`${source}: value "${cell}" in column ${index + 1}, which has no name in the header`);
        break;
      case 'kind': {
        const parsed = parseKind(cell);
        if (parsed) kind = parsed;
        else errors.push(`${source}: kind "${cell}" is not person or organisation (persoon, organisatie)`);
        break;
      }
      case 'hidden':
        hidden = parseYesNo(cell);
        if (hidden === undefined)
          errors.push(`${source}: hidden "${cell}" is not yes or no (ja, nee, true, false, 1, 0)`);
        break;
      case 'attribute':
        values.set(
          column.attribute,
          storageKey(column.attribute) === POSTAL_ADDRESS ? [cell] : cell.split(CSV_VALUE_SEPARATOR),
        );
    }
  }
  const rowValid = errors.length === before;
  const record = buildImportRecord(source, kind, hidden, values, errors);
  return rowValid ? record : null;
}

// RFC 4180 §2: fields holding the separator, quotes or line breaks are quoted, quotes doubled.
const csvField = (value: string): string => (/[",;\t\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvLine = (fields: readonly string[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** The directory as CSV, a chunk per entry so large exports can stream. The first chunk starts with a
 * byte order mark so Excel reads the file as UTF-8 (Müller, not MÃ¼ller). */
export function* csvChunks(entries: Iterable<DirectoryEntry>): Generator<string> {
  const keys = IMPORTABLE_ATTRIBUTES.map(storageKey);
  yield `\uFEFF${csvLine(['kind', 'hidden', ...IMPORTABLE_ATTRIBUTES.map((a) => a.name)])}`;
  for (const entry of entries) {
    const cells = new Map<string, string>();
    for (const [name, values] of entry.attributes) {
      const attribute = attributeDefinition(name);
      if (attribute) cells.set(storageKey(attribute), csvCell(entry, attribute, values));
    }
    yield csvLine([entry.kind, entry.hidden ? 'yes' : 'no', ...keys.map((key) => cells.get(key) ?? '')]);
  }
}

function csvCell(entry: DirectoryEntry, attribute: AttributeDefinition, values: readonly string[]): string {
  // The importers refuse both shapes, so meeting one here means the directory was changed another way;
  // writing it would silently turn one value into two on the next import.
  if (
    storageKey(attribute) === POSTAL_ADDRESS ? values.length > 1 : values.some((v) => v.includes(CSV_VALUE_SEPARATOR))
  ) {
    throw new RangeError(`${entry.dn}: ${attribute.name} cannot be written to CSV without changing its values`);
  }
  return values.join(CSV_VALUE_SEPARATOR);
}

export const formatDirectoryCsv = (entries: Iterable<DirectoryEntry>): string => [...csvChunks(entries)].join('');
