// Automatic client configuration over HTTPS (SPEC R5) through createWebServer and inject:
// Thunderbird autoconfig and Outlook Autodiscover for hosted domains only, the same answer whether
// or not a mailbox exists, refusals (malformed, hostile, huge) as 4xx with the reason, and the
// portal's mobileconfig download helper.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Fastify from 'fastify';
import { pino } from 'pino';
import type { AdminServices } from '../../src/web/admin/plugin.ts';
import { createWebServer } from '../../src/web/server.ts';
import { sendMobileconfig } from '../../src/web/client-setup/client-setup-routes.ts';
import { clientSettings } from '../../src/mail/client-settings.ts';
import { childTexts, find, findAll, parsePlistWithPython, parseXmlWithPython } from '../helpers/python-xml.ts';

const PORTS = { imaps: 10993, pop3s: 10995, smtps: 10465, submission: 10587, ldaps: 10636 };
const OUTLOOK_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** What Outlook POSTs (CRLF line ends, as it sends them). */
const outlookRequest = (address: string, schema = OUTLOOK_SCHEMA) =>
  [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">',
    '  <Request>',
    `    <EMailAddress>${address}</EMailAddress>`,
    `    <AcceptableResponseSchema>${schema}</AcceptableResponseSchema>`,
    '  </Request>',
    '</Autodiscover>',
    '',
  ].join('\r\n');

