// The structure parser over every corpus message: chunking never changes the result, offsets are
// consistent, nothing throws, the IMAP output is well-formed, and what a reader would see agrees
// with mailparser (an independent parser) except where listed below with the reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import { domainToUnicode } from 'node:url';
import { formatBodyStructure } from '../../../src/imap/format/body-structure.ts';
import { formatEnvelope } from '../../../src/imap/format/envelope.ts';
import { MISSING_DOMAIN } from '../../../src/mail/mime/envelope.ts';
import { extractSearchText, MAX_SEARCH_BODY } from '../../../src/mail/mime/searchable-text.ts';
import { decodeHeaderText } from '../../../src/mail/mime/text-decoding.ts';
import type { MessageStructure } from '../../../src/mail/mime/types.ts';
import { parseImapValue } from '../../imap/format/imap-value.ts';
import { assertOffsets, corpusIndex, corpusMessage, corpusSkip, parseInChunks, parseWhole, seededRandom } from './helpers.ts';
import { mailparserView } from './mailparser-view.ts';

const entries = corpusSkip.skip ? [] : corpusIndex();
const SEED = Number(process.env.MIME_TEST_SEED ?? 20240611);

test('the corpus is there', corpusSkip, () => {
  assert.ok(entries.length >= 440, `found ${entries.length} messages`);
});

test('chunk sizes never change the structure; offsets are consistent', corpusSkip, () => {
  const random = seededRandom(SEED);
  for (const entry of entries) {
    const bytes = corpusMessage(entry.file);
    const whole = parseWhole(bytes);
    const label = `${entry.file} (seed ${SEED})`;
    assert.equal(whole.size, bytes.length, label);
    assertOffsets(whole, label);
    // random sizes from 1 byte to 8 KB, weighted towards small ones so boundaries split often
    const randomChunks = parseInChunks(bytes, () => Math.floor(random() ** 3 * 8192) + 1);
    assert.deepEqual(randomChunks, whole, `${label}: random chunks`);
    assert.deepEqual(
      parseInChunks(bytes, () => 7),
      whole,
      `${label}: 7-byte chunks`,
    );
    if (bytes.length <= 64 * 1024)
      assert.deepEqual(
        parseInChunks(bytes, () => 1),
        whole,
        `${label}: 1-byte chunks`,
      );
  }
});

test('IMAP output is well-formed and search text stays bounded for every message', corpusSkip, () => {
  for (const entry of entries) {
    const bytes = corpusMessage(entry.file);
    const structure = parseWhole(bytes);
    for (const extended of [true, false]) {
      const text = formatBodyStructure(structure.root, { extended }).toString('latin1');
      assert.doesNotThrow(() => parseImapValue(text), `${entry.file}: ${text.slice(0, 200)}`);
    }
    assert.doesNotThrow(() => parseImapValue(formatEnvelope(structure.envelope).toString('latin1')), entry.file);
    const search = extractSearchText(bytes, structure);
    assert.ok(search.body.length <= MAX_SEARCH_BODY, entry.file);
  }
});

// ---- comparison with mailparser ----

type Aspect = 'text' | 'attachments' | 'from';

const WHY = {
  prefixDelimiter:
    'a line that starts with the delimiter but goes on ("--b-", "--b junk") is a delimiter for us and Dovecot ' +
    '(RFC 2046 §5.1.1: "the boundary value with the beginning of each candidate line"); mailparser needs the whole line',
  noParts: 'a multipart whose delimiters never appear: we show its body as text/plain, mailparser shows nothing',
  digestDefault:
    'parts of multipart/digest without Content-Type are message/rfc822 (RFC 2046 §5.1.5); mailparser reads them as text',
  missingSeparator: 'a header without its blank line: we start the body at the first pair of non-header lines',
  trailingSpaceBoundary:
    'a boundary ending in spaces: we keep them (the mime4j fixture says so); mailparser trims them',
  missingComma: 'two addresses without a comma: we return both, mailparser one with the other as its name',
} as const;

