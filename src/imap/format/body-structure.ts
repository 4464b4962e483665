// FETCH BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, formal syntax `body` in §9).
// Media types, subtypes, encodings, parameter names and disposition types are case-insensitive
// and sent upper-case, as in RFC 3501's own examples and as Cyrus and Gmail send them (Dovecot
// echoes the message's spelling; the parsed structure keeps them lower-case). Parameter values and
// everything else go out byte for byte.
import type { MimeParams, MimePart } from '../../mail/mime/types.ts';
import { envelopeText } from './envelope.ts';
import { imapNStringText, imapStringText } from './imap-string.ts';

export interface BodyStructureOptions {
  /** BODYSTRUCTURE, with extension data; false gives the non-extensible BODY form. */
  extended: boolean;
  /** Describe message/global like message/rfc822 (envelope, body, lines), as the IMAP4rev2
   * grammar allows (RFC 9051 §9 media-message); IMAP4rev1 clients only expect that of rfc822. */
  messageGlobal?: boolean;
}

/** The BODY / BODYSTRUCTURE value of a part (usually the message root), ready to write after
 * "BODYSTRUCTURE ". */
export function formatBodyStructure(part: MimePart, options: BodyStructureOptions): Buffer {
  return Buffer.from(bodyText(part, options), 'latin1');
}

function upper(value: string): string {
  return imapStringText(value.toUpperCase());
}

/** body-fld-param: "(" string SP string *(SP string SP string) ")" / nil */
function paramsText(params: MimeParams): string {
  if (params.length === 0) return 'NIL';
  return `(${params.map(([name, value]) => `${upper(name)} ${imapStringText(value)}`).join(' ')})`;
}

/** body-fld-dsp: "(" string SP body-fld-param ")" / nil */
function dispositionText(part: MimePart): string {
  const dsp = part.disposition;
  return dsp === null ? 'NIL' : `(${upper(dsp.type)} ${paramsText(dsp.params)})`;
}

/** body-fld-lang: nstring / "(" string *(SP string) ")" */
function languageText(part: MimePart): string {
  return part.language === null ? 'NIL' : `(${part.language.map(imapStringText).join(' ')})`;
}

function bodyText(part: MimePart, options: BodyStructureOptions): string {
  if (part.children !== undefined && part.children.length > 0) return multipartText(part, options);
  // body-fields: body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets
  let text =
    `(${upper(part.type)} ${upper(part.subtype)} ${paramsText(part.params)}` +
    ` ${imapNStringText(part.id)} ${imapNStringText(part.description)}` +
    ` ${upper(part.encoding)} ${part.bodyEnd - part.bodyStart}`;
  const isMessage =
    part.type === 'message' &&
    (part.subtype === 'rfc822' || (part.subtype === 'global' && options.messageGlobal === true));
  if (isMessage && part.message !== undefined) {
    // body-type-msg: ... SP envelope SP body SP body-fld-lines
    text += ` ${envelopeText(part.message.envelope)} ${bodyText(part.message.root, options)} ${part.lines}`;
  } else if (part.type === 'text') {
    // body-type-text: ... SP body-fld-lines
    text += ` ${part.lines}`;
  }
  if (options.extended) {
    // body-ext-1part: body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
    text += ` ${imapNStringText(part.md5)} ${dispositionText(part)} ${languageText(part)} ${imapNStringText(part.location)}`;
  }
  return `${text})`;
}

/** body-type-mpart: 1*body SP media-subtype [SP body-ext-mpart] */
function multipartText(part: MimePart, options: BodyStructureOptions): string {
  let text = `(${part.children!.map((child) => bodyText(child, options)).join('')} ${upper(part.subtype)}`;
  if (options.extended) {
    // body-ext-mpart: body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
    text += ` ${paramsText(part.params)} ${dispositionText(part)} ${languageText(part)} ${imapNStringText(part.location)}`;
  }
  return `${text})`;
}
