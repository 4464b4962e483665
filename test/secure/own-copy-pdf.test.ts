// The recipient's own copy as a PDF (SPEC R15): real corpus messages and built ones rendered, then read
// back with poppler's pdftotext/pdfinfo, the way a reader's PDF viewer would see them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import MailComposer from 'nodemailer/lib/mail-composer';
import { CORPUS_DIR, corpusUnavailable } from '../helpers/corpus.ts';
import { htmlAsText, renderMessagePdf, renderMessagePdfWith, STANDARD_FONTS } from '../../src/secure/own-copy-pdf.ts';

const run = promisify(execFile);
const GENERATED_AT = new Date('2025-03-04T10:15:00Z'); // 11:15 in Amsterdam
const A4_WIDTH = 595.28;
const SIDE_MARGIN = 56;
const FOOTER_TOP = 841.89 - 64; // A4 height minus the bottom margin

// CI installs poppler-utils; without it these tests must fail loudly, not pass by skipping.
await run('pdftotext', ['-v']).catch((error: unknown) => {
  throw new Error(
    `pdftotext (poppler-utils) is needed for the own-copy PDF tests: apt-get install poppler-utils (${String(error)})`,
  );
});

const workDir = await mkdtemp(join(tmpdir(), 'zorgpost-own-copy-'));
after(() => rm(workDir, { recursive: true, force: true }));
let fileCount = 0;

async function pdfFile(pdf: Buffer): Promise<string> {
  const path = join(workDir, `copy-${++fileCount}.pdf`);
  await writeFile(path, pdf);
  return path;
}

/** The PDF's text with all white space (line wraps included) as single spaces. */
async function pdfText(pdf: Buffer): Promise<string> {
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', await pdfFile(pdf), '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.replace(/\s+/g, ' ');
}

