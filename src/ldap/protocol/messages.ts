// LDAPMessage codec (RFC 4511 §4.1.1, Appendix B): decodes the requests a read-only directory server
// receives and encodes its responses. Pure; framing.ts splits the stream, the operations run elsewhere.
import { BerError, BerReader, BerTag, MAX_INT, applicationTag, contextTag } from '../ber/reader.ts';
import { BerWriter, integerSize, tlvSize, writeHeader, writeInteger } from '../ber/writer.ts';
import { decodeFilter } from './filter-codec.ts';
import {
  LdapProtocolError,
  OID,
  Op,
  type Control,
  type LdapMessage,
  type LdapRequest,
  type LdapResult,
  type SearchEntryAttribute,
  type SearchScope,
} from './types.ts';

export { LdapProtocolError } from './types.ts';

const CONTROLS = contextTag(0, true);
const SIMPLE = contextTag(0, false);
const SASL = contextTag(3, true);
const REQUEST_NAME = contextTag(0, false);
const REQUEST_VALUE = contextTag(1, false);
const RESPONSE_NAME = contextTag(10, false);
const RESPONSE_VALUE = contextTag(11, false);
const SCOPES: readonly SearchScope[] = ['base', 'one', 'sub'];
// Enumerations are read over their whole INTEGER range so an unknown value gets its own message.
const MIN_ENUM = -0x80000000;

// Write operations and compare: a read-only directory only needs to know which response answers them.
const UNSUPPORTED = new Map<
  number,
  { operation: 'modify' | 'add' | 'delete' | 'modifyDN' | 'compare'; responseTag: number }
>([
  [applicationTag(Op.modifyRequest, true), { operation: 'modify', responseTag: Op.modifyResponse }],
  [applicationTag(Op.addRequest, true), { operation: 'add', responseTag: Op.addResponse }],
  // RFC 4511 §4.8: DelRequest ::= [APPLICATION 10] LDAPDN, a primitive OCTET STRING.
  [applicationTag(Op.delRequest, false), { operation: 'delete', responseTag: Op.delResponse }],
  [applicationTag(Op.modDNRequest, true), { operation: 'modifyDN', responseTag: Op.modDNResponse }],
  [applicationTag(Op.compareRequest, true), { operation: 'compare', responseTag: Op.compareResponse }],
]);

/** Decodes one complete LDAPMessage, as delimited by frameLength. */
export function decodeMessage(frame: Buffer): LdapMessage {
  let messageId: number | null = null;
  let responseTag: number | null = null;
  try {
    const outer = new BerReader(frame);
    const message = outer.readSequence();
    outer.expectEnd('LDAPMessage');
    const id = message.readInteger(BerTag.integer, 0, MAX_INT);
    // RFC 4511 §4.1.1.1: messageID 0 is reserved for unsolicited notifications; answering a request
    // with it would look like one.
    if (id === 0) throw new LdapProtocolError('messageID 0 is reserved for unsolicited notifications');
    messageId = id;
    const tag = message.peekTag();
    responseTag = responseTagOf(tag);
    const request = decodeRequest(message, tag);
    const controls = message.atEnd ? [] : decodeControls(message.readSequence(CONTROLS));
    message.expectEnd('controls');
    return { messageId: id, request, controls };
  } catch (error) {
    if (error instanceof BerError) {
      throw new LdapProtocolError(`Malformed LDAP message: ${error.message}`, { messageId, responseTag, cause: error });
    }
    if (error instanceof LdapProtocolError && error.messageId === null && messageId !== null) {
      throw new LdapProtocolError(error.message, { messageId, responseTag, cause: error });
    }
    throw error;
  }
}

/** The response that answers a request, or null when it has none (unbind, abandon) or is unknown. */
function responseTagOf(tag: number): number | null {
  if (tag === applicationTag(Op.bindRequest, true)) return Op.bindResponse;
  if (tag === applicationTag(Op.searchRequest, true)) return Op.searchResultDone;
  if (tag === applicationTag(Op.extendedRequest, true)) return Op.extendedResponse;
  return UNSUPPORTED.get(tag)?.responseTag ?? null;
}

