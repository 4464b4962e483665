// Search filters in BER (RFC 4511 §4.5.1.7). Decoding enforces FILTER_LIMITS before recursing, so a
// filter nested thousands of levels deep costs a few hundred bytes of reading, not the stack.
import { FILTER_LIMITS, type Filter } from '../../directory/filter.ts';
import { BerTag, contextTag, type BerReader } from '../ber/reader.ts';
import { BerWriter } from '../ber/writer.ts';
import { LdapProtocolError } from './types.ts';

// RFC 4511 §4.5.1: Filter ::= CHOICE { and [0] SET OF Filter, or [1], not [2] Filter,
// equalityMatch [3], substrings [4], greaterOrEqual [5], lessOrEqual [6], present [7], approxMatch [8],
// extensibleMatch [9] }. Only present is primitive (an AttributeDescription).
const TAG = {
  and: contextTag(0, true),
  or: contextTag(1, true),
  not: contextTag(2, true),
  equality: contextTag(3, true),
  substrings: contextTag(4, true),
  greaterOrEqual: contextTag(5, true),
  lessOrEqual: contextTag(6, true),
  present: contextTag(7, false),
  approx: contextTag(8, true),
  extensible: contextTag(9, true),
} as const;

const AVA_TYPES = new Map([
  [TAG.equality, 'equality'],
  [TAG.greaterOrEqual, 'greaterOrEqual'],
  [TAG.lessOrEqual, 'lessOrEqual'],
  [TAG.approx, 'approx'],
] as const);

// SubstringFilter substrings CHOICE and MatchingRuleAssertion fields are context-tagged primitives.
const INITIAL = contextTag(0, false);
const ANY = contextTag(1, false);
const FINAL = contextTag(2, false);
const MATCHING_RULE = contextTag(1, false);
const MATCH_TYPE = contextTag(2, false);
const MATCH_VALUE = contextTag(3, false);
const DN_ATTRIBUTES = contextTag(4, false);

interface DecodeState {
  nodes: number;
}

export function decodeFilter(reader: BerReader): Filter {
  return decode(reader, 1, { nodes: 0 });
}

function decode(reader: BerReader, depth: number, state: DecodeState): Filter {
  if (depth > FILTER_LIMITS.maxDepth)
    throw new LdapProtocolError(`Filter is nested deeper than ${FILTER_LIMITS.maxDepth} levels`);
  if (++state.nodes > FILTER_LIMITS.maxNodes)
    throw new LdapProtocolError(`Filter has more than ${FILTER_LIMITS.maxNodes} parts`);
  const tag = reader.peekTag();
  switch (tag) {
    case TAG.and:
    case TAG.or: {
      // RFC 4526 §2: an empty and/or is the absolute true/false filter, so SIZE (1..MAX) is not enforced.
      const set = reader.readSequence(tag);
      const filters: Filter[] = [];
      while (!set.atEnd) filters.push(decode(set, depth + 1, state));
      return { type: tag === TAG.and ? 'and' : 'or', filters };
    }
    case TAG.not: {
      const inner = reader.readSequence(tag);
      const filter = decode(inner, depth + 1, state);
      inner.expectEnd('not filter');
      return { type: 'not', filter };
    }
    case TAG.equality:
    case TAG.greaterOrEqual:
    case TAG.lessOrEqual:
    case TAG.approx: {
      // RFC 4511 §4.1.8: AttributeValueAssertion ::= SEQUENCE { attributeDesc, assertionValue }.
      const ava = reader.readSequence(tag);
      const attribute = readAttribute(ava, BerTag.octetString);
      const value = readValue(ava, BerTag.octetString);
      ava.expectEnd('attribute value assertion');
      return { type: AVA_TYPES.get(tag)!, attribute, value };
    }
    case TAG.substrings:
      return decodeSubstrings(reader.readSequence(tag));
    case TAG.present:
      return { type: 'present', attribute: readAttribute(reader, TAG.present) };
    case TAG.extensible:
      return decodeExtensible(reader.readSequence(tag));
    case -1:
      throw new LdapProtocolError('Missing filter');
    default:
      throw new LdapProtocolError(`Unknown filter choice 0x${tag.toString(16)}`);
  }
}

