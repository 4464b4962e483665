// HTTPS front-end: a landing page, a health endpoint and the admin API (/api/admin); the portal,
// webmail and Viewer will be added here as route plugins.
import Fastify, { LogController } from 'fastify';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { adminApi, type AdminServices } from './admin/plugin.ts';

export interface WebServerOptions {
  tls: SecureContextOptions;
  logger: Logger;
  hostname: string;
  ports: { smtps: number; imaps: number; pop3s: number };
  health: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;
  admin: AdminServices;
}

export function createWebServer(options: WebServerOptions) {
  const app = Fastify({
    https: options.tls,
    loggerInstance: options.logger.child({ component: 'web' }),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  });

  // SPEC R21/R25: HSTS everywhere, no framing, no third-party anything, no indexing.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    reply.header('Content-Security-Policy', "default-src 'none'; style-src 'self'; frame-ancestors 'none'");
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Robots-Tag', 'noindex, nofollow');
  });

  void app.register(adminApi, { prefix: '/api/admin', services: options.admin });

  app.get('/healthz', async (_request, reply) => {
    const health = await options.health();
    return reply.code(health.ok ? 200 : 503).send({ status: health.ok ? 'ok' : 'unavailable', ...health.detail });
  });

  app.get('/', async (_request, reply) => {
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
