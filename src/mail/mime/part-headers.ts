// The MIME fields of one part (RFC 2045 §3-§8, RFC 2183, RFC 3282, RFC 2557, RFC 1864), taken
// from its parsed header fields.
import { firstField, trimWhitespace, type HeaderField } from './header-fields.ts';
import { parseParameterizedValue, stripComments } from './mime-params.ts';
import type { MimeParams, MimePart } from './types.ts';

/** A fresh part starting at `headerStart`, with the defaults of a part that has no header. */
export function newPart(headerStart: number): MimePart {
  return {
    headerStart,
    bodyStart: headerStart,
    bodyEnd: headerStart,
    type: 'text',
    subtype: 'plain',
    params: [['charset', 'us-ascii']],
    id: null,
    description: null,
    encoding: '7bit',
    disposition: null,
    language: null,
    location: null,
    md5: null,
    lines: 0,
  };
}

// RFC 2045 §5.1 token: any US-ASCII except SPACE, CTLs and tspecials
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/** Fills the MIME fields of `part` from its header. `inDigest`: the part is a child of
 * multipart/digest, whose default content type is message/rfc822 (RFC 2046 §5.1.5). */
export function applyPartHeaders(part: MimePart, fields: readonly HeaderField[], inDigest: boolean): void {
  const contentType = firstField(fields, 'content-type');
  const parsed = contentType === null ? null : parseParameterizedValue(contentType);
  const slash = parsed?.value.indexOf('/') ?? -1;
  const type = parsed && slash > 0 ? parsed.value.slice(0, slash).toLowerCase() : '';
  const subtype = parsed && slash > 0 ? parsed.value.slice(slash + 1).toLowerCase() : '';
  if (TOKEN.test(type) && TOKEN.test(subtype)) {
    part.type = type;
    part.subtype = subtype;
    part.params = parsed!.params;
  } else if (inDigest && contentType === null) {
    part.type = 'message';
    part.subtype = 'rfc822';
    part.params = [];
  } else {
    // RFC 2045 §5.2: absent or syntactically invalid → text/plain; charset=us-ascii. A charset
    // given beside an invalid type ("text; charset=utf-8") is still the best guess for the text.
    part.type = 'text';
    part.subtype = 'plain';
    part.params = parsed?.params ?? [];
  }
  if (part.type === 'text') part.params = withDefaultCharset(part.params);

  const encoding = firstField(fields, 'content-transfer-encoding');
  part.encoding = (encoding === null ? '' : encodingValue(encoding)).toLowerCase() || '7bit';
  part.id = nonEmpty(firstField(fields, 'content-id'));
  part.description = nonEmpty(firstField(fields, 'content-description'));
  part.md5 = nonEmpty(firstField(fields, 'content-md5'));
  part.location = nonEmpty(firstField(fields, 'content-location'));

  const disposition = firstField(fields, 'content-disposition');
  const dsp = disposition === null ? null : parseParameterizedValue(disposition);
  part.disposition = dsp && dsp.value !== '' ? { type: dsp.value.toLowerCase(), params: dsp.params } : null;

  const language = firstField(fields, 'content-language');
  const tags =
    language === null
      ? []
      : stripComments(language)
          .split(/[,\s]+/)
          .filter((t) => t !== '');
  part.language = tags.length > 0 ? tags : null;
}

/** RFC 2046 §4.1.2: text without a charset parameter is US-ASCII. Made explicit, as Dovecot
 * does, so clients need not know the default. */
function withDefaultCharset(params: MimeParams): MimeParams {
  const has = params.some(([name]) => name === 'charset' || name === 'charset*');
  return has ? params : [...params, ['charset', 'us-ascii']];
}

/** A Content-Transfer-Encoding value without comments or trailing junk ("base64 (comment)",
 * "7bit;"); a malformed one ("8 bit") is kept so clients treat it as unknown (RFC 2045 §6.4). */
function encodingValue(value: string): string {
  return trimWhitespace(stripComments(value).split(';')[0]!).replace(/\s+/g, ' ');
}

function nonEmpty(value: string | null): string | null {
  return value === null || value === '' ? null : value;
}