describe('client setup routes', () => {
  let app: ReturnType<typeof createWebServer>;
  let asked: string[];

  before(async () => {
    app = createWebServer({
      tls: {},
      logger: pino({ level: 'silent' }),
      hostname: 'mail.zorgpost.test',
      ports: { smtps: PORTS.smtps, imaps: PORTS.imaps, pop3s: PORTS.pop3s },
      health: async () => ({ ok: true, detail: {} }),
      // The admin API is registered but never called here.
      admin: {} as AdminServices,
      clientSetup: {
        ports: PORTS,
        ldapBaseDn: 'ou=se,dc=zorgmail',
        hostedDomain: async (domain) => {
          asked.push(domain);
          return domain === 'delinde.nl';
        },
      },
    });
    await app.ready();
  });
  after(() => app.close());
  beforeEach(() => {
    asked = [];
  });

  describe('Thunderbird autoconfig', () => {
    it('answers /.well-known/autoconfig/… for an address of a hosted domain', async () => {
      const response = await app.inject({ method: 'GET', url: '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=J.Jansen%40DeLinde.nl' });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/xml/);
      assert.match(String(response.headers['strict-transport-security']), /max-age=/);
      assert.deepEqual(asked, ['delinde.nl']);
      const root = await parseXmlWithPython(response.body);
      assert.equal(find(root, 'emailProvider')!.attrib.id, 'delinde.nl');
      const imap = childTexts(findAll(root, 'incomingServer').find((s) => s.attrib.type === 'imap')!);
      assert.deepEqual(imap, {
        hostname: 'mail.zorgpost.test',
        port: '10993',
        socketType: 'SSL',
        authentication: 'password-cleartext',
        username: '%EMAILADDRESS%',
      });
      assert.deepEqual(findAll(root, 'outgoingServer').map((s) => [childTexts(s).port, childTexts(s).socketType]), [
        ['10465', 'SSL'],
        ['10587', 'STARTTLS'],
      ]);
    });

    it('answers /mail/config-v1.1.xml on autoconfig.<domain>, with or without the address', async () => {
      const withAddress = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=j.jansen%40delinde.nl', headers: { host: 'autoconfig.delinde.nl' } });
      const withoutAddress = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml', headers: { host: 'autoconfig.delinde.nl:443' } });
      assert.equal(withAddress.statusCode, 200);
      assert.equal(withoutAddress.statusCode, 200);
      assert.equal(withoutAddress.body, withAddress.body);
    });

    it('does not reveal whether a mailbox exists: the same document for any address of the domain', async () => {
      const existing = await app.inject({ method: 'GET', url: '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=j.jansen%40delinde.nl' });
      const missing = await app.inject({ method: 'GET', url: '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=nobody-here%40delinde.nl' });
      assert.equal(existing.statusCode, missing.statusCode);
      assert.equal(existing.body, missing.body);
      assert.doesNotMatch(existing.body, /\d{9}/, 'no klantnummer in an unauthenticated answer');
    });

    it('unknown domains get the ordinary 404', async () => {
      const notHosted = await app.inject({ method: 'GET', url: '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40elders.nl' });
      const byHost = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml', headers: { host: 'autoconfig.elders.nl' } });
      const ipHost = await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml', headers: { host: '[::1]:443' } });
      const nothing = await app.inject({ method: 'GET', url: '/no/such/path' });
      // Fastify's 404 names the URL asked; otherwise it is the one any unknown path gets.
      const sameAsMissingRoute = (body: string) => body.replace(/Route GET:\S+/, 'Route GET:X');
      for (const response of [notHosted, byHost, ipHost]) {
        assert.equal(response.statusCode, 404);
        assert.equal(sameAsMissingRoute(response.body), sameAsMissingRoute(nothing.body));
      }
    });

    it('refuses a malformed address with 400 and the reason', async () => {
      for (const query of ['emailaddress=not-an-address', 'emailaddress=a%40b%40delinde.nl', `emailaddress=${'a'.repeat(400)}%40delinde.nl`]) {
        const response = await app.inject({ method: 'GET', url: `/.well-known/autoconfig/mail/config-v1.1.xml?${query}` });
        assert.equal(response.statusCode, 400, query);
        assert.ok(response.body.length > 0);
      }
      const response = await app.inject({ method: 'GET', url: '/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=nope' });
      assert.equal(response.body, 'emailaddress is not a valid e-mail address');
      assert.deepEqual(asked, [], 'nothing looked up for a malformed address');
    });
  });

  describe('Outlook Autodiscover (POX)', () => {
    const post = (payload: string, headers: Record<string, string> = { 'content-type': 'text/xml' }, url = '/autodiscover/autodiscover.xml') =>
      app.inject({ method: 'POST', url, headers, payload });

    it('answers a real Outlook request with IMAP, SMTP, LoginName, SSL, port and server', async () => {
      for (const url of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml']) {
        const response = await post(outlookRequest('J.Jansen@delinde.nl'), { 'content-type': 'text/xml; charset=utf-8' }, url);
        assert.equal(response.statusCode, 200, url);
        assert.match(String(response.headers['content-type']), /^text\/xml/);
        const root = await parseXmlWithPython(response.body);
        assert.equal(root.tag, '{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}Autodiscover');
        assert.equal(root.children[0]!.tag, `{${OUTLOOK_SCHEMA}}Response`);
        const protocols = findAll(root, 'Protocol').map(childTexts);
        assert.deepEqual(
          protocols.map((p) => [p.Type, p.Server, p.Port, p.LoginName, p.SSL]),
          [
            ['IMAP', 'mail.zorgpost.test', '10993', 'j.jansen@delinde.nl', 'on'],
            ['SMTP', 'mail.zorgpost.test', '10465', 'j.jansen@delinde.nl', 'on'],
          ],
        );
      }
    });

    it('reads the body whatever its Content-Type, or none', async () => {
      const contentTypes: Array<Record<string, string>> = [{}, { 'content-type': 'application/xml' }, { 'content-type': 'application/octet-stream' }, { 'content-type': 'text/plain' }];
      for (const headers of contentTypes) {
        const response = await post(outlookRequest('j.jansen@delinde.nl'), headers);
        assert.equal(response.statusCode, 200, JSON.stringify(headers));
      }
    });

    it('the same answer for an existing and a made-up mailbox, apart from the address itself', async () => {
      const a = await post(outlookRequest('j.jansen@delinde.nl'));
      const b = await post(outlookRequest('made-up@delinde.nl'));
      assert.equal(a.statusCode, b.statusCode);
      assert.equal(a.body.replaceAll('j.jansen@delinde.nl', 'X'), b.body.replaceAll('made-up@delinde.nl', 'X'));
    });

    it('answers GET with ?emailaddress=, and explains a GET without one', async () => {
      const ok = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.xml?emailaddress=j.jansen%40delinde.nl' });
      assert.equal(ok.statusCode, 200);
      assert.equal(childTexts(find(await parseXmlWithPython(ok.body), 'Protocol')!).LoginName, 'j.jansen@delinde.nl');
      const bare = await app.inject({ method: 'GET', url: '/Autodiscover/Autodiscover.xml' });
      assert.equal(bare.statusCode, 400);
      assert.match(find(await parseXmlWithPython(bare.body), 'Message')!.text, /no e-mail address/);
      const bad = await app.inject({ method: 'GET', url: '/autodiscover/autodiscover.xml?emailaddress=x&emailaddress=y' });
      assert.equal(bad.statusCode, 400);
    });

    it('unknown domains get the ordinary 404', async () => {
      const response = await post(outlookRequest('someone@elders.nl'));
      assert.equal(response.statusCode, 404);
      assert.deepEqual(asked, ['elders.nl']);
    });

    for (const [name, body, reason] of [
      ['malformed XML', '<Autodiscover><Request><EMailAddress>a@delinde.nl</Request>', /closed by/],
      ['an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>', /DOCTYPE/],
      ['entity expansion ("billion laughs")', '<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Autodiscover>&b;</Autodiscover>', /DOCTYPE/],
      ['JSON', '{"EMailAddress":"a@delinde.nl"}', /root element/],
      ['no address', '<Autodiscover><Request/></Autodiscover>', /no <EMailAddress>/],
      ['a broken address', '<Autodiscover><Request><EMailAddress>a@@delinde.nl</EMailAddress></Request></Autodiscover>', /not a valid e-mail address/],
      ['an empty body', '', /expected an Autodiscover request/],
    ] as const) {
      it(`refuses ${name}: 400 with a POX error giving the reason`, async () => {
        const response = await post(body);
        assert.equal(response.statusCode, 400);
        const root = await parseXmlWithPython(response.body);
        assert.equal(find(root, 'ErrorCode')!.text, '600');
        assert.match(find(root, 'Message')!.text, reason);
        assert.deepEqual(asked, [], 'nothing looked up');
      });
    }

    it('refuses a mobile (ActiveSync) schema with error 601', async () => {
      const response = await post(outlookRequest('a@delinde.nl', 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'));
      assert.equal(response.statusCode, 400);
      assert.equal(find(await parseXmlWithPython(response.body), 'ErrorCode')!.text, '601');
    });

    it('refuses a body over 16 KiB with 413 and the reason, before parsing it', async () => {
      const huge = outlookRequest('a@delinde.nl').replace('<Request>', `<Request><!--${'x'.repeat(17 * 1024)}-->`);
      const response = await post(huge);
      assert.equal(response.statusCode, 413);
      const root = await parseXmlWithPython(response.body);
      assert.equal(find(root, 'ErrorCode')!.text, '600');
      assert.match(find(root, 'Message')!.text, /too large/i);
      assert.deepEqual(asked, []);
    });
  });
});

describe('sendMobileconfig (for the portal)', () => {
  it('sends the profile as an Apple configuration download', async () => {
    const mailbox = { address: 'j.jansen@delinde.nl', displayName: 'Dr. J. Jansen', klantnummer: '500123456' };
    const settings = { ...clientSettings({ hostname: 'mail.zorgpost.test', ports: PORTS, mailbox, ldapBaseDn: 'ou=se,dc=zorgmail' }), mailbox };
    const app = Fastify();
    app.get('/profile', async (_request, reply) => sendMobileconfig(reply, settings));
    try {
      const response = await app.inject({ method: 'GET', url: '/profile' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'application/x-apple-aspen-config');
      assert.equal(response.headers['content-disposition'], 'attachment; filename="zorgpost-500123456.mobileconfig"');
      assert.equal(response.headers['cache-control'], 'no-store');
      const profile = await parsePlistWithPython<{ PayloadContent: Array<Record<string, unknown>> }>(response.body);
      assert.deepEqual(
        profile.PayloadContent.map((p) => p.PayloadType),
        ['com.apple.mail.managed', 'com.apple.ldap.account'],
      );
    } finally {
      await app.close();
    }
  });
});