function decodeRequest(message: BerReader, tag: number): LdapRequest {
  switch (tag) {
    case applicationTag(Op.bindRequest, true):
      return decodeBind(message.readSequence(tag));
    case applicationTag(Op.unbindRequest, false):
      // RFC 4511 §4.3: UnbindRequest ::= [APPLICATION 2] NULL.
      message.readNull(tag);
      return { kind: 'unbind' };
    case applicationTag(Op.searchRequest, true):
      return decodeSearch(message.readSequence(tag));
    case applicationTag(Op.abandonRequest, false):
      // RFC 4511 §4.11: AbandonRequest ::= [APPLICATION 16] MessageID, a primitive INTEGER.
      return { kind: 'abandon', messageId: message.readInteger(tag, 0, MAX_INT) };
    case applicationTag(Op.extendedRequest, true):
      return decodeExtended(message.readSequence(tag));
  }
  const unsupported = UNSUPPORTED.get(tag);
  if (unsupported === undefined) {
    throw new LdapProtocolError(
      tag === -1 ? 'Missing protocol operation' : `Unknown protocol operation 0x${tag.toString(16)}`,
    );
  }
  message.skipElement();
  return { kind: 'unsupported', ...unsupported };
}

/** RFC 4511 §4.2: BindRequest ::= SEQUENCE { version INTEGER (1..127), name LDAPDN, authentication }. */
function decodeBind(reader: BerReader): LdapRequest {
  const version = reader.readInteger(BerTag.integer, 1, 127);
  const name = reader.readString();
  const authTag = reader.peekTag();
  let auth: Extract<LdapRequest, { kind: 'bind' }>['auth'];
  if (authTag === SIMPLE) {
    auth = { type: 'simple', password: Buffer.from(reader.readOctetString(SIMPLE)) };
  } else if (authTag === SASL) {
    // RFC 4511 §4.2: SaslCredentials ::= SEQUENCE { mechanism LDAPString, credentials OCTET STRING OPTIONAL }.
    const sasl = reader.readSequence(SASL);
    const mechanism = sasl.readString();
    const credentials = sasl.atEnd ? null : Buffer.from(sasl.readOctetString());
    sasl.expectEnd('SASL credentials');
    auth = { type: 'sasl', mechanism, credentials };
  } else {
    throw new LdapProtocolError(
      authTag === -1 ? 'Missing bind authentication' : `Unknown bind authentication choice 0x${authTag.toString(16)}`,
    );
  }
  reader.expectEnd('bind request');
  return { kind: 'bind', version, name, auth };
}

/** RFC 4511 §4.5.1. */
function decodeSearch(reader: BerReader): LdapRequest {
  const baseObject = reader.readString();
  // RFC 4511 §4.5.1.2: baseObject (0), singleLevel (1), wholeSubtree (2).
  const scopeValue = reader.readEnumerated(BerTag.enumerated, MIN_ENUM, MAX_INT);
  const scope = SCOPES[scopeValue];
  if (scope === undefined) throw new LdapProtocolError(`Invalid search scope ${scopeValue}`);
  const derefAliases = reader.readEnumerated(BerTag.enumerated, MIN_ENUM, MAX_INT);
  // RFC 4511 §4.5.1.3: neverDerefAliases (0) … derefAlways (3).
  if (derefAliases < 0 || derefAliases > 3) throw new LdapProtocolError(`Invalid derefAliases value ${derefAliases}`);
  const sizeLimit = reader.readInteger(BerTag.integer, 0, MAX_INT);
  const timeLimit = reader.readInteger(BerTag.integer, 0, MAX_INT);
  const typesOnly = reader.readBoolean();
  const filter = decodeFilter(reader);
  const selection = reader.readSequence();
  const attributes: string[] = [];
  while (!selection.atEnd) attributes.push(selection.readString());
  reader.expectEnd('search request');
  return { kind: 'search', baseObject, scope, derefAliases, sizeLimit, timeLimit, typesOnly, filter, attributes };
}

