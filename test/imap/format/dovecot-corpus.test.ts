// BODYSTRUCTURE and ENVELOPE of every corpus message against Dovecot 2.3.19's answers, stored in
// golden/dovecot-corpus.json (see golden/make-dovecot-reference.mjs). Values are compared after
// the normalisation described in dovecot-compare.ts. Messages where we knowingly differ are listed
// below with the reason; a listed message that stops differing fails too, so the list stays true.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBodyStructure } from '../../../src/imap/format/body-structure.ts';
import { formatEnvelope } from '../../../src/imap/format/envelope.ts';
import { corpusMessage, corpusSkip, parseWhole, toCrlf } from '../../mail/mime/helpers.ts';
import { imapDifferences, loadGolden, type DovecotCorpus } from './dovecot-compare.ts';

/** Why we differ from Dovecot, by kind. */
const REASONS = {
  noParts:
    'a multipart whose delimiter never appears: we show its body as text/plain (RFC 2045 §5.2 fallback), ' +
    'Dovecot invents one empty text/plain child',
  invalidType: 'Content-Type without type/subtype: we use text/plain (RFC 2045 §5.2), Dovecot sends "" ""',
  lenientParams:
    'parameters Dovecot drops: unquoted values with spaces or "=" (boundary=----=_Next…), empty ";;" — we keep them',
  longBoundary: 'Dovecot cuts boundaries at 80 characters; we use them whole (up to 998)',
  missingSeparator:
    'no blank line after the header: our body starts at the first non-header line followed by another ' +
    'non-header line; Dovecot keeps such lines in the header',
  nestedEpilogue:
    'the line break after a nested close delimiter belongs to the next delimiter (RFC 2046 §5.1.1, types.ts); ' +
    'Dovecot counts it in the inner epilogue (2 bytes, 1 line more)',
  firstField: 'a repeated Subject/Date/Message-ID/address field: we take the first (like mailparser), Dovecot the last',
  emptyField: 'a present but empty field: we send NIL, Dovecot ""',
  malformedField: 'a malformed Content-Transfer-Encoding or disposition: we send it as given, Dovecot "7bit" / ""',
  addressRecovery:
    'malformed address lists recovered differently (missing comma, unquoted "@" in a name, words before a bare ' +
    'address, a@b@c, empty elements, encoded words holding ":")',
} as const;

type Reason = keyof typeof REASONS;

