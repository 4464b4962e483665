// Search (RFC 4511 §4.5) over the community directory, with the simple paged results control
// (RFC 2696), size and time limits, and the root DSE (RFC 4512 §5.1).
import { DirectorySearchError } from '../../directory/directory-service.ts';
import { matchesFilter } from '../../directory/filter-match.ts';
import type { DirectoryEntry } from '../../directory/types.ts';
import { formatFilter } from '../../directory/filter-text.ts';
import { encodeSearchDone, encodeSearchEntry, encodeSearchEntryBody, frameSearchEntry } from '../protocol/messages.ts';
import { decodePagedResults, pagedResultsControl, type PagedResultsValue } from '../protocol/paged-results.ts';
import { LdapProtocolError, OID, ResultCode, type Control, type LdapMessage, type LdapResult } from '../protocol/types.ts';
import { attributeSelection, selectAttributes, type AttributeSelection } from '../attribute-selection.ts';
import { decodeCookie, encodeCookie } from '../paged-cookie.ts';
import type { LdapConnection } from '../connection.ts';
import type { LdapContext, OperationHandler } from './context.ts';
import { rootDseAttributes } from './root-dse.ts';

type SearchMessage = Parameters<OperationHandler<'search'>>[2];

/** Entries are written in chunks of about this size (a TLS record holds 16 KB). */
const SEND_CHUNK_BYTES = 64 * 1024;
/** Encoded forms kept per entry: one for each attribute list clients use (Outlook's, Thunderbird's…). */
const ENCODINGS_PER_ENTRY = 4;

// Directory entries are shared, unchanged objects until the directory changes (entry-cache.ts), and
// clients ask the same attribute lists again and again: each entry is encoded once per list.
const encodings = new WeakMap<DirectoryEntry, Map<string, Buffer>>();

function entryBody(entry: DirectoryEntry, selection: AttributeSelection): Buffer {
  let bodies = encodings.get(entry);
  if (!bodies) encodings.set(entry, (bodies = new Map()));
  let body = bodies.get(selection.key);
  if (!body) {
    body = encodeSearchEntryBody(entry.dn, selectAttributes(entry.attributes, selection));
    if (bodies.size < ENCODINGS_PER_ENTRY) bodies.set(selection.key, body);
  }
  return body;
}

export const search: OperationHandler<'search'> = async (context, connection, message) => {
  const done = (result: LdapResult, controls?: Control[]) => connection.send(encodeSearchDone(message.messageId, result, controls));
  let paged: PagedResultsValue | null = null;
  // Unknown critical controls never get here: server.ts refuses them for every operation (RFC 4511 §4.1.11).
  for (const control of message.controls) {
    if (control.type !== OID.pagedResults) continue;
    try {
      paged = decodePagedResults(control.value);
    } catch (error) {
      if (error instanceof LdapProtocolError) return done({ resultCode: ResultCode.protocolError, diagnosticMessage: error.message });
      throw error;
    }
  }
  // SPEC R9: the address book is for bound community members only, the root DSE included.
  if (!connection.mailbox) {
    return done({ resultCode: ResultCode.insufficientAccessRights, diagnosticMessage: 'Bind first with uid=<klantnummer> and your Hosted Mail Key' });
  }
  const selection = attributeSelection(message.request.attributes, message.request.typesOnly);
  if (message.request.baseObject === '') return searchRootDse(context, connection, message, selection);

  const controller = new AbortController();
  connection.running.set(message.messageId, controller);
  try {
    return await (paged ? searchPage(context, connection, message, selection, paged, controller.signal) : searchAll(context, connection, message, selection, controller.signal));
  } catch (error) {
    if (error instanceof DirectorySearchError) {
      const resultCode = error.code === 'noSuchObject' ? ResultCode.noSuchObject : ResultCode.invalidDNSyntax;
      return done({ resultCode, matchedDN: error.matchedDn, diagnosticMessage: error.message });
    }
    throw error;
  } finally {
    connection.running.delete(message.messageId);
  }
};

/** A search without paging: at most the server's size limit of entries, then sizeLimitExceeded. */
async function searchAll(context: LdapContext, connection: LdapConnection, message: SearchMessage, selection: AttributeSelection, signal: AbortSignal) {
  const { request } = message;
  const serverCapped = !request.sizeLimit || request.sizeLimit > context.limits.maxSizeLimit;
  const cap = serverCapped ? context.limits.maxSizeLimit : request.sizeLimit;
  const result = await context.directory.search({
    baseDn: request.baseObject,
    scope: request.scope,
    filter: request.filter,
    after: -1,
    limit: cap + 1,
    deadline: deadline(context, request.timeLimit),
    signal,
  });
  if (!(await sendEntries(connection, message.messageId, result.entries.slice(0, cap), selection, signal))) return;
  const done = (result: LdapResult) => connection.send(encodeSearchDone(message.messageId, result));
  if (result.entries.length > cap) {
    return done({
      resultCode: ResultCode.sizeLimitExceeded,
      diagnosticMessage: serverCapped ? `More than ${cap} entries match: refine the search or use paged results` : '',
    });
  }
  if (result.interrupted) return done({ resultCode: ResultCode.timeLimitExceeded, diagnosticMessage: 'The search took too long: refine it' });
  return done({ resultCode: ResultCode.success });
}