/** RFC 4511 §4.12: ExtendedRequest ::= SEQUENCE { requestName [0] LDAPOID, requestValue [1] OCTET STRING OPTIONAL }. */
function decodeExtended(reader: BerReader): LdapRequest {
  const name = reader.readString(REQUEST_NAME);
  const value = reader.peekTag() === REQUEST_VALUE ? Buffer.from(reader.readOctetString(REQUEST_VALUE)) : null;
  reader.expectEnd('extended request');
  return { kind: 'extended', name, value };
}

/** RFC 4511 §4.1.11: Control ::= SEQUENCE { controlType, criticality BOOLEAN DEFAULT FALSE, controlValue OPTIONAL }. */
function decodeControls(reader: BerReader): Control[] {
  const controls: Control[] = [];
  while (!reader.atEnd) {
    const control = reader.readSequence();
    const type = control.readString();
    const critical = control.peekTag() === BerTag.boolean ? control.readBoolean() : false;
    const value = control.atEnd ? null : Buffer.from(control.readOctetString());
    control.expectEnd('control');
    controls.push({ type, critical, value });
  }
  return controls;
}

// Responses.

function writeResult(writer: BerWriter, result: LdapResult): void {
  // RFC 4511 §4.1.9: LDAPResult ::= SEQUENCE { resultCode ENUMERATED, matchedDN, diagnosticMessage, referral [3] OPTIONAL }.
  writer.writeEnumerated(result.resultCode);
  writer.writeOctetString(result.matchedDN ?? '');
  writer.writeOctetString(result.diagnosticMessage ?? '');
}

function writeControls(writer: BerWriter, controls: readonly Control[] | undefined): void {
  if (controls === undefined || controls.length === 0) return;
  writer.startSequence(CONTROLS);
  for (const control of controls) {
    writer.startSequence();
    writer.writeOctetString(control.type);
    if (control.critical) writer.writeBoolean(true);
    if (control.value !== null) writer.writeOctetString(control.value);
    writer.endSequence();
  }
  writer.endSequence();
}

function encodeEnvelope(
  messageId: number,
  tag: number,
  body: (writer: BerWriter) => void,
  controls?: readonly Control[],
): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInteger(messageId);
  writer.startSequence(applicationTag(tag, true));
  body(writer);
  writer.endSequence();
  writeControls(writer, controls);
  writer.endSequence();
  return writer.toBuffer();
}

/** A response that is just an LDAPResult (searchResultDone, modifyResponse, …); responseTag is an Op value. */
export function encodeResult(
  messageId: number,
  responseTag: number,
  result: LdapResult,
  controls?: readonly Control[],
): Buffer {
  return encodeEnvelope(messageId, responseTag, (writer) => writeResult(writer, result), controls);
}

/** RFC 4511 §4.2.2 (no serverSaslCreds: the server offers no multi-step SASL mechanism). */
export function encodeBindResponse(messageId: number, result: LdapResult, controls?: readonly Control[]): Buffer {
  return encodeResult(messageId, Op.bindResponse, result, controls);
}

/** RFC 4511 §4.5.2. */
export function encodeSearchDone(messageId: number, result: LdapResult, controls?: readonly Control[]): Buffer {
  return encodeResult(messageId, Op.searchResultDone, result, controls);
}

/** RFC 4511 §4.12: ExtendedResponse adds responseName [10] and responseValue [11] to LDAPResult. */
export function encodeExtendedResponse(
  messageId: number,
  result: LdapResult,
  responseName?: string,
  responseValue?: Buffer | string,
): Buffer {
  return encodeEnvelope(messageId, Op.extendedResponse, (writer) => {
    writeResult(writer, result);
    if (responseName !== undefined) writer.writeOctetString(responseName, RESPONSE_NAME);
    if (responseValue !== undefined) writer.writeOctetString(responseValue, RESPONSE_VALUE);
  });
}

/** RFC 4511 §4.4.1: an unsolicited extendedResponse with messageID 0, sent just before the server closes. */
export function encodeNoticeOfDisconnection(resultCode: number, message: string): Buffer {
  // The extendedResponse of a notice carries no responseValue.
  return encodeEnvelope(0, Op.extendedResponse, (writer) => {
    writeResult(writer, { resultCode, diagnosticMessage: message });
    writer.writeOctetString(OID.noticeOfDisconnection, RESPONSE_NAME);
  });
}

