// The settings summary of the manual (§2.1, §3.1) and the documents built from it: Thunderbird
// autoconfig, Outlook Autodiscover (request parsing too) and the Apple profile. Every document is
// parsed by Python's standard library, so well-formedness is checked by a parser we did not write.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientSettings, PASSWORD_HINT, type ClientPorts, type ClientMailbox } from '../../src/mail/client-settings.ts';
import { renderThunderbirdAutoconfig } from '../../src/mail/client-config/thunderbird-autoconfig.ts';
import {
  OUTLOOK_RESPONSE_SCHEMA,
  parseAutodiscoverRequest,
  renderAutodiscoverError,
  renderAutodiscoverResponse,
} from '../../src/mail/client-config/outlook-autodiscover.ts';
import { mobileconfigFilename, renderMobileconfig } from '../../src/mail/client-config/apple-mobileconfig.ts';
import { readXml } from '../../src/mail/client-config/xml-reader.ts';
import { xmlText } from '../../src/mail/client-config/xml-text.ts';
import { parseRequestedAddress } from '../../src/mail/client-config/email-address.ts';
import { childTexts, find, findAll, parsePlistWithPython, parseXmlWithPython } from '../helpers/python-xml.ts';

const PRODUCTION: ClientPorts = { imaps: 993, pop3s: 995, smtps: 465, submission: 587, ldaps: 636 };
const DEVELOPMENT: ClientPorts = { imaps: 10993, pop3s: 10995, smtps: 10465, submission: 10587, ldaps: 10636 };
const JANSEN: ClientMailbox = { address: 'j.jansen@delinde.nl', displayName: 'Dr. J. Jansen', klantnummer: '500123456' };
const BASE_DN = 'ou=se,dc=zorgmail';
/** Markup characters, quotes, a control character XML cannot carry, and non-ASCII. */
const ODD_NAME = 'Dr. <b>"Ö\'zt&rk"</b> \u0007 & Co ]]> 🩺';