/** RFC 4511 §4.5.1.7.2: at most one initial, which comes first, and at most one final, which comes last. */
function decodeSubstrings(reader: BerReader): Filter {
  const attribute = readAttribute(reader, BerTag.octetString);
  const parts = reader.readSequence();
  reader.expectEnd('substrings filter');
  if (parts.atEnd) throw new LdapProtocolError('A substrings filter needs at least one substring');
  let initial: string | null = null;
  let final: string | null = null;
  const any: string[] = [];
  for (let index = 0; !parts.atEnd; index++) {
    if (final !== null) throw new LdapProtocolError('The final substring must come last');
    const tag = parts.peekTag();
    if (tag === INITIAL) {
      if (index > 0) throw new LdapProtocolError('The initial substring must come first');
      initial = readValue(parts, INITIAL);
    } else if (tag === ANY) {
      any.push(readValue(parts, ANY));
    } else if (tag === FINAL) {
      final = readValue(parts, FINAL);
    } else {
      throw new LdapProtocolError(`Unknown substring choice 0x${tag.toString(16)}`);
    }
  }
  return { type: 'substrings', attribute, initial, any, final };
}

/** RFC 4511 §4.5.1.7.7: MatchingRuleAssertion; without a matchingRule the type must be present. */
function decodeExtensible(reader: BerReader): Filter {
  const matchingRule = reader.peekTag() === MATCHING_RULE ? readAttribute(reader, MATCHING_RULE) : null;
  const attribute = reader.peekTag() === MATCH_TYPE ? readAttribute(reader, MATCH_TYPE) : null;
  const value = readValue(reader, MATCH_VALUE);
  const dnAttributes = reader.peekTag() === DN_ATTRIBUTES ? reader.readBoolean(DN_ATTRIBUTES) : false;
  reader.expectEnd('extensible match');
  if (matchingRule === null && attribute === null) {
    throw new LdapProtocolError('An extensible match needs a matching rule or an attribute type');
  }
  return { type: 'extensible', matchingRule, attribute, value, dnAttributes };
}

/** An AttributeDescription or matching rule OID: a bounded LDAPString, kept in the client's case. */
function readAttribute(reader: BerReader, tag: number): string {
  const text = reader.readString(tag);
  if (text.length === 0) throw new LdapProtocolError('Empty attribute description in filter');
  if (text.length > FILTER_LIMITS.maxValueLength)
    throw new LdapProtocolError('Attribute description in filter is too long');
  return text;
}

/**
 * An AssertionValue is an OCTET STRING (RFC 4511 §4.1.6). The directory holds only text, so octets
 * that are not UTF-8 cannot match anything it has: decode them leniently rather than fail the search.
 */
function readValue(reader: BerReader, tag: number): string {
  const bytes = reader.readOctetString(tag);
  if (bytes.length > FILTER_LIMITS.maxValueLength) {
    throw new LdapProtocolError(`Filter value of ${bytes.length} bytes exceeds ${FILTER_LIMITS.maxValueLength}`);
  }
  return bytes.toString('utf8');
}

export function writeFilter(writer: BerWriter, filter: Filter): void {
  switch (filter.type) {
    case 'and':
    case 'or':
      writer.startSequence(TAG[filter.type]);
      for (const child of filter.filters) writeFilter(writer, child);
      writer.endSequence();
      return;
    case 'not':
      writer.startSequence(TAG.not);
      writeFilter(writer, filter.filter);
      writer.endSequence();
      return;
    case 'equality':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'approx':
      writer.startSequence(TAG[filter.type]);
      writer.writeOctetString(filter.attribute);
      writer.writeOctetString(filter.value);
      writer.endSequence();
      return;
    case 'substrings':
      writer.startSequence(TAG.substrings);
      writer.writeOctetString(filter.attribute);
      writer.startSequence();
      if (filter.initial !== null) writer.writeOctetString(filter.initial, INITIAL);
      for (const piece of filter.any) writer.writeOctetString(piece, ANY);
      if (filter.final !== null) writer.writeOctetString(filter.final, FINAL);
      writer.endSequence();
      writer.endSequence();
      return;
    case 'present':
      writer.writeOctetString(filter.attribute, TAG.present);
      return;
    case 'extensible':
      writer.startSequence(TAG.extensible);
      if (filter.matchingRule !== null) writer.writeOctetString(filter.matchingRule, MATCHING_RULE);
      if (filter.attribute !== null) writer.writeOctetString(filter.attribute, MATCH_TYPE);
      writer.writeOctetString(filter.value, MATCH_VALUE);
      // DEFAULT FALSE: X.690 §11.5 (DER) omits a default value; BER senders usually do too.
      if (filter.dnAttributes) writer.writeBoolean(true, DN_ATTRIBUTES);
      writer.endSequence();
      return;
  }
}

export function encodeFilter(filter: Filter): Buffer {
  const writer = new BerWriter(64);
  writeFilter(writer, filter);
  return writer.toBuffer();
}