/** One page of a paged search (RFC 2696 §3); the cookie says where the next page starts. */
async function searchPage(
  context: LdapContext,
  connection: LdapConnection,
  message: SearchMessage,
  selection: AttributeSelection,
  paged: PagedResultsValue,
  signal: AbortSignal,
) {
  const { request } = message;
  const finish = (result: LdapResult, cookie: Buffer = Buffer.alloc(0)) =>
    connection.send(encodeSearchDone(message.messageId, result, [pagedResultsControl({ size: 0, cookie })]));
  const searchKey = searchIdentity(message);
  let position = { last: -1, sent: 0 };
  if (paged.cookie.length) {
    const decoded = decodeCookie(context.cookieSecret, searchKey, paged.cookie);
    if (!decoded) return finish({ resultCode: ResultCode.unwillingToPerform, diagnosticMessage: 'The paged results cookie does not belong to this search' });
    position = decoded;
  }
  // RFC 2696 §3: a page size of zero with a cookie abandons the paged search.
  if (paged.size === 0) return finish({ resultCode: ResultCode.success });
  const sizeLimit = request.sizeLimit || Number.MAX_SAFE_INTEGER;
  const want = Math.min(paged.size, context.limits.maxSizeLimit, sizeLimit - position.sent);
  const result = await context.directory.search({
    baseDn: request.baseObject,
    scope: request.scope,
    filter: request.filter,
    after: position.last,
    limit: want + 1,
    deadline: deadline(context, request.timeLimit),
    signal,
  });
  const page = result.entries.slice(0, want);
  if (!(await sendEntries(connection, message.messageId, page, selection, signal))) return;
  const sent = position.sent + page.length;
  const more = result.entries.length > want;
  if (more && sent >= sizeLimit) return finish({ resultCode: ResultCode.sizeLimitExceeded });
  if (result.interrupted) return finish({ resultCode: ResultCode.timeLimitExceeded, diagnosticMessage: 'The search took too long: refine it' });
  const last = page.length ? page[page.length - 1]!.id : position.last;
  return finish({ resultCode: ResultCode.success }, more ? encodeCookie(context.cookieSecret, searchKey, { last, sent }) : undefined);
}

async function searchRootDse(context: LdapContext, connection: LdapConnection, message: SearchMessage, selection: AttributeSelection) {
  const { request } = message;
  // The root DSE's attributes are operational (RFC 4512 §5.1): we return them for "*" and "+" too,
  // since clients probing the server rarely name them all.
  const everything: AttributeSelection = { ...selection, all: selection.all || request.attributes.includes('+') };
  if (request.scope === 'base' && matchesFilter(request.filter, { objectclass: ['top', 'extensibleObject'] })) {
    await connection.send(encodeSearchEntry(message.messageId, '', selectAttributes(rootDseAttributes(context.directory.baseDn), everything)));
  }
  return connection.send(encodeSearchDone(message.messageId, { resultCode: ResultCode.success }));
}

/** Sends the entries; false when the search was abandoned meanwhile (RFC 4511 §4.11: no more
 * responses for it, not even searchResultDone). */
async function sendEntries(connection: LdapConnection, messageId: number, entries: readonly DirectoryEntry[], selection: AttributeSelection, signal: AbortSignal): Promise<boolean> {
  for (const entry of entries) {
    if (signal.aborted || connection.closed) return false;
    // Queued entries go out with the next write (at the latest searchResultDone's), in big records.
    connection.queue(frameSearchEntry(messageId, entryBody(entry, selection)));
    if (connection.queuedBytes >= SEND_CHUNK_BYTES) await connection.flush();
  }
  if (signal.aborted || connection.closed) {
    await connection.flush();
    return false;
  }
  return true;
}

function deadline(context: LdapContext, timeLimit: number): number {
  const seconds = timeLimit > 0 ? Math.min(timeLimit, context.limits.maxTimeLimitSeconds) : context.limits.maxTimeLimitSeconds;
  return Date.now() + seconds * 1000;
}

/** RFC 2696 §3: the following pages must repeat the same search; the cookie is bound to it. */
function searchIdentity(message: LdapMessage & { request: { kind: 'search' } }): string {
  const { request } = message;
  return JSON.stringify([request.baseObject.toLowerCase(), request.scope, formatFilter(request.filter), request.sizeLimit]);
}