const outlookRequest = (address: string) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>${OUTLOOK_RESPONSE_SCHEMA}</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`;

describe('client settings summary (manual §2.1 and §3.1)', () => {
  it('for one mailbox: servers, ports, encryption, klantnummer, LDAP bind DN and base', () => {
    const settings = clientSettings({ hostname: 'mail.zorgpost.nl', ports: PRODUCTION, mailbox: JANSEN, ldapBaseDn: BASE_DN });
    assert.deepEqual(settings, {
      hostname: 'mail.zorgpost.nl',
      mailbox: JANSEN,
      accountType: 'IMAP',
      incoming: {
        imap: { host: 'mail.zorgpost.nl', port: 993, security: 'SSL/TLS' },
        pop3: { host: 'mail.zorgpost.nl', port: 995, security: 'SSL/TLS' },
      },
      outgoing: {
        smtps: { host: 'mail.zorgpost.nl', port: 465, security: 'SSL/TLS' },
        submission: { host: 'mail.zorgpost.nl', port: 587, security: 'STARTTLS' },
      },
      login: { userName: '500123456', alsoAccepted: 'j.jansen@delinde.nl', password: 'your Hosted Mail Key' },
      addressBook: {
        name: 'ZorgMail Adresboek',
        host: 'mail.zorgpost.nl',
        port: 636,
        security: 'SSL/TLS',
        bindDn: 'uid=500123456',
        fullBindDn: 'uid=500123456,ou=se,dc=zorgmail',
        searchBase: 'ou=se,dc=zorgmail',
        password: 'your Hosted Mail Key',
      },
    });
  });

  it('never carries a key, only the hint where to find it', () => {
    const settings = clientSettings({ hostname: 'h', ports: PRODUCTION, mailbox: JANSEN, ldapBaseDn: BASE_DN });
    assert.equal(settings.login.password, PASSWORD_HINT);
    assert.equal(settings.addressBook?.password, PASSWORD_HINT);
  });

  it('without a mailbox: the same servers, no user name', () => {
    const settings = clientSettings({ hostname: 'localhost', ports: DEVELOPMENT, ldapBaseDn: BASE_DN });
    assert.equal(settings.mailbox, null);
    assert.deepEqual(settings.login, { userName: null, alsoAccepted: null, password: PASSWORD_HINT });
    assert.equal(settings.incoming.imap?.port, 10993);
    assert.equal(settings.addressBook?.port, 10636);
    assert.equal(settings.addressBook?.bindDn, null);
    assert.equal(settings.addressBook?.searchBase, BASE_DN);
  });

  it('leaves out listeners that are off (port 0)', () => {
    const settings = clientSettings({ hostname: 'h', ports: { ...PRODUCTION, pop3s: 0, smtps: 0, ldaps: 0 }, ldapBaseDn: BASE_DN });
    assert.equal(settings.incoming.pop3, null);
    assert.equal(settings.outgoing.smtps, null);
    assert.equal(settings.outgoing.submission?.port, 587);
    assert.equal(settings.addressBook, null);
  });

  it('copies the mailbox, so a caller changing its object later does not change the summary', () => {
    const mailbox = { ...JANSEN };
    const settings = clientSettings({ hostname: 'h', ports: PRODUCTION, mailbox, ldapBaseDn: BASE_DN });
    mailbox.klantnummer = '999999999';
    assert.equal(settings.mailbox?.klantnummer, '500123456');
  });
});

describe('xmlText', () => {
  it('escapes markup and quotes and replaces characters XML cannot carry', () => {
    assert.equal(xmlText(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
    assert.equal(xmlText('bell\u0007 nul\u0000 ok\t\n'), 'bell\uFFFD nul\uFFFD ok\t\n');
    assert.equal(xmlText('lone \uD800 surrogate, emoji 🩺'), 'lone \uFFFD surrogate, emoji 🩺');
  });
});

describe('Thunderbird autoconfig (config-v1.1.xml)', () => {
  it('without a mailbox: IMAP and POP3 on SSL, SMTP 465 SSL then 587 STARTTLS, %EMAILADDRESS%', async () => {
    const xml = renderThunderbirdAutoconfig(clientSettings({ hostname: 'mail.zorgpost.nl', ports: PRODUCTION, ldapBaseDn: BASE_DN }), 'delinde.nl');
    const root = await parseXmlWithPython(xml);
    assert.equal(root.tag, 'clientConfig');
    assert.equal(root.attrib.version, '1.1');
    const provider = find(root, 'emailProvider')!;
    assert.equal(provider.attrib.id, 'delinde.nl');
    assert.equal(find(provider, 'domain')!.text, 'delinde.nl');
    const incoming = findAll(root, 'incomingServer');
    assert.deepEqual(
      incoming.map((s) => [s.attrib.type, childTexts(s)]),
      [
        ['imap', { hostname: 'mail.zorgpost.nl', port: '993', socketType: 'SSL', authentication: 'password-cleartext', username: '%EMAILADDRESS%' }],
        ['pop3', { hostname: 'mail.zorgpost.nl', port: '995', socketType: 'SSL', authentication: 'password-cleartext', username: '%EMAILADDRESS%' }],
      ],
    );
    const outgoing = findAll(root, 'outgoingServer');
    assert.deepEqual(
      outgoing.map((s) => [s.attrib.type, childTexts(s).port, childTexts(s).socketType, childTexts(s).authentication]),
      [
        ['smtp', '465', 'SSL', 'password-cleartext'],
        ['smtp', '587', 'STARTTLS', 'password-cleartext'],
      ],
    );
  });

  it('for a known mailbox the user name is the klantnummer', async () => {
    const xml = renderThunderbirdAutoconfig(clientSettings({ hostname: 'h.example', ports: PRODUCTION, mailbox: JANSEN, ldapBaseDn: BASE_DN }), 'delinde.nl');
    const root = await parseXmlWithPython(xml);
    assert.deepEqual(findAll(root, 'username').map((u) => u.text), ['500123456', '500123456', '500123456', '500123456']);
  });

  it('leaves out servers that are off', async () => {
    const ports = { ...PRODUCTION, pop3s: 0, submission: 0 };
    const root = await parseXmlWithPython(renderThunderbirdAutoconfig(clientSettings({ hostname: 'h', ports, ldapBaseDn: BASE_DN }), 'delinde.nl'));
    assert.deepEqual(findAll(root, 'incomingServer').map((s) => s.attrib.type), ['imap']);
    assert.deepEqual(findAll(root, 'outgoingServer').map((s) => childTexts(s).port), ['465']);
  });

  it('escapes an odd host name and domain', async () => {
    const xml = renderThunderbirdAutoconfig(clientSettings({ hostname: `mail"<&>'.example`, ports: PRODUCTION, ldapBaseDn: BASE_DN }), `d"<&>'.nl`);
    const root = await parseXmlWithPython(xml);
    assert.equal(find(root, 'emailProvider')!.attrib.id, `d"<&>'.nl`);
    assert.equal(find(root, 'hostname')!.text, `mail"<&>'.example`);
  });
});