const KNOWN: Record<string, { aspects: Aspect[]; why: keyof typeof WHY }> = {
  '0056-mail-raw-email4.eml': { aspects: ['text'], why: 'prefixDelimiter' },
  '0276-stalwart-malformed-004.eml': { aspects: ['text'], why: 'prefixDelimiter' },
  '0286-stalwart-malformed-002.eml': { aspects: ['text'], why: 'prefixDelimiter' },
  '0376-mime4j-ending-boundaries.eml': { aspects: ['text'], why: 'prefixDelimiter' },
  '0221-flanker-mailformed-headers.eml': { aspects: ['text'], why: 'noParts' },
  '0320-mime4j-badbound.eml': { aspects: ['text'], why: 'noParts' },
  '0361-mime4j-missing-inner-start-boundary.eml': { aspects: ['text'], why: 'noParts' },
  '0365-mime4j-missing-inner-boundary.eml': { aspects: ['text'], why: 'noParts' },
  '0378-mime4j-multipartnopart.eml': { aspects: ['text'], why: 'noParts' },
  '0382-mime4j-missing-boundary.eml': { aspects: ['text'], why: 'noParts' },
  '0414-sa-spam-badmime2.eml': { aspects: ['text'], why: 'noParts' },
  '0420-sa-spam-016.eml': { aspects: ['text'], why: 'noParts' },
  '0436-sa-spam-015.eml': { aspects: ['text'], why: 'noParts' },
  '0265-stalwart-rfc-004.eml': { aspects: ['attachments', 'text'], why: 'digestDefault' },
  '0295-stalwart-thirdparty-007.eml': { aspects: ['attachments'], why: 'digestDefault' },
  '0375-mime4j-multipartdigestnestedemptyparts.eml': { aspects: ['attachments'], why: 'digestDefault' },
  '0366-mime4j-malformedheaderstartsbody-noheader.eml': { aspects: ['text'], why: 'missingSeparator' },
  '0383-mime4j-basic-plain-with-bad-header-separator.eml': { aspects: ['text'], why: 'missingSeparator' },
  '0369-mime4j-weird-boundary.eml': { aspects: ['text'], why: 'trailingSpaceBoundary' },
  '0377-mime4j-very-long-boundary.eml': { aspects: ['text'], why: 'trailingSpaceBoundary' },
  '0098-mail-raw-email-multiple-from.eml': { aspects: ['from'], why: 'missingComma' },
};

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();
/** mailparser marks bytes it cannot decode with U+FFFD (sometimes mis-encoded as "ï¿½"); we decode
 * them as latin1 instead. Where it did, only the ASCII characters are compared. */
const comparable = (ours: string, theirs: string): [string, string] =>
  /\ufffd|ï¿½/.test(theirs)
    ? [collapse(ours.replace(/[^\x00-\x7f]/g, '')), collapse(theirs.replace(/[^\x00-\x7f]|ï¿½/g, ''))] // eslint-disable-line no-control-regex
    : [collapse(ours), collapse(theirs)];

function unicodeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at === -1) return address.toLowerCase();
  const host = address.slice(at + 1);
  return `${address.slice(0, at)}@${domainToUnicode(host) || host}`.toLowerCase();
}

function mailparserAddresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const flat = (list: EmailAddress[]): EmailAddress[] => list.flatMap((a) => (a.group ? flat(a.group) : [a]));
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => flat(o.value)).map((a) => unicodeAddress(a.address ?? ''));
}