const KNOWN: Record<string, Reason[]> = {
  '0011-mail-attachment-message-rfc822-inline-image.eml': ['noParts'],
  '0013-mail-attachment-with-unquoted-name.eml': ['lenientParams'],
  '0016-mail-empty-in-reply-to.eml': ['noParts', 'emptyField'],
  '0018-mail-missing-content-disposition.eml': ['emptyField'],
  '0020-mail-content-transfer-encoding-with-semi-colon.eml': ['malformedField'],
  '0022-mail-multiple-invalid-content-dispositions.eml': ['malformedField'],
  '0027-mail-bad-date-header2.eml': ['noParts'],
  '0029-mail-content-transfer-encoding-qp-with-space.eml': ['malformedField'],
  '0032-mail-weird-to-header.eml': ['emptyField', 'addressRecovery'],
  '0033-mail-must-supply-encoding.eml': ['noParts'],
  '0034-mail-missing-body.eml': ['noParts', 'addressRecovery'],
  '0044-mail-raw-email-with-multipart-mixed-quoted-bound.eml': ['firstField'],
  '0049-mail-raw-email-with-illegal-boundary.eml': ['lenientParams'],
  '0055-mail-raw-email-with-binary-encoded.eml': ['lenientParams', 'firstField'],
  '0084-mail-raw-email-bad-time.eml': ['lenientParams'],
  '0090-mail-raw-email-with-at-display-name.eml': ['addressRecovery'],
  '0097-mail-mix-caps-content-type.eml': ['addressRecovery'],
  '0098-mail-raw-email-multiple-from.eml': ['addressRecovery'],
  '0100-mimekit-startrek.eml': ['invalidType'],
  '0123-mimekit-missing-subtype.eml': ['invalidType'],
  '0125-mimekit-empty-multipart.eml': ['noParts'],
  '0126-mimekit-stack-overflow.eml': ['addressRecovery'],
  '0128-mimekit-issue358.eml': ['addressRecovery'],
  '0135-mimekit-rfc2060.eml': ['nestedEpilogue'],
  '0137-mimekit-feedback-report.eml': ['addressRecovery'],
  '0186-zbmmp-m0010.eml': ['firstField'],
  '0218-flanker-torture-part.eml': ['nestedEpilogue'],
  '0221-flanker-mailformed-headers.eml': ['noParts'],
  '0223-flanker-torture.eml': ['nestedEpilogue', 'invalidType'],
  '0241-flanker-enclosed.eml': ['nestedEpilogue'],
  '0245-flanker-false-multipart.eml': ['noParts'],
  '0249-flanker-broken-ctype.eml': ['invalidType'],
  '0272-stalwart-malformed-022.eml': ['missingSeparator'],
  '0274-stalwart-malformed-007.eml': ['noParts'],
  '0277-stalwart-malformed-019.eml': ['firstField'],
  '0280-stalwart-malformed-016.eml': ['longBoundary'],
  '0286-stalwart-malformed-002.eml': ['noParts'],
  '0287-stalwart-malformed-001.eml': ['noParts'],
  '0295-stalwart-thirdparty-007.eml': ['nestedEpilogue'],
  '0297-stalwart-thirdparty-004.eml': ['malformedField'],
  '0320-mime4j-badbound.eml': ['noParts'],
  '0326-mime4j-infinite.eml': ['emptyField'],
  '0351-mime4j-double-semicolon.eml': ['lenientParams'],
  '0361-mime4j-missing-inner-start-boundary.eml': ['noParts'],
  '0365-mime4j-missing-inner-boundary.eml': ['noParts'],
  '0366-mime4j-malformedheaderstartsbody-noheader.eml': ['missingSeparator'],
  '0377-mime4j-very-long-boundary.eml': ['longBoundary'],
  '0378-mime4j-multipartnopart.eml': ['noParts'],
  '0382-mime4j-missing-boundary.eml': ['noParts'],
  '0383-mime4j-basic-plain-with-bad-header-separator.eml': ['missingSeparator'],
  '0410-sa-spam-017.eml': ['noParts'],
  '0414-sa-spam-badmime2.eml': ['noParts'],
  '0420-sa-spam-016.eml': ['noParts'],
  '0427-sa-spam-utf16.eml': ['lenientParams'],
  '0430-sa-spam-badctype1.eml': ['invalidType'],
  '0436-sa-spam-015.eml': ['noParts'],
  '0437-sa-spam-008.eml': ['firstField'],
  '0451-sa-dkim-test-pass-08.eml': ['firstField'],
  '0466-sa-nice-mime8.eml': ['invalidType', 'nestedEpilogue'],
  '0522-mimekit-content-length-mbox-01.eml': ['lenientParams'],
  '0528-mimekit-content-length-mbox-07.eml': ['addressRecovery'],
};

test('BODYSTRUCTURE and ENVELOPE match Dovecot over the corpus, except the documented cases', corpusSkip, () => {
  const golden = loadGolden<DovecotCorpus>('dovecot-corpus.json');
  const unexpected: string[] = [];
  const stale: string[] = [];
  let compared = 0;
  for (const [file, reference] of Object.entries(golden)) {
    const structure = parseWhole(toCrlf(corpusMessage(file)));
    const differences = [
      ...imapDifferences(
        formatBodyStructure(structure.root, { extended: true }).toString('latin1'),
        reference.BODYSTRUCTURE,
      ).map((d) => `BODYSTRUCTURE${d}`),
      ...imapDifferences(formatEnvelope(structure.envelope).toString('latin1'), reference.ENVELOPE).map(
        (d) => `ENVELOPE${d}`,
      ),
    ];
    if (KNOWN[file] === undefined) {
      compared++;
      if (differences.length > 0) unexpected.push(`${file}\n    ${differences.slice(0, 5).join('\n    ')}`);
    } else if (differences.length === 0) {
      stale.push(file);
    }
  }
  assert.deepEqual(unexpected, [], 'messages differing from Dovecot');
  assert.deepEqual(stale, [], 'listed as known differences but now equal: remove them from KNOWN');
  assert.ok(compared >= 380, `only ${compared} messages compared`);
});

test('every known difference names a documented reason', corpusSkip, () => {
  for (const reasons of Object.values(KNOWN)) for (const r of reasons) assert.ok(r in REASONS);
});
