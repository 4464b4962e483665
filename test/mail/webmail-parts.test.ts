// The webmail's pure pieces: the search box grammar, the streaming transfer decoders (checked against
// the buffer decoders the rest of the server uses, over every corpus part and random chunkings), which
// parts are body and which attachments, and the HTML sanitiser on its own.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { parseSearchQuery } from '../../src/mail/webmail/search-query.ts';
import { transferDecoder } from '../../src/mail/webmail/transfer-decoding.ts';
import { bodyLayout, hasAttachments } from '../../src/mail/webmail/body-parts.ts';
import { BLOCKED_IMAGE, htmlToText, sanitiseHtml } from '../../src/mail/webmail/html-sanitiser.ts';
import { decodeTransferEncoding } from '../../src/mail/mime/text-decoding.ts';
import { parseStructure } from '../../src/mail/mime/structure-parser.ts';
import type { MimePart } from '../../src/mail/mime/types.ts';
import { corpusIndex, corpusMessage, corpusSkip, message, seededRandom } from './mime/helpers.ts';
import { assertInert, HOSTILE_HTML } from '../helpers/webmail.ts';

describe('search box', () => {
  it('turns words, fields, phrases, flags and dates into one SearchKey', () => {
    assert.deepEqual(parseSearchQuery('uitslag'), { type: 'text', value: 'uitslag' });
    assert.deepEqual(parseSearchQuery('jansen', 'from'), { type: 'header', field: 'from', value: 'jansen' });
    assert.deepEqual(parseSearchQuery('from:lab "bloed onderzoek" is:unread since:2024-01-01 subject:"MRI knie"'), {
      type: 'and',
      keys: [
        { type: 'header', field: 'from', value: 'lab' },
        { type: 'text', value: 'bloed onderzoek' },
        { type: 'flag', flag: '\\Seen', set: false },
        { type: 'internaldate', op: 'since', date: '2024-01-01' },
        { type: 'header', field: 'subject', value: 'MRI knie' },
      ],
    });
    // An unknown prefix or a colon in a word is searched as written.
    assert.deepEqual(parseSearchQuery('ref:12:30'), { type: 'text', value: 'ref:12:30' });
    assert.deepEqual(parseSearchQuery('is:whatever'), { type: 'text', value: 'is:whatever' });
    assert.throws(() => parseSearchQuery('  '), { code: 'BADINPUT' });
    assert.throws(() => parseSearchQuery('a '.repeat(30)), { code: 'BADINPUT' });
  });
});

describe('streaming transfer decoding', () => {
  async function streamed(bytes: Buffer, encoding: string, random: () => number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(random() * (random() < 0.3 ? 5 : 300));
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(transferDecoder(encoding))) out.push(chunk as Buffer);
    return Buffer.concat(out);
  }

  it('decodes base64 and quoted-printable exactly as the buffer decoders, whatever the chunks', async () => {
    const random = seededRandom(42);
    const samples: Array<[string, string]> = [
      ['base64', 'SGFsbG8g\r\nd2VyZWxk\r\nIQ=='],
      ['base64', 'SGFsbG8gd2VyZWxkIQ'],
      ['base64', 'SGFs bG8g*d2Vy\nZWxk\r\n'],
      ['base64', 'QQ== ignored after the padding'],
      ['base64', 'SGFsbG8=\r\nd2VyZWxk'],
      ['quoted-printable', 'Caf=C3=A9 =\r\nsoft break=20\r\ntrailing   \r\nend=3D=\r\n'],
      ['quoted-printable', 'no newline at all =E2=9C=93 and a broken =ZZ escape  '],
      ['quoted-printable', `${'x'.repeat(70_000)}=C3=A9   `],
      ['7bit', 'plain\r\ntext'],
    ];
    for (const [encoding, text] of samples) {
      const bytes = Buffer.from(text, 'latin1');
      for (let round = 0; round < 20; round++) {
        assert.deepEqual(await streamed(bytes, encoding, random), decodeTransferEncoding(bytes, encoding), `${encoding} ${JSON.stringify(text.slice(0, 30))}`);
      }
    }
  });

  it('decodes every base64 and quoted-printable part of the corpus as the buffer decoders do', corpusSkip, async () => {
    const random = seededRandom(7);
    let parts = 0;
    for (const entry of corpusIndex()) {
      const raw = corpusMessage(entry.file);
      const stack: MimePart[] = [parseStructure(raw).root];
      while (stack.length) {
        const part = stack.pop()!;
        stack.push(...(part.children ?? []), ...(part.message ? [part.message.root] : []));
        if (part.children || (part.encoding !== 'base64' && part.encoding !== 'quoted-printable')) continue;
        const body = raw.subarray(part.bodyStart, part.bodyEnd);
        assert.deepEqual(await streamed(body, part.encoding, random), decodeTransferEncoding(body, part.encoding), entry.file);
        parts++;
      }
    }
    assert.ok(parts > 300, `${parts} parts`);
  });
});