describe('Outlook Autodiscover (POX)', () => {
  const NS = '{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}';

  it('answers IMAP 993 and SMTP 465, SSL on, LoginName the address asked about', async () => {
    const xml = renderAutodiscoverResponse(clientSettings({ hostname: 'mail.zorgpost.nl', ports: PRODUCTION, ldapBaseDn: BASE_DN }), 'j.jansen@delinde.nl');
    const root = await parseXmlWithPython(xml);
    assert.equal(root.tag, '{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}Autodiscover');
    assert.equal(root.children[0]!.tag, `${NS}Response`);
    const account = find(root, 'Account')!;
    assert.equal(find(account, 'AccountType')!.text, 'email');
    assert.equal(find(account, 'Action')!.text, 'settings');
    const protocols = findAll(account, 'Protocol').map(childTexts);
    assert.deepEqual(
      protocols.map((p) => [p.Type, p.Server, p.Port, p.LoginName, p.SSL, p.Encryption, p.SPA, p.AuthRequired]),
      [
        ['IMAP', 'mail.zorgpost.nl', '993', 'j.jansen@delinde.nl', 'on', 'SSL', 'off', 'on'],
        ['SMTP', 'mail.zorgpost.nl', '465', 'j.jansen@delinde.nl', 'on', 'SSL', 'off', 'on'],
      ],
    );
    assert.equal(protocols[1]!.UsePOPAuth, 'on');
    // The POX elements are in the Outlook response namespace.
    assert.ok(findAll(account, 'Protocol').every((p) => p.tag === `${NS}Protocol`));
  });

  it('for a known mailbox LoginName is the klantnummer; with 465 and IMAP off: 587 STARTTLS and POP3', async () => {
    const ports = { ...PRODUCTION, imaps: 0, smtps: 0 };
    const xml = renderAutodiscoverResponse(clientSettings({ hostname: 'h.example', ports, mailbox: JANSEN, ldapBaseDn: BASE_DN }), JANSEN.address);
    const protocols = findAll(await parseXmlWithPython(xml), 'Protocol').map(childTexts);
    assert.deepEqual(
      protocols.map((p) => [p.Type, p.Port, p.Encryption, p.LoginName]),
      [
        ['POP3', '995', 'SSL', '500123456'],
        ['SMTP', '587', 'TLS', '500123456'],
      ],
    );
  });

  it('error responses carry the code and the reason, escaped', async () => {
    const root = await parseXmlWithPython(renderAutodiscoverError(600, 'bad <EMailAddress> & more'));
    assert.equal(find(root, 'ErrorCode')!.text, '600');
    assert.equal(find(root, 'Message')!.text, 'bad <EMailAddress> & more');
  });

  describe('request parsing', () => {
    it('reads a real Outlook request', () => {
      assert.deepEqual(parseAutodiscoverRequest(outlookRequest('J.Jansen@DeLinde.nl')), {
        ok: true,
        address: { address: 'j.jansen@delinde.nl', domain: 'delinde.nl' },
      });
    });

    it('accepts prefixes, CRLF, a BOM, comments, CDATA and references', () => {
      const body =
        '\uFEFF<?xml version="1.0"?>\r\n<!-- outlook -->\r\n<a:Autodiscover xmlns:a="urn:x">\r\n <a:Request>' +
        '<a:EMailAddress><![CDATA[j.jansen]]>&#64;delinde&#x2e;nl</a:EMailAddress></a:Request></a:Autodiscover>\r\n';
      assert.deepEqual(parseAutodiscoverRequest(body), { ok: true, address: { address: 'j.jansen@delinde.nl', domain: 'delinde.nl' } });
    });

    it('refuses a DOCTYPE (no entities, so no XXE and no entity expansion)', () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>`;
      const result = parseAutodiscoverRequest(xxe);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : '', /DOCTYPE/);
    });

    for (const [name, body, reason] of [
      ['an undeclared entity', '<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>', /"&" must start/],
      ['mismatched tags', '<Autodiscover><Request><EMailAddress>a@b.nl</Request></Autodiscover>', /closed by <\/Request>/],
      ['an unclosed root', '<Autodiscover><Request>', /not closed/],
      ['trailing content', '<Autodiscover/><x/>', /after the root element/],
      ['a duplicate attribute', '<Autodiscover a="1" a="2"/>', /appears twice/],
      ['a forbidden character', '<Autodiscover>\u0001</Autodiscover>', /characters XML does not allow/],
      ['a bad character reference', '<Autodiscover>&#0;</Autodiscover>', /not an XML character/],
      ['not XML at all', '{"EMailAddress":"a@b.nl"}', /expected the root element/],
      ['another root', '<Foo><Request><EMailAddress>a@b.nl</EMailAddress></Request></Foo>', /root element must be <Autodiscover>/],
      ['no Request', '<Autodiscover/>', /no <Request>/],
      ['no EMailAddress', '<Autodiscover><Request><LegacyDN>/o=x</LegacyDN></Request></Autodiscover>', /no <EMailAddress>/],
      ['an invalid address', '<Autodiscover><Request><EMailAddress>not an address</EMailAddress></Request></Autodiscover>', /not a valid e-mail address/],
      ['deep nesting', `<Autodiscover>${'<a>'.repeat(20)}${'</a>'.repeat(20)}</Autodiscover>`, /nested more than/],
    ] as const) {
      it(`refuses ${name} with the reason (error 600)`, () => {
        const result = parseAutodiscoverRequest(body);
        assert.equal(result.ok, false, name);
        if (result.ok) return;
        assert.equal(result.errorCode, 600);
        assert.match(result.reason, reason);
      });
    }

    it('answers a mobile (ActiveSync) schema with error 601', () => {
      const body = outlookRequest('a@delinde.nl').replace(OUTLOOK_RESPONSE_SCHEMA, 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006');
      const result = parseAutodiscoverRequest(body);
      assert.equal(!result.ok && result.errorCode, 601);
    });
  });

  it('the XML reader decodes attributes and keeps text and children apart', () => {
    const root = readXml(`<r a='x &amp; y'>one<c>two</c>three</r>`);
    assert.equal(root.attributes.get('a'), 'x & y');
    assert.equal(root.text, 'onethree');
    assert.equal(root.children[0]!.text, 'two');
  });
});

describe('requested addresses', () => {
  it('lower-cases and checks the address', () => {
    assert.deepEqual(parseRequestedAddress(' J.Jansen@DeLinde.NL '), { address: 'j.jansen@delinde.nl', domain: 'delinde.nl' });
    for (const bad of ['', 'no-at', '@delinde.nl', 'a@', 'a@-x.nl', 'a b@delinde.nl', 'a@de linde.nl', `${'a'.repeat(65)}@x.nl`, 'a<b@x.nl', 'a@x.nl/../']) {
      assert.equal(parseRequestedAddress(bad), null, bad);
    }
  });
});

describe('Apple configuration profile (.mobileconfig)', () => {
  type Payload = Record<string, unknown>;
  const settings = clientSettings({ hostname: 'mail.zorgpost.nl', ports: PRODUCTION, mailbox: JANSEN, ldapBaseDn: BASE_DN });

  it('is a property list with a Mail (IMAP/SMTP, klantnummer, SSL) and an LDAP payload, no password', async () => {
    const xml = renderMobileconfig({ ...settings, mailbox: JANSEN });
    const profile = await parsePlistWithPython<Payload & { PayloadContent: Payload[] }>(xml);
    assert.equal(profile.PayloadType, 'Configuration');
    assert.equal(profile.PayloadVersion, 1);
    assert.equal(profile.PayloadIdentifier, 'nl.zorgpost.mail.zorgpost.500123456');
    const [mail, ldap] = profile.PayloadContent;
    assert.deepEqual(
      {
        type: mail!.PayloadType,
        account: mail!.EmailAccountType,
        address: mail!.EmailAddress,
        name: mail!.EmailAccountName,
        incoming: [mail!.IncomingMailServerHostName, mail!.IncomingMailServerPortNumber, mail!.IncomingMailServerUseSSL, mail!.IncomingMailServerUsername],
        outgoing: [mail!.OutgoingMailServerHostName, mail!.OutgoingMailServerPortNumber, mail!.OutgoingMailServerUseSSL, mail!.OutgoingMailServerUsername],
        auth: [mail!.IncomingMailServerAuthentication, mail!.OutgoingMailServerAuthentication, mail!.OutgoingPasswordSameAsIncomingPassword],
      },
      {
        type: 'com.apple.mail.managed',
        account: 'EmailTypeIMAP',
        address: 'j.jansen@delinde.nl',
        name: 'Dr. J. Jansen',
        incoming: ['mail.zorgpost.nl', 993, true, '500123456'],
        outgoing: ['mail.zorgpost.nl', 465, true, '500123456'],
        auth: ['EmailAuthPassword', 'EmailAuthPassword', true],
      },
    );
    assert.deepEqual(
      [ldap!.PayloadType, ldap!.LDAPAccountHostName, ldap!.LDAPAccountUseSSL, ldap!.LDAPAccountUserName, ldap!.LDAPSearchSettings],
      [
        'com.apple.ldap.account',
        'mail.zorgpost.nl',
        true,
        'uid=500123456',
        [{ LDAPSearchSettingDescription: 'ZorgMail Adresboek', LDAPSearchSettingSearchBase: BASE_DN, LDAPSearchSettingScope: 'LDAPSearchSettingScopeSubtree' }],
      ],
    );
    assert.doesNotMatch(xml, /Password<\/key>\s*<string>/, 'no password of any kind');
    assert.ok(!Object.keys(mail!).some((k) => /^(Incoming|Outgoing)Password$/.test(k)));
    assert.ok(!('LDAPAccountPassword' in ldap!));
  });

  it('has stable identifiers and UUIDs: a new download replaces the installed profile', async () => {
    const a = await parsePlistWithPython<Payload & { PayloadContent: Payload[] }>(renderMobileconfig({ ...settings, mailbox: JANSEN }));
    const b = await parsePlistWithPython<Payload & { PayloadContent: Payload[] }>(renderMobileconfig({ ...settings, mailbox: JANSEN }));
    assert.deepEqual(a, b);
    const uuids = [a.PayloadUUID, ...a.PayloadContent.map((p) => p.PayloadUUID)] as string[];
    assert.equal(new Set(uuids).size, 3, 'one UUID per payload');
    for (const uuid of uuids) assert.match(uuid, /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    const other = await parsePlistWithPython<Payload>(renderMobileconfig({ ...settings, mailbox: { ...JANSEN, klantnummer: '500654321' } }));
    assert.notEqual(other.PayloadUUID, a.PayloadUUID);
    assert.equal(other.PayloadIdentifier, 'nl.zorgpost.mail.zorgpost.500654321');
  });

  it('puts a non-standard LDAPS port into the host name (the payload has no port key)', async () => {
    const dev = clientSettings({ hostname: 'localhost', ports: DEVELOPMENT, mailbox: JANSEN, ldapBaseDn: BASE_DN });
    const profile = await parsePlistWithPython<{ PayloadContent: Payload[] }>(renderMobileconfig({ ...dev, mailbox: JANSEN }));
    assert.equal(profile.PayloadContent[1]!.LDAPAccountHostName, 'localhost:10636');
    assert.equal(profile.PayloadContent[0]!.IncomingMailServerPortNumber, 10993);
  });

  it('keeps an odd display name as text', async () => {
    const odd = { ...JANSEN, displayName: ODD_NAME };
    const profile = await parsePlistWithPython<{ PayloadContent: Payload[] }>(
      renderMobileconfig({ ...clientSettings({ hostname: 'h.example', ports: PRODUCTION, mailbox: odd, ldapBaseDn: BASE_DN }), mailbox: odd }),
    );
    assert.equal(profile.PayloadContent[0]!.EmailAccountName, ODD_NAME.replace('\u0007', '\uFFFD'));
  });

  it('names the download after the klantnummer', () => {
    assert.equal(mobileconfigFilename(JANSEN), 'zorgpost-500123456.mobileconfig');
  });
});
