// The recipient's own copy of a Viewer message as a PDF (SPEC R15: the Viewer's "download as PDF").
// A plain, self-contained document: headers, the text body and a list of attachment names. The
// attachments themselves are not embedded, nothing is fetched from elsewhere and the file carries no
// links or scripts, so opening it cannot reach out to anyone.
import { existsSync, readFileSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import PDFDocument from 'pdfkit';
import type { ViewerLanguage } from './types.ts';

export interface OwnCopyOptions {
  language?: ViewerLanguage;
  /** When the copy was made: shown in every footer and stored as the PDF's CreationDate. */
  generatedAt?: Date;
  /** Shown as the date when the message has no Date field (when the server received it). */
  receivedAt?: Date;
}

/** Text fonts for one document: DejaVu Sans (covers Latin, Greek, Cyrillic) or pdfkit's Helvetica. */
export interface PdfFonts {
  regular: string | Buffer;
  bold: string | Buffer;
  /** True for TrueType files embedded in the PDF (any character they have a glyph for); false for
   * the PDF standard fonts, which draw WinAnsi characters only. */
  embedded: boolean;
}

/** Bounds the work for one copy: a larger body is cut off with a note pointing at the .eml. Layout
 * runs on the server's event loop: 500,000 characters (some 200 pages) take about 0.4 s of plain text
 * and 3 s in the worst case (one unbroken run of base64). */
const MAX_BODY_CHARS = 500_000;
/** A header value longer than this (thousands of recipients, say) is cut off with an ellipsis. */
const MAX_HEADER_CHARS = 10_000;
const MAX_LISTED_ATTACHMENTS = 500;
/** The body is laid out in pieces of about this many characters (see the loop that uses it). */
const PIECE_CHARS = 10_000;

const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu'; // Debian/Ubuntu fonts-dejavu-core
export const STANDARD_FONTS: PdfFonts = { regular: 'Helvetica', bold: 'Helvetica-Bold', embedded: false };

const LOCALES: Record<ViewerLanguage, string> = { nl: 'nl-NL', en: 'en-GB', de: 'de-DE' };
const TIME_ZONE = 'Europe/Amsterdam';

const TEXTS = {
  nl: {
    from: 'Van',
    to: 'Aan',
    cc: 'Cc',
    date: 'Datum',
    subject: 'Onderwerp',
    attachments: 'Bijlagen',
    noSubject: '(geen onderwerp)',
    unknown: '(onbekend)',
    generated: 'Gemaakt op',
    page: (n: number, m: number) => `Pagina ${n} van ${m}`,
    truncated: '… (ingekort; download het .eml-bestand voor het volledige bericht)',
  },
  en: {
    from: 'From',
    to: 'To',
    cc: 'Cc',
    date: 'Date',
    subject: 'Subject',
    attachments: 'Attachments',
    noSubject: '(no subject)',
    unknown: '(unknown)',
    generated: 'Generated',
    page: (n: number, m: number) => `Page ${n} of ${m}`,
    truncated: '… (truncated; download the .eml for the full message)',
  },
  de: {
    from: 'Von',
    to: 'An',
    cc: 'Cc',
    date: 'Datum',
    subject: 'Betreff',
    attachments: 'Anhänge',
    noSubject: '(kein Betreff)',
    unknown: '(unbekannt)',
    generated: 'Erstellt am',
    page: (n: number, m: number) => `Seite ${n} von ${m}`,
    truncated: '… (gekürzt; laden Sie die .eml-Datei für die vollständige Nachricht herunter)',
  },
} satisfies Record<ViewerLanguage, unknown>;

let resolvedFonts: PdfFonts | undefined;

/** DejaVu Sans when installed, read once per process; otherwise the built-in Helvetica. */
function defaultFonts(): PdfFonts {
  if (!resolvedFonts) {
    const regular = `${DEJAVU_DIR}/DejaVuSans.ttf`;
    const bold = `${DEJAVU_DIR}/DejaVuSans-Bold.ttf`;
    resolvedFonts =
      existsSync(regular) && existsSync(bold)
        ? { regular: readFileSync(regular), bold: readFileSync(bold), embedded: true }
        : STANDARD_FONTS;
  }
  return resolvedFonts;
}

export function renderMessagePdf(raw: Buffer, options: OwnCopyOptions = {}): Promise<Buffer> {
  return renderMessagePdfWith(defaultFonts(), raw, options);
}

/** As renderMessagePdf with the given fonts; exported so that tests can force the Helvetica fallback. */
export async function renderMessagePdfWith(
  fonts: PdfFonts,
  raw: Buffer,
  options: OwnCopyOptions = {},
): Promise<Buffer> {
  const language = options.language ?? 'nl';
  const t = TEXTS[language];
  const generatedAt = options.generatedAt ?? new Date();
  const parsed = await simpleParser(raw, {
    // No data: URIs for cid: images and no HTML version of the text: neither is shown here.
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    // Longer HTML goes to the simpler, linear htmlAsText below instead of mailparser's converter.
    maxHtmlLengthToParse: 4 * MAX_BODY_CHARS,
  });
  const subject = oneLine(parsed.subject ?? '') || t.noSubject;

  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true, // footers need the page count, known only after layout
    autoFirstPage: true,
    lang: LOCALES[language],
    displayTitle: true,
    info: { Title: limit(normaliseText(subject), 1000, '…'), Creator: 'Zorgpost', CreationDate: generatedAt },
  });
  const output = collect(doc);
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const clean = textCleaner(doc, fonts);
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  // Cleaned and with long runs broken up, measured in the font that is current when called.
  const put = (text: string, options: PDFKit.Mixins.TextOptions = {}) =>
    doc.text(breakLongRuns(doc, clean(text), width), { width, ...options });

  doc.font('bold').fontSize(16);
  put(limit(subject, MAX_HEADER_CHARS, '…'));
  doc.moveDown(0.5);

  const headers: Array<[string, string]> = [
    [t.from, addressText(parsed.from) || t.unknown],
    [t.to, addressText(parsed.to) || t.unknown],
  ];
  const cc = addressText(parsed.cc);
  if (cc) headers.push([t.cc, cc]);
  const date = dateText(parsed, language) ?? (options.receivedAt ? formatDate(options.receivedAt, language, 'full') : t.unknown);
  headers.push([t.date, date], [t.subject, subject]);
  doc.fontSize(10);
  for (const [label, value] of headers) {
    doc.font('bold').text(`${label}: `, { width, continued: true });
    doc.font('regular');
    put(limit(value, MAX_HEADER_CHARS, '…'));
  }
  rule(doc, width);

  doc.font('regular');
  const body = breakLongRuns(
    doc,
    clean(limit(bodyText(parsed), MAX_BODY_CHARS, `\n\n${t.truncated}`).trimEnd()),
    width,
  );
  for (const piece of pieces(body, PIECE_CHARS)) {
    doc.text(piece, { width, lineGap: 1 });
    forgetLayouts(doc);
    // pdfkit works synchronously: hand the event loop back between pieces so that a long message
    // does not stall every other connection of this process while it is laid out.
    await setImmediate();
  }

  if (parsed.attachments.length > 0) {
    rule(doc, width);
    doc.font('bold').text(`${t.attachments} (${parsed.attachments.length})`, { width });
    doc.font('regular');
    parsed.attachments.slice(0, MAX_LISTED_ATTACHMENTS).forEach((attachment, index) => {
      // The same fallback name as the Viewer's list (viewer-access.ts), so the two match.
      const name = oneLine(attachment.filename ?? '') || `attachment-${index + 1}`;
      put(`• ${limit(name, 1000, '…')} (${sizeText(attachment.size, language)})`);
    });
    const more = parsed.attachments.length - MAX_LISTED_ATTACHMENTS;
    if (more > 0) put(`… +${more}`);
  }

  writeFooters(doc, clean(`${t.generated} ${formatDate(generatedAt, language, 'long')}`), t.page);
  doc.end();
  return output;
}

