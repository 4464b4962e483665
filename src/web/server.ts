// HTTPS front-end: the portal and webmail (/, /api/portal/, /api/webmail/), a health endpoint, the
// admin API (/api/admin), the Viewer (/v/, /api/viewer/) and the patient page (/patient/,
// /api/patient/). Without the portal, / is a plain page with the client settings.
import Fastify, { LogController } from 'fastify';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { adminApi, type AdminServices } from './admin/plugin.ts';
import { viewerRoutes } from './viewer/viewer-routes.ts';
import { patientRoutes, type PatientChannelLike } from './patient/patient-routes.ts';
import { smsReportRoutes } from './sms-reports.ts';
import { devOutboxRoutes } from './dev-outbox.ts';
import { clientSetupRoutes, type ClientSetupOptions } from './client-setup/client-setup-routes.ts';
import { portalRoutes, type PortalRoutesOptions } from './portal/portal-routes.ts';
import type { SmsDeliveryReport, ViewerAccess } from '../secure/types.ts';

export interface WebServerOptions {
  tls: SecureContextOptions;
  logger: Logger;
  hostname: string;
  ports: { smtps: number; imaps: number; pop3s: number };
  health: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;
  admin: AdminServices;
  /** The Viewer (SPEC R15): its service, and the built app (`dist/web/viewer`, see web/vite.config.ts). */
  viewer?: { access: ViewerAccess; assetsDir: string };
  /** The patient page (SPEC R31): its service, and the built app (`dist/web/patient`). */
  patient?: { channel: PatientChannelLike; assetsDir: string };
  /** The SMS provider's delivery-report webhook, when a secret path is configured. */
  smsReports?: { secret: string; onReport: (report: SmsDeliveryReport) => Promise<void> };
  /** The portal and webmail (SPEC R1–R5): its services, and the built app (`dist/web/portal`). */
  portal?: PortalRoutesOptions;
  /** Development only (SMS gateway "outbox"): a page listing the outboxes, loopback clients only. */
  devOutbox?: { dataDir: string };
  /** Thunderbird autoconfig and Outlook autodiscover for the hosted domains (SPEC R5). */
  clientSetup?: ClientSetupOptions;
}

/** How long requests under way may take to finish once the server is closing. */
const CLOSE_GRACE_MS = 3000;

export function createWebServer(options: WebServerOptions) {
  const app = Fastify({
    https: options.tls,
    loggerInstance: options.logger.child({ component: 'web' }),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });

  // Browsers open spare connections they may never send a request on; close() would wait for them
  // (a minute or more). Idle ones go at once, and what is still open after a grace period goes too.
  app.addHook('preClose', async () => {
    app.server.closeIdleConnections();
    setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
  });

  // SPEC R21/R25: HSTS everywhere, no framing, no third-party anything, no indexing.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    // A route that needs more (the Viewer's page and its sandboxed HTML frame) sets its own policy.
    if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header('Content-Security-Policy', "default-src 'none'; style-src 'self'; frame-ancestors 'none'");
    }
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Robots-Tag', 'noindex, nofollow');
  });

  void app.register(adminApi, { prefix: '/api/admin', services: options.admin });
  if (options.viewer) void app.register(viewerRoutes, options.viewer);
  if (options.patient) void app.register(patientRoutes, options.patient);
  if (options.smsReports) void app.register(smsReportRoutes, options.smsReports);
  if (options.devOutbox) void app.register(devOutboxRoutes, { dataDir: options.devOutbox.dataDir });
  if (options.clientSetup) void app.register(clientSetupRoutes, { ...options.clientSetup, hostname: options.hostname });
  if (options.portal) void app.register(portalRoutes, options.portal);

  // A path nobody serves: a page for people, JSON for programs (the APIs answer their own 404s).
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: 'not-found', message: 'No such route' });
    return reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Niet gevonden</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"></head>
<body><main><h1>Pagina niet gevonden</h1><p lang="nl">Deze pagina bestaat niet. <a href="/">Naar Zorgpost</a></p>
<p lang="en">This page does not exist. <a href="/">To Zorgpost</a></p><p lang="de">Diese Seite gibt es nicht. <a href="/">Zu Zorgpost</a></p></main></body></html>`);
  });

  app.get('/healthz', async (_request, reply) => {
    const health = await options.health();
    return reply.code(health.ok ? 200 : 503).send({ status: health.ok ? 'ok' : 'unavailable', ...health.detail });
  });

  if (!options.portal) app.get('/', async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Zorgpost</title>
<meta name="robots" content="noindex"></head><body><h1>Zorgpost</h1>
<p>Deze server levert beveiligde e-mail voor de zorg. Stel uw e-mailprogramma in met server
<strong>${escapeHtml(options.hostname)}</strong>, IMAP poort ${options.ports.imaps} (SSL/TLS), SMTP poort ${options.ports.smtps} (SSL/TLS),
POP3 poort ${options.ports.pop3s} (SSL/TLS), gebruikersnaam: uw klantnummer, wachtwoord: uw Hosted Mail Key.</p><p><a href="/healthz">Status</a></p></body></html>`;
  });

  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
