// LDAP clients for tests of the LDAPS address book: ldapts set up to trust the test CA, and a raw
// client that sends hand-built LDAPMessages (RFC 4511 §4) over TLS and decodes every response PDU on
// its own, so a test sees exactly what the server sent — result codes ldapts swallows, a Notice of
// Disconnection (§4.4.1) with messageID 0, entries of an abandoned search.
import { Client, Control, type BerWriter as LdaptsWriter } from 'ldapts';
import { parseFilter } from '../../src/directory/filter-text.ts';
import type { Filter } from '../../src/directory/filter.ts';
import { BerReader, BerTag, applicationTag, contextTag } from '../../src/ldap/ber/reader.ts';
import { BerWriter } from '../../src/ldap/ber/writer.ts';
import { writeFilter } from '../../src/ldap/protocol/filter-codec.ts';
import { Op } from '../../src/ldap/protocol/types.ts';
import type { TestAccount, TestServer } from './harness.ts';
import { READ_TIMEOUT_MS, WireSocket } from './wire-socket.ts';

export const BASE_DN = 'ou=se,dc=zorgmail';
export const NOTICE_OF_DISCONNECTION = '1.3.6.1.4.1.1466.20036';

/** An ldapts client for the test server's LDAPS port; every operation is bounded by `timeout`. */
export function ldapsClient(server: TestServer): Client {
  return new Client({
    url: `ldaps://127.0.0.1:${server.ports.ldaps}`,
    tlsOptions: { ca: [server.ca], servername: 'localhost' },
    timeout: 15_000,
    connectTimeout: 5_000,
  });
}

/** A client bound with the manual's user name `uid=<klantnummer>` and the Hosted Mail Key. */
export async function boundClient(server: TestServer, account: TestAccount): Promise<Client> {
  const client = ldapsClient(server);
  await client.bind(`uid=${account.klantnummer}`, account.key);
  return client;
}

/** A request control ldapts sends as it is: any OID, criticality, and raw value bytes. */
export class RawControl extends Control {
  readonly value: Buffer | null;

  constructor(type: string, options: { critical?: boolean; value?: Buffer } = {}) {
    super(type, { critical: options.critical ?? false });
    this.value = options.value ?? null;
  }

  protected override writeControl(writer: LdaptsWriter): void {
    if (this.value !== null) writer.writeBuffer(this.value, BerTag.octetString);
  }
}

// ── Hand-built requests ────────────────────────────────────────────────────────────────────────

export interface RequestControl {
  type: string;
  critical?: boolean;
  value?: Buffer;
}

/** RFC 4511 §4.1.1: LDAPMessage ::= SEQUENCE { messageID, protocolOp, controls [0] OPTIONAL }. */
function envelope(
  messageId: number,
  body: (writer: BerWriter) => void,
  controls: readonly RequestControl[] = [],
): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInteger(messageId);
  body(writer);
  if (controls.length) {
    writer.startSequence(contextTag(0, true));
    for (const control of controls) {
      writer.startSequence();
      writer.writeOctetString(control.type);
      if (control.critical) writer.writeBoolean(true);
      if (control.value) writer.writeOctetString(control.value);
      writer.endSequence();
    }
    writer.endSequence();
  }
  writer.endSequence();
  return Buffer.from(writer.toBuffer());
}

/** RFC 4511 §4.2: a simple bind. */
export function bindPdu(messageId: number, name: string, password: string): Buffer {
  return envelope(messageId, (writer) => {
    writer.startSequence(applicationTag(Op.bindRequest, true));
    writer.writeInteger(3);
    writer.writeOctetString(name);
    writer.writeOctetString(password, contextTag(0, false));
    writer.endSequence();
  });
}

export interface SearchPduOptions {
  base?: string;
  /** 0 base, 1 one, 2 sub (RFC 4511 §4.5.1.2); any other number to test the server. */
  scope?: number;
  sizeLimit?: number;
  timeLimit?: number;
  typesOnly?: boolean;
  filter?: string | Filter;
  /** Already encoded filter bytes (for filters our own encoder would not build). */
  rawFilter?: Buffer;
  attributes?: string[];
}

/** RFC 4511 §4.5.1. */
export function searchPdu(
  messageId: number,
  options: SearchPduOptions = {},
  controls?: readonly RequestControl[],
): Buffer {
  return envelope(
    messageId,
    (writer) => {
      writer.startSequence(applicationTag(Op.searchRequest, true));
      writer.writeOctetString(options.base ?? BASE_DN);
      writer.writeEnumerated(options.scope ?? 2);
      writer.writeEnumerated(0);
      writer.writeInteger(options.sizeLimit ?? 0);
      writer.writeInteger(options.timeLimit ?? 0);
      writer.writeBoolean(options.typesOnly ?? false);
      if (options.rawFilter) writer.writeRaw(options.rawFilter);
      else {
        const filter = options.filter ?? '(objectClass=*)';
        writeFilter(writer, typeof filter === 'string' ? parseFilter(filter) : filter);
      }
      writer.startSequence();
      for (const attribute of options.attributes ?? []) writer.writeOctetString(attribute);
      writer.endSequence();
      writer.endSequence();
    },
    controls,
  );
}

/** RFC 4511 §4.11: AbandonRequest ::= [APPLICATION 16] MessageID. */
export function abandonPdu(messageId: number, target: number): Buffer {
  return envelope(messageId, (writer) => writer.writeInteger(target, applicationTag(Op.abandonRequest, false)));
}