/** "Page n of m · Generated …" at the bottom of every page, written once the page count is known. */
function writeFooters(doc: PDFKit.PDFDocument, generated: string, page: (n: number, m: number) => string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const { left, right, bottom } = doc.page.margins;
    doc.font('regular').fontSize(8).fillColor('#555555');
    const footer = `${page(i - start + 1, count)} · ${generated}`;
    const x = left + Math.max(0, (doc.page.width - left - right - doc.widthOfString(footer)) / 2);
    // Centred by hand: text with a width goes through pdfkit's line wrapper, which starts a new page
    // for anything below the bottom margin, which is exactly where a footer goes.
    doc.text(footer, x, doc.page.height - bottom + 24, { lineBreak: false });
  }
}

function rule(doc: PDFKit.PDFDocument, width: number): void {
  doc.moveDown(0.5);
  const y = doc.y;
  doc
    .moveTo(doc.page.margins.left, y)
    .lineTo(doc.page.margins.left + width, y)
    .lineWidth(0.5)
    .strokeColor('#999999')
    .stroke();
  doc.moveDown(0.5);
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** The text part; for HTML-only mail mailparser converts the HTML, except when the conversion failed. */
function bodyText(parsed: ParsedMail): string {
  if (parsed.text?.trim()) return parsed.text;
  return typeof parsed.html === 'string' ? htmlAsText(parsed.html) : '';
}

/** Tags that start or end a block: a line break in the text, as a browser would show it. */
const BLOCK_TAG = /^\/?(br|p|div|li|tr|h[1-6]|table|blockquote)\b/i;
// HTML 4's Latin-1 entities name U+00A0…U+00FF in order; with the markup and typographic ones they
// cover what mail in Dutch, German or English uses. Names are case-sensitive (&Uuml; is not &uuml;).
const LATIN1_ENTITIES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig ' +
  'Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash ' +
  'Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc ' +
  'euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml ' +
  'yacute thorn yuml';
const NAMED_ENTITIES = new Map<string, string>([
  ...LATIN1_ENTITIES.split(' ').map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
  ...Object.entries({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", euro: '€', hellip: '…', bull: '•' }),
  ...Object.entries({ ndash: '–', mdash: '—', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', trade: '™' }),
]);

/**
 * Tags dropped, blocks on lines of their own, entities decoded — for HTML that mailparser's converter
 * refused (too deeply nested, say). A single pass: a regular expression over hostile HTML (a "<"
 * without ">" repeated a million times) could take quadratic time.
 */
export function htmlAsText(html: string): string {
  let text = '';
  let skipping = false; // inside <script> or <style>
  let i = 0;
  while (i < html.length) {
    const open = html.indexOf('<', i);
    if (open < 0) {
      if (!skipping) text += html.slice(i);
      break;
    }
    if (!skipping) text += html.slice(i, open);
    const close = html.indexOf('>', open);
    if (close < 0) break; // an unclosed tag runs to the end
    const tag = html.slice(open + 1, Math.min(close, open + 20));
    if (/^(script|style)\b/i.test(tag)) skipping = true;
    else if (/^\/(script|style)\b/i.test(tag)) skipping = false;
    else if (!skipping && BLOCK_TAG.test(tag)) text += '\n';
    i = close + 1;
  }
  return text
    .replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,7});/g, (entity, name: string) => {
      if (name[0] !== '#') return NAMED_ENTITIES.get(name) ?? entity;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function addressText(field: AddressObject | AddressObject[] | undefined): string {
  if (!field) return '';
  return oneLine((Array.isArray(field) ? field : [field]).map((a) => a.text).join(', '));
}

/**
 * The Date header in the reader's language. mailparser turns a Date it cannot parse into the time of
 * parsing, which would present the message as just sent; so the header is read here, and shown as
 * written when it is not a date.
 */
function dateText(parsed: ParsedMail, language: ViewerLanguage): string | null {
  const line = parsed.headerLines.find((header) => header.key === 'date')?.line;
  if (!line) return null;
  const value = oneLine(line.slice(line.indexOf(':') + 1));
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value || null : formatDate(date, language, 'full');
}

function formatDate(date: Date, language: ViewerLanguage, dateStyle: 'full' | 'long'): string {
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle, timeStyle: 'short', timeZone: TIME_ZONE }).format(
    date,
  );
}

/** "11 B", "1,5 KB", "2,5 MB": bytes below a kilobyte, which would otherwise show as "0 KB". */
function sizeText(bytes: number, language: ViewerLanguage): string {
  const number = new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${number.format(bytes / 1024)} KB` : `${number.format(bytes / (1024 * 1024))} MB`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` UTF-16 units plus `note`, never cutting a surrogate pair in half. */
function limit(text: string, max: number, note: string): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end) + note;
}

// Composed characters (NFC: the fonts have glyphs for "é", and a search for "één" finds it), line
// ends as \n, tabs as spaces (no font has a tab glyph), other control characters dropped (a NUL in a
// legacy message would otherwise reach the PDF as a missing-glyph box).
function normaliseText(text: string): string {
  return (
    text
      .normalize('NFC')
      .replace(/\r\n?|[\u2028\u2029\f\v]/g, '\n')
      .replace(/\t/g, '    ')
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
  );
}

/**
 * Normalises text and replaces what the font cannot draw with "?": a missing glyph would be drawn as
 * an empty box, and every such box maps to one character when the text is copied or searched.
 * Variation selectors and the zero-width joiner only shape emoji, which no font here has: dropped.
 */
function textCleaner(doc: PDFKit.PDFDocument, fonts: PdfFonts): (text: string) => string {
  const covers = fonts.embedded ? embeddedCoverage(doc) : isWinAnsi;
  return (text) =>
    normaliseText(text).replace(/[^\n\u0020-\u007e]/gu, (char) => {
      const code = char.codePointAt(0)!;
      if (code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) return '';
      return covers(code) ? char : '?';
    });
}

/**
 * Which code points both embedded fonts have. pdfkit does not expose this, so the check asks the
 * fontkit font behind pdfkit's current font (a private field, there for many pdfkit versions); the
 * tests fail if that ever changes (CJK text must come out as "?").
 */
function embeddedCoverage(doc: PDFKit.PDFDocument): (code: number) => boolean {
  const lookups = (['regular', 'bold'] as const).map((name) => {
    const font = (doc.font(name) as unknown as { _font?: { font?: { hasGlyphForCodePoint?: unknown } } })._font?.font;
    return typeof font?.hasGlyphForCodePoint === 'function'
      ? (font.hasGlyphForCodePoint.bind(font) as (code: number) => boolean)
      : null;
  });
  if (lookups.includes(null)) return () => true;
  const known = new Map<number, boolean>();
  return (code) => {
    let has = known.get(code);
    if (has === undefined) known.set(code, (has = lookups.every((hasGlyph) => hasGlyph!(code))));
    return has;
  };
}

// WinAnsiEncoding (PDF 32000-1 Annex D.2): Latin-1 plus the typographic characters at 0x80–0x9F.
const WIN_ANSI_EXTRA = new Set([...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'].map((c) => c.codePointAt(0)!));

function isWinAnsi(code: number): boolean {
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);
}

/**
 * The text in pieces of at least `size` characters, each cut at a line break that follows a non-empty
 * line; the break itself is left out because every text() call starts a new line. pdfkit ignores one
 * trailing newline per call, so a piece ending in an empty line would lose that line.
 */
function* pieces(text: string, size: number): Generator<string> {
  const lineEnd = /[^\n]\n/g;
  let start = 0;
  while (start < text.length) {
    lineEnd.lastIndex = start + size;
    const found = lineEnd.exec(text);
    const end = found ? found.index + 1 : text.length;
    yield text.slice(start, end);
    start = end + 1;
  }
}

/**
 * Empties pdfkit's cache of laid-out words (a private field), which otherwise keeps every distinct
 * word of the document: over half a gigabyte for two million characters of base64. Within a piece the cache
 * still spares re-shaping the words of ordinary text.
 */
function forgetLayouts(doc: PDFKit.PDFDocument): void {
  const font = (doc as unknown as { _font?: { layoutCache?: object } })._font;
  if (font?.layoutCache) font.layoutCache = Object.create(null) as object;
}

/**
 * Splits runs without spaces (base64, long URLs) that are wider than a line into line-wide pieces.
 * pdfkit can break such a run itself, but it re-measures the whole remainder for every line it cuts
 * off: quadratic in the run's length, so a megabyte of base64 on one line would never finish.
 */
function breakLongRuns(doc: PDFKit.PDFDocument, text: string, width: number): string {
  const widths = new Map<string, number>();
  const charWidth = (char: string): number => {
    let w = widths.get(char);
    if (w === undefined) widths.set(char, (w = doc.widthOfString(char)));
    return w;
  };
  // 95% of the line: the sum of single characters ignores kerning, which may make a run wider.
  const maxWidth = width * 0.95;
  return text.replace(/[^\s]{30,}/gu, (run) => {
    const pieces: string[] = [];
    let start = 0;
    let used = 0;
    let offset = 0;
    for (const char of run) {
      const w = charWidth(char);
      if (used + w > maxWidth && offset > start) {
        pieces.push(run.slice(start, offset));
        start = offset;
        used = 0;
      }
      used += w;
      offset += char.length;
    }
    pieces.push(run.slice(start));
    return pieces.join('\n');
  });
}
