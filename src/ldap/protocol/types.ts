// LDAPv3 messages as the server sees them (RFC 4511 §4): the requests it decodes and the pieces of the
// responses it encodes. Pure data; the BER codec is messages.ts, the operations live in ../operations.
import type { Filter } from '../../directory/filter.ts';

/** RFC 4511 §4.1.11. */
export interface Control {
  type: string;
  critical: boolean;
  value: Buffer | null;
}

export type SearchScope = 'base' | 'one' | 'sub';

export type LdapRequest =
  | {
      kind: 'bind';
      version: number;
      name: string;
      auth: { type: 'simple'; password: Buffer } | { type: 'sasl'; mechanism: string; credentials: Buffer | null };
    }
  | { kind: 'unbind' }
  | {
      kind: 'search';
      baseObject: string;
      scope: SearchScope;
      derefAliases: number;
      sizeLimit: number;
      timeLimit: number;
      typesOnly: boolean;
      filter: Filter;
      attributes: string[];
    }
  | { kind: 'abandon'; messageId: number }
  | { kind: 'extended'; name: string; value: Buffer | null }
  /** Write and compare operations: a read-only directory answers them with their response tag. */
  | { kind: 'unsupported'; operation: 'modify' | 'add' | 'delete' | 'modifyDN' | 'compare'; responseTag: number };

export interface LdapMessage {
  messageId: number;
  request: LdapRequest;
  controls: Control[];
}

/** RFC 4511 §4.1.9. */
export interface LdapResult {
  resultCode: number;
  matchedDN?: string;
  diagnosticMessage?: string;
}

export interface SearchEntryAttribute {
  type: string;
  values: ReadonlyArray<string | Buffer>;
}

/** RFC 4511 Appendix A. */
export const ResultCode = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  authMethodNotSupported: 7,
  unavailableCriticalExtension: 12,
  noSuchAttribute: 16,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  other: 80,
} as const;

/** Application tags of the protocol operations (RFC 4511 Appendix B). */
export const Op = {
  bindRequest: 0,
  bindResponse: 1,
  unbindRequest: 2,
  searchRequest: 3,
  searchResultEntry: 4,
  searchResultDone: 5,
  modifyRequest: 6,
  modifyResponse: 7,
  addRequest: 8,
  addResponse: 9,
  delRequest: 10,
  delResponse: 11,
  modDNRequest: 12,
  modDNResponse: 13,
  compareRequest: 14,
  compareResponse: 15,
  abandonRequest: 16,
  searchResultReference: 19,
  extendedRequest: 23,
  extendedResponse: 24,
  intermediateResponse: 25,
} as const;

export const OID = {
  pagedResults: '1.2.840.113556.1.4.319',
  noticeOfDisconnection: '1.3.6.1.4.1.1466.20036',
  startTls: '1.3.6.1.4.1.1466.20037',
  whoAmI: '1.3.6.1.4.1.4203.1.11.3',
} as const;

/**
 * A request the server cannot decode. When both messageId and responseTag are known the server can
 * answer that request with protocolError (RFC 4511 §4.1.1: "Otherwise, server implementations MUST
 * return an appropriate response to the request"): framing.ts found the message's end, so the stream
 * is still in step. Without them (no readable messageID, an unknown operation, or one without a
 * response) the server sends a Notice of Disconnection (§4.4.1) and closes. A `cause` that is a
 * BerError marks a broken encoding, for which §4.1.1 says the server SHOULD disconnect as well.
 */
export class LdapProtocolError extends Error {
  override name = 'LdapProtocolError';
  readonly messageId: number | null;
  /** Op tag number of the response that answers the failed request (e.g. Op.searchResultDone). */
  readonly responseTag: number | null;

  constructor(
    message: string,
    context: { messageId?: number | null; responseTag?: number | null; cause?: unknown } = {},
  ) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.messageId = context.messageId ?? null;
    this.responseTag = context.responseTag ?? null;
  }
}