/** RFC 4511 §4.3: UnbindRequest ::= [APPLICATION 2] NULL. */
export function unbindPdu(messageId: number): Buffer {
  return envelope(messageId, (writer) => writer.writeNull(applicationTag(Op.unbindRequest, false)));
}

/** RFC 2696 §2: the paged results control value { size, cookie }. */
export function pagedResultsValue(size: number, cookie: Buffer = Buffer.alloc(0)): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInteger(size);
  writer.writeOctetString(cookie);
  writer.endSequence();
  return Buffer.from(writer.toBuffer());
}

// ── Responses ──────────────────────────────────────────────────────────────────────────────────

export interface LdapResponse {
  messageId: number;
  /** Op number of the protocolOp (Op.searchResultEntry, Op.searchResultDone, Op.extendedResponse…). */
  op: number;
  resultCode?: number;
  matchedDN?: string;
  diagnosticMessage?: string;
  responseName?: string;
  /** searchResultEntry: the entry's DN and attributes in the order and spelling sent. */
  dn?: string;
  attributes?: Array<{ type: string; values: string[] }>;
  controls: Array<{ type: string; critical: boolean; value: Buffer | null }>;
}

/** Decodes one whole response LDAPMessage (strictly: trailing bytes are an error). */
export function decodeResponse(frame: Buffer): LdapResponse {
  const outer = new BerReader(frame);
  const message = outer.readSequence();
  outer.expectEnd('LDAPMessage');
  const messageId = message.readInteger();
  const tag = message.peekTag();
  const op = tag & 0x1f;
  const response: LdapResponse = { messageId, op, controls: [] };
  const body = message.readSequence(tag);
  if (op === Op.searchResultEntry) {
    response.dn = body.readString();
    const list = body.readSequence();
    response.attributes = [];
    while (!list.atEnd) {
      const attribute = list.readSequence();
      const type = attribute.readString();
      const set = attribute.readSequence(BerTag.set);
      const values: string[] = [];
      while (!set.atEnd) values.push(set.readString());
      response.attributes.push({ type, values });
    }
  } else {
    // RFC 4511 §4.1.9: LDAPResult, then (extendedResponse) responseName [10] and responseValue [11].
    response.resultCode = body.readEnumerated();
    response.matchedDN = body.readString();
    response.diagnosticMessage = body.readString();
    if (body.peekTag() === contextTag(3, true)) body.skipElement();
    if (body.peekTag() === contextTag(10, false)) response.responseName = body.readString(contextTag(10, false));
    if (body.peekTag() === contextTag(11, false)) body.skipElement();
  }
  body.expectEnd('protocolOp');
  if (!message.atEnd) {
    const controls = message.readSequence(contextTag(0, true));
    while (!controls.atEnd) {
      const control = controls.readSequence();
      const type = control.readString();
      const critical = control.peekTag() === BerTag.boolean ? control.readBoolean() : false;
      const value = control.atEnd ? null : Buffer.from(control.readOctetString());
      response.controls.push({ type, critical, value });
    }
  }
  message.expectEnd('LDAPMessage');
  return response;
}

/** Length of the first whole BER element in `buffer`, or -1 while it is incomplete. */
function frameEnd(buffer: Buffer): number {
  if (buffer.length < 2) return -1;
  let header = 2;
  let length = buffer[1]!;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (buffer.length < 2 + octets) return -1;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buffer[2 + i]!;
    header += octets;
  }
  return buffer.length >= header + length ? header + length : -1;
}

/** A raw LDAPS connection: writes bytes as given, reads one response PDU at a time. */
export class LdapWire {
  readonly wire: WireSocket;

  constructor(wire: WireSocket) {
    this.wire = wire;
  }

  static async connect(server: TestServer): Promise<LdapWire> {
    return new LdapWire(await WireSocket.tls(server.ports.ldaps, server.ca));
  }

  /** A connection already bound as `account` (messageID 1). */
  static async bound(server: TestServer, account: TestAccount): Promise<LdapWire> {
    const ldap = await LdapWire.connect(server);
    ldap.send(bindPdu(1, `uid=${account.klantnummer}`, account.key));
    const reply = await ldap.read();
    if (reply.op !== Op.bindResponse || reply.resultCode !== 0)
      throw new Error(`bind failed: ${JSON.stringify(reply)}`);
    return ldap;
  }

  send(...pdus: Buffer[]): void {
    this.wire.write(pdus.length === 1 ? pdus[0]! : Buffer.concat(pdus));
  }

  async read(timeoutMs = READ_TIMEOUT_MS): Promise<LdapResponse> {
    return decodeResponse(await this.wire.readUntil(frameEnd, timeoutMs, 'an LDAP response'));
  }

  /** Reads responses until the final one for `messageId`; returns its entries and that response. */
  async result(
    messageId: number,
    timeoutMs = READ_TIMEOUT_MS,
  ): Promise<{ entries: LdapResponse[]; done: LdapResponse }> {
    const entries: LdapResponse[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.read(Math.max(1, deadline - Date.now()));
      if (response.messageId !== messageId)
        throw new Error(`expected messageID ${messageId}, got ${JSON.stringify(response)}`);
      if (response.op === Op.searchResultEntry) entries.push(response);
      else return { entries, done: response };
    }
  }

  get closed(): boolean {
    return this.wire.closed;
  }

  waitClosed(timeoutMs = READ_TIMEOUT_MS): Promise<void> {
    return this.wire.waitClosed(timeoutMs);
  }

  destroy(): void {
    this.wire.destroy();
  }
}
