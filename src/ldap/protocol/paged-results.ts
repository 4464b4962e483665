// The Simple Paged Results control value (RFC 2696 §2): the same SEQUENCE in both directions — the
// client's requested page size and the cookie it got back, the server's size estimate and next cookie.
import { BerError, BerReader, BerTag, MAX_INT } from '../ber/reader.ts';
import { BerWriter } from '../ber/writer.ts';
import { LdapProtocolError, OID, type Control } from './types.ts';

export interface PagedResultsValue {
  size: number;
  cookie: Buffer;
}

/**
 * RFC 2696 §2: realSearchControlValue ::= SEQUENCE { size INTEGER (0..maxInt), cookie OCTET STRING }.
 * Throws LdapProtocolError (without a messageId: the search operation answers it with protocolError).
 */
export function decodePagedResults(value: Buffer | null): PagedResultsValue {
  if (value === null) throw new LdapProtocolError('The paged results control needs a value');
  try {
    const outer = new BerReader(value);
    const sequence = outer.readSequence();
    outer.expectEnd('paged results control value');
    const size = sequence.readInteger(BerTag.integer, 0, MAX_INT);
    const cookie = Buffer.from(sequence.readOctetString());
    sequence.expectEnd('paged results control value');
    return { size, cookie };
  } catch (error) {
    if (error instanceof BerError)
      throw new LdapProtocolError(`Malformed paged results control: ${error.message}`, { cause: error });
    throw error;
  }
}

export function encodePagedResults(value: PagedResultsValue): Buffer {
  const writer = new BerWriter(16 + value.cookie.length);
  writer.startSequence();
  writer.writeInteger(value.size);
  writer.writeOctetString(value.cookie);
  writer.endSequence();
  return writer.toBuffer();
}

/** The control a server returns with searchResultDone (RFC 2696 §3: an empty cookie ends the search). */
export function pagedResultsControl(value: PagedResultsValue, critical = false): Control {
  return { type: OID.pagedResults, critical, value: encodePagedResults(value) };
}