async function pdfInfo(pdf: Buffer): Promise<Record<string, string>> {
  const { stdout } = await run('pdfinfo', ['-isodates', await pdfFile(pdf)]);
  return Object.fromEntries(
    stdout.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
}

/** Every word pdftotext finds above the footers, with its right edge on the page. */
async function pdfWords(pdf: Buffer): Promise<Array<{ text: string; xMax: number }>> {
  const { stdout } = await run('pdftotext', ['-bbox', '-enc', 'UTF-8', await pdfFile(pdf), '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...stdout.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)]
    .map((m) => ({ yMin: Number(m[1]), xMax: Number(m[2]), text: m[3]! }))
    .filter((word) => word.yMin < FOOTER_TOP);
}

function corpusMessage(file: string): Promise<Buffer> {
  return readFile(join(CORPUS_DIR, 'messages', file));
}

function assertIsPdf(pdf: Buffer): void {
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdf.subarray(-6).toString('latin1'), /%%EOF\s*$/);
}

/** Nothing that acts when the file is opened or clicked: scripts, links, launches, embedded files. */
function assertInert(pdf: Buffer): void {
  const bytes = pdf.toString('latin1'); // dictionaries are not compressed by pdfkit: keys are visible
  for (const key of [
    '/JavaScript',
    '/JS',
    '/URI',
    '/Launch',
    '/OpenAction',
    '/AA',
    '/SubmitForm',
    '/EmbeddedFile',
    '/Annots',
  ]) {
    assert.ok(!new RegExp(`${key}\\b`).test(bytes), `PDF contains ${key}`);
  }
}

const LONG_TOKEN = `BEGIN${randomBytes(3000).toString('base64').replace(/[+/=]/g, 'x').replace(/BEGIN|END/g, 'xxx')}END`;

/** A letter from a practice: Cc, many paragraphs in several scripts, a tab, a URL, one unbreakable token. */
async function builtLetter(): Promise<Buffer> {
  const paragraphs = Array.from(
    { length: 160 },
    (_, i) => `Alinea ${i + 1}: de uitslag van mevrouw Müller is besproken; één controle volgt over zes weken.`,
  );
  const text = [
    'Beste collega,',
    'Zażółć gęślą jaźń. Καλημέρα σας. Здравствуйте, коллега. 漢字 👍🏽 Grüße aus Köln.',
    'Kolom1\tKolom2',
    'Meer informatie: https://example.org/uitslag?patient=123&code=abc',
    LONG_TOKEN,
    ...paragraphs,
    'Met vriendelijke groet, Dr. A. de Vries',
  ].join('\n\n');
  return new MailComposer({
    from: { name: 'Dr. Anna de Vries', address: 'a.devries@huisarts.example' },
    to: { name: 'Jörg Müller', address: 'j.mueller@example.de' },
    cc: 'apotheek@example.nl',
    subject: 'Uitslag bloedonderzoek – één patiënt',
    date: new Date('2025-02-28T08:30:00Z'),
    text,
    attachments: [
      { filename: 'verwijsbrief één.pdf', content: Buffer.alloc(150 * 1024, 1), contentType: 'application/pdf' },
      { filename: 'scan.jpg', content: Buffer.alloc(Math.round(2.5 * 1024 * 1024), 2), contentType: 'image/jpeg' },
    ],
  })
    .compile()
    .build();
}

describe('renderMessagePdf: corpus messages', { skip: corpusUnavailable() }, () => {
  it('renders a Windows-1252 message with encoded headers in Dutch, with umlauts intact', async () => {
    const pdf = await renderMessagePdf(await corpusMessage('0186-zbmmp-m0010.eml'), {
      language: 'nl',
      generatedAt: GENERATED_AT,
    });
    assertIsPdf(pdf);
    assertInert(pdf);
    const text = await pdfText(pdf);
    for (const expected of [
      'Die Hasen und die Frösche (Microsoft Outlook 00)',
      'Van: "Doug Sauder" <doug@example.com>',
      'Aan: "Heinz Müller" <mueller@example.com>',
      'Datum: donderdag 18 mei 2000 om 01:30', // 19:30 -0400 is 01:30 the next day in Amsterdam
      'Onderwerp: Die Hasen und die Frösche',
      'Die Hasen klagten einst über ihre mißliche Lage; "wir leben", sprach ein Redner',
      'Pagina 1 van 1 · Gemaakt op 4 maart 2025 om 11:15',
    ]) {
      assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in ${text}`);
    }
    assert.ok(!text.includes('Should be Ignored'), 'the second From field is not the sender');
    const info = await pdfInfo(pdf);
    assert.equal(info.Title, 'Die Hasen und die Frösche (Microsoft Outlook 00)');
    assert.equal(info.Creator, 'Zorgpost');
    assert.equal(info.CreationDate, '2025-03-04T10:15:00Z');
    assert.equal(info.Pages, '1');
  });

  it('renders an HTML-only ISO-8859-1 message as text, in German', async () => {
    const pdf = await renderMessagePdf(await corpusMessage('0213-zbmmp-m2003.eml'), {
      language: 'de',
      generatedAt: GENERATED_AT,
    });
    assertIsPdf(pdf);
    const text = await pdfText(pdf);
    for (const expected of [
      'Von: "Doug Sauder" <dwsauder@example.com>',
      'An: "Heinz Müller" <mueller@example.com>',
      'Datum: Freitag, 19. Mai 2000 um 06:31',
      'Betreff: Die Hasen und die Frösche',
      'Die Hasen klagten einst über ihre mißliche Lage; "wir leben", sprach ein Redner',
      'Seite 1 von 1 · Erstellt am 4. März 2025 um 11:15',
    ]) {
      assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in ${text}`);
    }
    assert.doesNotMatch(text, /<font|&quot;/);
  });

  it('lists attachments by name and size without embedding them', async () => {
    const pdf = await renderMessagePdf(await corpusMessage('0002-mail-attachment-nonascii-filename.eml'), {
      language: 'en',
      generatedAt: GENERATED_AT,
    });
    assertInert(pdf);
    const text = await pdfText(pdf);
    assert.ok(text.includes('Attachments (1) • ciële.txt (11 B)'), text);
    assert.ok(text.includes('Page 1 of 1 · Generated 4 March 2025 at 11:15'), text);
  });

  it('renders a large message (1.8 MB) with eleven unnamed parts, named as the Viewer names them', async () => {
    const pdf = await renderMessagePdf(await corpusMessage('0223-flanker-torture.eml'), {
      language: 'en',
      generatedAt: GENERATED_AT,
    });
    assertIsPdf(pdf);
    assertInert(pdf);
    assert.ok(pdf.length < 200_000, `${pdf.length} bytes: attachments must not be embedded`);
    const text = await pdfText(pdf);
    assert.ok(text.includes('Multi-media mail demonstration'), text);
    assert.ok(text.includes('From: "Mark Crispin" <mrc@CAC.Washington.EDU>'), text);
    assert.ok(text.includes('This is a demonstration of multi-part mail with encapsulated messages.'), text);
    assert.ok(text.includes('Attachments (11) • attachment-1 (4.7 KB) • attachment-2 (541.7 KB)'), text);
    assert.ok(text.includes('• attachment-11 (304.3 KB)'), text);
  });

  it('shows an unparseable Date as written, not as the time of rendering', async () => {
    const text = await pdfText(
      await renderMessagePdf(await corpusMessage('0092-mail-raw-email-with-bad-date.eml'), {
        generatedAt: GENERATED_AT,
      }),
    );
    assert.ok(text.includes('Datum: Pn, 29 paX 2007 21:13:00 +0100'), text);
  });
});

describe('renderMessagePdf: built messages', () => {
  it('lays out a long letter over several pages with a footer on each', async () => {
    const pdf = await renderMessagePdf(await builtLetter(), { language: 'nl', generatedAt: GENERATED_AT });
    assertIsPdf(pdf);
    assertInert(pdf);
    const pages = Number((await pdfInfo(pdf)).Pages);
    assert.ok(pages >= 3, `${pages} pages`);
    const text = await pdfText(pdf);
    for (const expected of [
      'Uitslag bloedonderzoek – één patiënt',
      'Van: "Dr. Anna de Vries" <a.devries@huisarts.example>',
      'Aan: "Jörg Müller" <j.mueller@example.de>',
      'Cc: apotheek@example.nl',
      'Datum: vrijdag 28 februari 2025 om 09:30',
      'Zażółć gęślą jaźń. Καλημέρα σας. Здравствуйте, коллега.',
      'Grüße aus Köln.',
      'Meer informatie: https://example.org/uitslag?patient=123&code=abc',
      'Alinea 160: de uitslag van mevrouw Müller is besproken; één controle volgt over zes weken.',
      'Met vriendelijke groet, Dr. A. de Vries',
      'Bijlagen (2) • verwijsbrief één.pdf (150 KB) • scan.jpg (2,5 MB)',
      `Pagina 1 van ${pages} · Gemaakt op 4 maart 2025 om 11:15`,
      `Pagina ${pages} van ${pages}`,
    ]) {
      assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)}`);
    }
    assert.match(text, /Kolom1 Kolom2/); // the tab became spaces, not a missing glyph
    // No CJK or emoji glyphs in DejaVu Sans: a "?" each instead of an empty box (the skin-tone
    // modifier is a character of its own).
    assert.ok(text.includes('Здравствуйте, коллега. ?? ?? Grüße'), text.slice(0, 600));
  });

  it('wraps an unbreakable 4000-character token inside the margins, every character kept', async () => {
    const pdf = await renderMessagePdf(await builtLetter(), { generatedAt: GENERATED_AT });
    const words = await pdfWords(pdf);
    const widest = Math.max(...words.map((w) => w.xMax));
    assert.ok(widest <= A4_WIDTH - SIDE_MARGIN + 1, `text reaches x=${widest}`);
    const first = words.findIndex((w) => w.text.startsWith('BEGIN'));
    const last = words.findIndex((w) => w.text.endsWith('END'));
    assert.ok(first >= 0 && last > first + 20, `token spread over ${last - first + 1} lines`);
    assert.equal(
      words
        .slice(first, last + 1)
        .map((w) => w.text)
        .join(''),
      LONG_TOKEN,
    );
  });

  it('switches labels and footer with the language', async () => {
    const raw = await builtLetter();
    const english = await pdfText(await renderMessagePdf(raw, { language: 'en', generatedAt: GENERATED_AT }));
    assert.ok(english.includes('From: "Dr. Anna de Vries"'));
    assert.ok(english.includes('To: "Jörg Müller"'));
    assert.ok(english.includes('Date: Friday, 28 February 2025 at 09:30'));
    assert.ok(english.includes('Subject: Uitslag bloedonderzoek'));
    assert.ok(english.includes('Attachments (2)'));
    assert.match(english, /Page 1 of \d+ · Generated 4 March 2025 at 11:15/);
    assert.ok(!english.includes('Van:') && !english.includes('Pagina'));
    const german = await pdfText(await renderMessagePdf(raw, { language: 'de', generatedAt: GENERATED_AT }));
    assert.ok(german.includes('Von: "Dr. Anna de Vries"') && german.includes('Anhänge (2)'));
    assert.match(german, /Seite 2 von \d+/);
  });

  it('copes with no Subject, no From and no Date', async () => {
    const raw = Buffer.from(
      'To: patient@example.nl\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAlleen tekst.\r\n',
    );
    const pdf = await renderMessagePdf(raw, { generatedAt: GENERATED_AT });
    const text = await pdfText(pdf);
    assert.ok(
      text.startsWith(
        '(geen onderwerp) Van: (onbekend) Aan: patient@example.nl Datum: (onbekend) Onderwerp: (geen onderwerp)',
      ),
      text,
    );
    assert.ok(text.includes('Alleen tekst.'));
    // Without a Date field the Viewer passes when the message arrived.
    const received = await pdfText(await renderMessagePdf(raw, { generatedAt: GENERATED_AT, receivedAt: GENERATED_AT }));
    assert.ok(received.includes('Datum: dinsdag 4 maart 2025 om 11:15'), received.slice(0, 300));
    assert.equal((await pdfInfo(pdf)).Title, '(geen onderwerp)');
    const english = await pdfText(await renderMessagePdf(raw, { language: 'en', generatedAt: GENERATED_AT }));
    assert.ok(english.startsWith('(no subject) From: (unknown)'), english);
  });

  it('cuts a 5 MB body off at half a million characters, with a note, in bounded time', { timeout: 180_000 }, async () => {
    const line = 'Regel met tekst over de behandeling van mevrouw Müller en één vervolgafspraak.\n';
    const body = line.repeat(Math.ceil(5_000_000 / line.length)) + 'DIT-STAAT-ACHTER-DE-GRENS\n';
    const raw = Buffer.from(
      `From: lab@example.nl\r\nTo: patient@example.nl\r\nSubject: Groot\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}`,
    );
    const pdf = await renderMessagePdf(raw, { generatedAt: GENERATED_AT });
    assertIsPdf(pdf);
    const text = await pdfText(pdf);
    assert.ok(text.includes('… (ingekort; download het .eml-bestand voor het volledige bericht)'));
    assert.ok(!text.includes('DIT-STAAT-ACHTER-DE-GRENS'));
    const pages = Number((await pdfInfo(pdf)).Pages);
    assert.ok(pages > 100, `${pages} pages`);
    assert.ok(text.endsWith(`Pagina ${pages} van ${pages} · Gemaakt op 4 maart 2025 om 11:15 `), text.slice(-200));
  });

  it('falls back to its own HTML-to-text when mailparser refuses the HTML (nested too deep)', async () => {
    const html = `${'<div>'.repeat(1100)}<p>Diep genest: &eacute;&eacute;n &amp; M&#xFC;ller &#9786;</p><script>alert("x")</script>${'</div>'.repeat(1100)}`;
    const raw = Buffer.from(
      `From: a@example.nl\r\nSubject: Diep\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`,
    );
    const text = await pdfText(await renderMessagePdf(raw, { generatedAt: GENERATED_AT }));
    assert.ok(text.includes('Diep genest: één & Müller ☺'), text);
    assert.ok(!text.includes('alert'));
  });

  it('uses Helvetica with WinAnsi characters only when DejaVu Sans is not installed', async () => {
    const pdf = await renderMessagePdfWith(STANDARD_FONTS, await builtLetter(), { generatedAt: GENERATED_AT });
    assertIsPdf(pdf);
    assertInert(pdf);
    const text = await pdfText(pdf);
    assert.ok(text.includes('Aan: "Jörg Müller" <j.mueller@example.de>'));
    assert.ok(text.includes('Uitslag bloedonderzoek – één patiënt'));
    assert.ok(text.includes('Za?ó?? g??l? ja??. ???????? ???.'), text.slice(0, 600));
    assert.match(text, /Pagina 1 van \d+ · Gemaakt op 4 maart 2025 om 11:15/);
    const words = await pdfWords(pdf);
    assert.ok(Math.max(...words.map((w) => w.xMax)) <= A4_WIDTH - SIDE_MARGIN + 1);
  });
});

describe('htmlAsText', () => {
  it('drops tags, scripts and styles, breaks lines at block ends and decodes entities', () => {
    assert.equal(
      htmlAsText(
        '<style>p{}</style><p>Hallo&nbsp;<b>M&uuml;ller</b> &lt;3 &#233;&#xe9;n &Uuml;</p><script>x()</script>rest<br>x &bogus; &#0;',
      ),
      'Hallo\u00a0Müller <3 één Ü\nrest\nx &bogus; &#0;',
    );
  });

  it('reads HTML with a "<" never closed in linear time', () => {
    assert.equal(htmlAsText(`tekst ${'<a'.repeat(200_000)}`), 'tekst');
  });
});
