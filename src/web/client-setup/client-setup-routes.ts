// Automatic mail client configuration (SPEC R5) over HTTPS: Thunderbird autoconfig and Outlook
// Autodiscover (POX) for the domains hosted here, and the helper the portal uses to hand a mailbox
// its Apple configuration profile. The documents themselves are built in src/mail/client-config/.
//
// These URLs answer anyone, so they say nothing about mailboxes: the answer depends on the domain
// only (unknown domain → 404, like a server without autoconfig), the user name is the address the
// client already has (%EMAILADDRESS% / LoginName = the address, both accepted as login name, SPEC
// R3), and no mailbox is looked up — not even in a way a response time could give away. The
// per-mailbox profile (user name = klantnummer) is only served after login, by the portal.
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { clientSettings, type ClientPorts } from '../../mail/client-settings.ts';
import { parseDomain, parseRequestedAddress, type RequestedAddress } from '../../mail/client-config/email-address.ts';
import { renderThunderbirdAutoconfig } from '../../mail/client-config/thunderbird-autoconfig.ts';
import {
  parseAutodiscoverRequest,
  renderAutodiscoverError,
  renderAutodiscoverResponse,
  type AutodiscoverErrorCode,
} from '../../mail/client-config/outlook-autodiscover.ts';
import {
  MOBILECONFIG_CONTENT_TYPE,
  mobileconfigFilename,
  renderMobileconfig,
  type MailboxClientSettings,
} from '../../mail/client-config/apple-mobileconfig.ts';

export interface ClientSetupOptions {
  /** Listener ports (config `ports`); 0 = off, left out of every document. */
  ports: ClientPorts;
  /** Config ldap.baseDn. */
  ldapBaseDn: string;
  /** Whether an organisation here has this (lower-case) domain. */
  hostedDomain: (domain: string) => Promise<boolean>;
}

export interface ClientSetupRoutesOptions extends ClientSetupOptions {
  /** Config `hostname`: the server every document points to. */
  hostname: string;
}

/** An Outlook request is about 350 bytes. */
const AUTODISCOVER_BODY_LIMIT = 16 * 1024;
const XML = 'text/xml; charset=utf-8';

/** Thunderbird: https://<domain>/.well-known/autoconfig/… and https://autoconfig.<domain>/mail/…
 * (ConfigFileFormat, "Autoconfiguration" lookup order). */
const AUTOCONFIG_PATHS = ['/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml'];
/** Outlook asks with either casing (and some clients with a third); routes are case-sensitive. */
const AUTODISCOVER_PATHS = ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AutoDiscover/AutoDiscover.xml'];

/** Register with `app.register(clientSetupRoutes, options)`. */
export const clientSetupRoutes: FastifyPluginAsync<ClientSetupRoutesOptions> = async (app, options) => {
  // The same for every caller: no mailbox, so user names stay the address the client sent.
  const settings = clientSettings({ hostname: options.hostname, ports: options.ports, ldapBaseDn: options.ldapBaseDn });

  for (const url of AUTOCONFIG_PATHS) {
    app.get<{ Querystring: { emailaddress?: string } }>(
      url,
      { schema: { querystring: { type: 'object', properties: { emailaddress: { type: 'string', maxLength: 320 } } } } },
      async (request, reply) => {
        let domain: string | null;
        if (request.query.emailaddress !== undefined) {
          const requested = parseRequestedAddress(request.query.emailaddress);
          if (!requested) return reply.code(400).type('text/plain; charset=utf-8').send('emailaddress is not a valid e-mail address');
          domain = requested.domain;
        } else {
          // Without an address, the host asked names the domain: <domain> or autoconfig.<domain>.
          domain = parseDomain(request.hostname.replace(/^autoconfig\./i, ''));
        }
        if (domain === null || !(await options.hostedDomain(domain))) return notFound(reply);
        return reply.type(XML).header('Cache-Control', 'no-cache').send(renderThunderbirdAutoconfig(settings, domain));
      },
    );
  }

  await app.register(async (autodiscover: FastifyInstance) => {
    // Read every body as text, whatever its Content-Type says (Outlook sends text/xml; others vary):
    // the XML reader decides, and refuses with a reason. Scoped to this plugin.
    autodiscover.removeAllContentTypeParsers();
    autodiscover.addContentTypeParser('*', { parseAs: 'string', bodyLimit: AUTODISCOVER_BODY_LIMIT }, (_request, body, done) => done(null, body));

    const poxError = (reply: FastifyReply, status: number, code: AutodiscoverErrorCode, reason: string) =>
      reply.code(status).type(XML).send(renderAutodiscoverError(code, reason));

    // A body too large, a broken upload: still a POX error with the reason, not fastify's JSON.
    autodiscover.setErrorHandler(async (error: FastifyError, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status < 400 || status >= 500) throw error;
      request.log.info({ reason: error.message }, 'autodiscover request refused');
      return poxError(reply, status, 600, error.message);
    });

    const answer = async (reply: FastifyReply, requested: RequestedAddress) => {
      if (!(await options.hostedDomain(requested.domain))) return notFound(reply);
      return reply.type(XML).header('Cache-Control', 'no-cache').send(renderAutodiscoverResponse(settings, requested.address));
    };

    for (const url of AUTODISCOVER_PATHS) {
      autodiscover.post(url, { bodyLimit: AUTODISCOVER_BODY_LIMIT }, async (request, reply) => {
        if (typeof request.body !== 'string' || request.body.trim() === '') {
          return poxError(reply, 400, 600, 'expected an Autodiscover request (XML with Request/EMailAddress) as the body');
        }
        const parsed = parseAutodiscoverRequest(request.body);
        if (!parsed.ok) {
          request.log.info({ reason: parsed.reason }, 'autodiscover request refused');
          return poxError(reply, 400, parsed.errorCode, parsed.reason);
        }
        return answer(reply, parsed.address);
      });
      // A GET carries no request document; the address may come as ?emailaddress= (as for Thunderbird).
      autodiscover.get<{ Querystring: { emailaddress?: unknown; email?: unknown } }>(url, async (request, reply) => {
        const given = request.query.emailaddress ?? request.query.email;
        if (given === undefined) return poxError(reply, 400, 600, 'no e-mail address: POST an Autodiscover request, or GET with ?emailaddress=');
        const requested = typeof given === 'string' ? parseRequestedAddress(given) : null;
        if (!requested) return poxError(reply, 400, 600, 'emailaddress is not a valid e-mail address');
        return answer(reply, requested);
      });
    }
  });
};

/** The ordinary 404: an unknown domain looks like a server without automatic configuration. */
function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}

/** Sends the Apple configuration profile of `settings.mailbox` as a download. For the portal, after
 * login: the profile names the mailbox's klantnummer, so it is never served to anyone else. */
export function sendMobileconfig(reply: FastifyReply, settings: MailboxClientSettings): FastifyReply {
  return reply
    .code(200)
    .header('Content-Type', MOBILECONFIG_CONTENT_TYPE)
    .header('Content-Disposition', `attachment; filename="${mobileconfigFilename(settings.mailbox)}"`)
    .header('Cache-Control', 'no-store')
    .send(renderMobileconfig(settings));
}
