// Outlook Autodiscover, "plain old XML" (POX) flavour: the request Outlook POSTs to
// https://<domain>/autodiscover/autodiscover.xml or https://autodiscover.<domain>/… and the
// IMAP/POP3/SMTP settings answer ([MS-OXDSCLI] "Autodiscover Publishing and Lookup Protocol", and
// Microsoft's element reference "POX Autodiscover XML elements for Exchange"). No Exchange (EXCH/EXPR) protocols: an
// `AccountType` of "email" with `Action` "settings" makes Outlook set up an Internet mail account.
import type { ClientSettings, ServerSettings } from '../client-settings.ts';
import { parseRequestedAddress, type RequestedAddress } from './email-address.ts';
import { readXml, type XmlElement } from './xml-reader.ts';
import { xmlText } from './xml-text.ts';
import { UserError } from '../../errors.ts';

export const RESPONSE_NAMESPACE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
/** The only response schema we answer in (the request's AcceptableResponseSchema). */
export const OUTLOOK_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** [MS-OXDSCLI] ErrorCode (child of Error, §2.2.4.1.1.3): 600 the request is improperly formatted,
 * 601 no configuration of the requested type (schema). */
export type AutodiscoverErrorCode = 600 | 601;

export type AutodiscoverRequest =
  | { ok: true; address: RequestedAddress }
  | { ok: false; errorCode: AutodiscoverErrorCode; reason: string };

/** An Outlook request is a few hundred bytes; the route limits the body before this sees it. */
const REQUEST_LIMITS = { maxDepth: 8, maxElements: 64 };

/** Reads `<Autodiscover><Request><EMailAddress>…` (namespace prefixes allowed, never resolved). */
export function parseAutodiscoverRequest(body: string): AutodiscoverRequest {
  let root: XmlElement;
  try {
    root = readXml(body, REQUEST_LIMITS);
  } catch (error) {
    if (error instanceof UserError) return { ok: false, errorCode: 600, reason: error.message };
    throw error;
  }
  const invalid = (reason: string): AutodiscoverRequest => ({ ok: false, errorCode: 600, reason });
  if (root.localName !== 'Autodiscover') return invalid(`the root element must be <Autodiscover>, not <${root.name}>`);
  const request = child(root, 'Request');
  if (!request) return invalid('the request has no <Request> element');
  const schema = child(request, 'AcceptableResponseSchema')?.text.trim();
  // Mobile (ActiveSync, "mobilesync") clients ask for another schema: we have nothing to give them.
  // Some documentation spells the namespace with https; both mean the Outlook schema.
  if (schema && schema.replace(/^https:/, 'http:') !== OUTLOOK_RESPONSE_SCHEMA) {
    return { ok: false, errorCode: 601, reason: `response schema ${schema} is not supported; ask for ${OUTLOOK_RESPONSE_SCHEMA}` };
  }
  const email = child(request, 'EMailAddress');
  if (!email) return invalid('the request has no <EMailAddress> (a LegacyDN alone is not enough here)');
  const address = parseRequestedAddress(email.text);
  if (!address) return invalid('<EMailAddress> is not a valid e-mail address');
  return { ok: true, address };
}

function child(parent: XmlElement, localName: string): XmlElement | undefined {
  return parent.children.find((c) => c.localName === localName);
}

/** The settings for `emailAddress`. LoginName is the klantnummer when `settings` is for one
 * mailbox, otherwise the address itself (which our servers accept as login name, SPEC R3). */
export function renderAutodiscoverResponse(settings: ClientSettings, emailAddress: string): string {
  const loginName = settings.login.userName ?? emailAddress;
  const protocol = (type: 'IMAP' | 'POP3' | 'SMTP', s: ServerSettings, extra: string[] = []): string[] => [
    '      <Protocol>',
    `        <Type>${type}</Type>`,
    `        <Server>${xmlText(s.host)}</Server>`,
    `        <Port>${s.port}</Port>`,
    `        <LoginName>${xmlText(loginName)}</LoginName>`,
    '        <DomainRequired>off</DomainRequired>',
    // SPA is Microsoft's NTLM login; ours is a plain login inside TLS.
    '        <SPA>off</SPA>',
    '        <SSL>on</SSL>',
    // Encryption overrides SSL where Outlook knows it: "SSL" = TLS from the first byte, "TLS" = STARTTLS.
    `        <Encryption>${s.security === 'SSL/TLS' ? 'SSL' : 'TLS'}</Encryption>`,
    '        <AuthRequired>on</AuthRequired>',
    ...extra,
    '      </Protocol>',
  ];
  // Outlook sets up one account from the first incoming protocol: IMAP, the manual's account type
  // (§2.1), and POP3 only when IMAP is off. Likewise one SMTP server: 465 unless it is off.
  const incoming = settings.incoming.imap ? protocol('IMAP', settings.incoming.imap) : settings.incoming.pop3 ? protocol('POP3', settings.incoming.pop3) : [];
  const smtp = settings.outgoing.smtps ?? settings.outgoing.submission;
  const outgoing = smtp ? protocol('SMTP', smtp, ['        <UsePOPAuth>on</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>']) : [];
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${RESPONSE_NAMESPACE}">`,
    `  <Response xmlns="${OUTLOOK_RESPONSE_SCHEMA}">`,
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...incoming,
    ...outgoing,
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/** [MS-OXDSCLI] §2.2.4.1.1.3 Error, with our reason as the Message. (Its Time and Id attributes
 * only help Exchange's own log correlation; left out.) */
export function renderAutodiscoverError(errorCode: AutodiscoverErrorCode, reason: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${RESPONSE_NAMESPACE}">`,
    '  <Response>',
    '    <Error>',
    `      <ErrorCode>${errorCode}</ErrorCode>`,
    `      <Message>${xmlText(reason)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}