async function compareWithMailparser(bytes: Buffer, structure: MessageStructure): Promise<Map<string, string>> {
  const parsed = await simpleParser(bytes, { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  const found = new Map<string, string>();
  const envelope = structure.envelope;

  const [subject, theirSubject] = comparable(
    envelope.subject === null ? '' : decodeHeaderText(envelope.subject),
    parsed.subject ?? '',
  );
  if (subject !== theirSubject) found.set('subject', `${JSON.stringify(subject)} vs ${JSON.stringify(theirSubject)}`);

  // mailparser adds missing angle brackets to the Message-ID
  const id =
    envelope.messageId === null
      ? ''
      : decodeHeaderText(envelope.messageId)
          .trim()
          .replace(/^(?!<)/, '<')
          .replace(/(?<!>)$/, '>');
  if (id !== (parsed.messageId ?? '')) found.set('messageId', `${id} vs ${parsed.messageId}`);

  // a missing domain: mailparser gives the address "" or the bare local part
  const ours = (envelope.from ?? []).filter((a) => a.host !== null);
  const theirs = mailparserAddresses(parsed.from);
  const fromMatches =
    ours.length === theirs.length &&
    ours.every((a, i) => {
      const mailbox = decodeHeaderText(a.mailbox ?? '');
      if (a.host === MISSING_DOMAIN) return theirs[i] === '' || theirs[i] === mailbox.toLowerCase();
      return unicodeAddress(`${mailbox}@${decodeHeaderText(a.host!)}`) === theirs[i];
    });
  if (!fromMatches) found.set('from', `${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);

  const view = mailparserView(bytes, structure.root);
  // a malformed Content-Type: we fall back to text/plain (RFC 2045 §5.2), mailparser keeps the
  // malformed value as the type, so leaves and texts cannot be compared
  if (view.invalidContentType) return found;
  const ourAttachments = view.leaves.filter((l) => l.isAttachment);
  const sameAttachments =
    ourAttachments.length === parsed.attachments.length &&
    ourAttachments.every((leaf, i) => {
      const theirs = parsed.attachments[i]!;
      const [name, theirName] = comparable(leaf.filename ?? '', theirs.filename ?? '');
      return leaf.contentType === theirs.contentType && name === theirName;
    });
  if (!sameAttachments) {
    const describe = (type: string, name: string | null | undefined): string => `${type} ${JSON.stringify(name ?? '')}`;
    found.set(
      'attachments',
      `${ourAttachments.map((l) => describe(l.contentType, l.filename)).join(', ')} vs ` +
        parsed.attachments.map((a) => describe(a.contentType, a.filename)).join(', '),
    );
  }

  // mailparser's text adds converted HTML when text/html is shown outside multipart/alternative,
  // and header lines of opened inline messages; only the plain case is compared
  if (!view.openedMessage && !view.htmlInText && view.texts.length > 0) {
    const [text, theirText] = comparable(view.texts.join('\n'), parsed.text ?? '');
    if (text !== theirText) {
      let i = 0;
      while (i < text.length && text[i] === theirText[i]) i++;
      found.set(
        'text',
        `at ${i}: ${JSON.stringify(text.slice(i, i + 60))} vs ${JSON.stringify(theirText.slice(i, i + 60))}`,
      );
    }
  }
  return found;
}

test('every known difference from mailparser names a documented reason', corpusSkip, () => {
  for (const { why } of Object.values(KNOWN)) assert.ok(WHY[why].length > 0);
});

test('what a reader sees agrees with mailparser, except the documented cases', corpusSkip, async () => {
  const unexpected: string[] = [];
  const stale: string[] = [];
  for (const entry of entries) {
    const bytes = corpusMessage(entry.file);
    const differences = await compareWithMailparser(bytes, parseWhole(bytes));
    const known = KNOWN[entry.file]?.aspects ?? [];
    for (const [aspect, detail] of differences) {
      if (!known.includes(aspect as Aspect)) unexpected.push(`${entry.file} ${aspect}: ${detail.slice(0, 300)}`);
    }
    for (const aspect of known) if (!differences.has(aspect)) stale.push(`${entry.file} ${aspect}`);
  }
  assert.deepEqual(unexpected, [], 'differences from mailparser');
  assert.deepEqual(stale, [], 'listed as known differences but now equal: remove them from KNOWN');
});