describe('body parts', () => {
  const structure = (lines: string[]) => parseStructure(message(lines));

  it('takes the last text and HTML alternatives as the body and everything else as attachments', () => {
    const layout = bodyLayout(
      structure([
        'Content-Type: multipart/mixed; boundary=o',
        '',
        '--o',
        'Content-Type: multipart/alternative; boundary=a',
        '',
        '--a',
        'Content-Type: text/plain',
        '',
        'tekst',
        '--a',
        'Content-Type: text/calendar; method=REQUEST',
        '',
        'BEGIN:VCALENDAR',
        '--a',
        'Content-Type: text/html',
        '',
        '<p>html</p>',
        '--a--',
        '--o',
        'Content-Type: text/plain; name=notes.txt',
        '',
        'a text file',
        '--o',
        'Content-Type: message/rfc822',
        '',
        'Subject: forwarded',
        '',
        'body',
        '--o--',
      ]),
    );
    assert.deepEqual(layout.text.map((p) => p.section), ['1.1']);
    assert.deepEqual(layout.html.map((p) => p.section), ['1.3']);
    assert.deepEqual(
      layout.attachments.map((a) => [a.section, a.filename, a.contentType, a.inline]),
      [
        ['1.2', 'bijlage-1.ics', 'text/calendar', false],
        ['2', 'notes.txt', 'text/plain', false],
        ['3', 'bericht-3.eml', 'message/rfc822', false],
      ],
    );
  });

  it('counts cid: images of multipart/related as part of the HTML, not as attachments', () => {
    const related = structure([
      'Content-Type: multipart/related; boundary=r',
      '',
      '--r',
      'Content-Type: text/html',
      '',
      '<img src="cid:a@b">',
      '--r',
      'Content-Type: image/png',
      'Content-ID: <a@b>',
      '',
      'xx',
      '--r--',
    ]);
    assert.equal(hasAttachments(related), false);
    assert.deepEqual(bodyLayout(related).attachments.map((a) => [a.section, a.contentId, a.embedded]), [['2', 'a@b', true]]);
    const single = structure(['Content-Type: application/pdf; name="scan.pdf"', '', 'pdf']);
    assert.deepEqual(bodyLayout(single).attachments.map((a) => [a.section, a.filename]), [['1', 'scan.pdf']]);
    assert.equal(hasAttachments(single), true);
  });
});

describe('HTML sanitiser', () => {
  it('leaves nothing active or remote in the crafted hostile HTML and counts the blocked images', () => {
    const result = sanitiseHtml(HOSTILE_HTML, { allowRemoteImages: false, resolveCid: (id) => (id === 'logo@zorgpost.test' ? 'data:image/png;base64,AAAA' : null) });
    assertInert(result.html);
    assert.equal(result.remoteImages, 8);
    assert.equal(result.html.split(BLOCKED_IMAGE).length - 1, 5, 'img elements show the placeholder; backgrounds just go');
    assert.match(result.html, /<img alt="logo" src="data:image\/png;base64,AAAA" \/>/);
    assert.match(result.html, /<div style="color:#333">styled text<\/div>/);
  });

  it('keeps layout styles but drops url(), expression(), escapes and positioning', () => {
    const { html } = sanitiseHtml(
      '<p style="color: red; margin: 0 auto; position: fixed; top: 0; background: #fff url(x.png); font-family: \'Arial\', sans-serif; width: calc(100% - 10px)">x</p>',
      { allowRemoteImages: true, resolveCid: () => null },
    );
    assert.equal(html, '<p style="color:red;margin:0 auto;font-family:\'Arial\', sans-serif;width:calc(100% - 10px)">x</p>');
  });

  it('drops an unresolvable cid: image and relative sources, and keeps fragment links in the frame', () => {
    const { html } = sanitiseHtml('<img src="cid:missing"><img src="logo.png"><a href="#top">top</a><a href="page.html">rel</a><a href="mailto:a@b.nl">mail</a>', {
      allowRemoteImages: true,
      resolveCid: () => null,
    });
    assert.equal(html, '<a href="#top">top</a><a>rel</a><a href="mailto:a@b.nl" target="_blank" rel="noopener noreferrer">mail</a>');
  });

  it('makes readable text of HTML-only mail', () => {
    assert.equal(
      htmlToText('<html><head><title>T</title><style>p{}</style></head><body><p>Beste&nbsp;collega,</p><p>a &amp; b &lt; c<br>regel 2</p><table><tr><td>x</td><td>y</td></tr></table><script>z</script></body></html>'),
      'Beste collega,\na & b < c\nregel 2\n x y',
    );
  });
});