// The search entry is the hot path: it sizes the whole message first (lengths go in front of their
// content), keeping each string's UTF-8 length in a reused scratch array, then writes it into one
// exactly sized buffer without intermediate copies.
let scratch = new Int32Array(256);

/** RFC 4511 §4.5.2: SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName, PartialAttributeList }. */
export function encodeSearchEntry(messageId: number, dn: string, attributes: readonly SearchEntryAttribute[]): Buffer {
  return frameSearchEntry(messageId, encodeSearchEntryBody(dn, attributes));
}

/** An encoded SearchResultEntry body (the protocolOp: [APPLICATION 4] with DN and attributes), which
 * does not depend on the message: the server encodes an entry once per attribute selection and
 * frames it for each search with `frameSearchEntry`. */
export function encodeSearchEntryBody(dn: string, attributes: readonly SearchEntryAttribute[]): Buffer {
  let n = 0;
  let listLength = 0;
  for (const attribute of attributes) {
    const needed = n + 3 + attribute.values.length;
    if (needed > scratch.length) scratch = growScratch(needed, n);
    const at = n;
    n += 3;
    let setLength = 0;
    for (const value of attribute.values) {
      const length = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
      scratch[n++] = length;
      setLength += tlvSize(length);
    }
    const typeLength = Buffer.byteLength(attribute.type);
    const attributeLength = tlvSize(typeLength) + tlvSize(setLength);
    scratch[at] = typeLength;
    scratch[at + 1] = setLength;
    scratch[at + 2] = attributeLength;
    listLength += tlvSize(attributeLength);
  }
  const dnLength = Buffer.byteLength(dn);
  const entryLength = tlvSize(dnLength) + tlvSize(listLength);
  const buffer = Buffer.allocUnsafe(tlvSize(entryLength));

  let offset = writeHeader(buffer, 0, applicationTag(Op.searchResultEntry, true), entryLength);
  offset = writeText(buffer, writeHeader(buffer, offset, BerTag.octetString, dnLength), dn, dnLength);
  offset = writeHeader(buffer, offset, BerTag.sequence, listLength);
  n = 0;
  for (const attribute of attributes) {
    const typeLength = scratch[n]!;
    const setLength = scratch[n + 1]!;
    offset = writeHeader(buffer, offset, BerTag.sequence, scratch[n + 2]!);
    n += 3;
    offset = writeText(buffer, writeHeader(buffer, offset, BerTag.octetString, typeLength), attribute.type, typeLength);
    offset = writeHeader(buffer, offset, BerTag.set, setLength);
    for (const value of attribute.values) {
      const length = scratch[n++]!;
      offset = writeHeader(buffer, offset, BerTag.octetString, length);
      if (typeof value === 'string') {
        offset = writeText(buffer, offset, value, length);
      } else {
        buffer.set(value, offset);
        offset += length;
      }
    }
  }
  return buffer;
}

/** A larger scratch array that keeps the first `filled` lengths already computed for this entry. */
function growScratch(needed: number, filled: number): Int32Array<ArrayBuffer> {
  let size = scratch.length * 2;
  while (size < needed) size *= 2;
  const grown = new Int32Array(size);
  grown.set(scratch.subarray(0, filled));
  return grown;
}

/** Writes a string whose UTF-8 length is known; short ASCII strings are cheaper copied by hand. */
function writeText(buffer: Buffer, offset: number, text: string, byteLength: number): number {
  if (byteLength === text.length && byteLength < 16) {
    for (let i = 0; i < byteLength; i++) buffer[offset + i] = text.charCodeAt(i);
  } else {
    buffer.write(text, offset, byteLength, 'utf8');
  }
  return offset + byteLength;
}

/** The LDAPMessage around an encoded SearchResultEntry body (RFC 4511 §4.1.1). */
export function frameSearchEntry(messageId: number, body: Buffer): Buffer {
  const messageLength = 2 + integerSize(messageId) + body.length;
  const buffer = Buffer.allocUnsafe(tlvSize(messageLength));
  let offset = writeHeader(buffer, 0, BerTag.sequence, messageLength);
  offset = writeInteger(buffer, offset, BerTag.integer, messageId);
  body.copy(buffer, offset);
  return buffer;
}
