// The portal and webmail (SPEC R1–R5, R17 webmail part): one browser app (web/portal) served at the
// site's root paths, its files under /portal/assets/, and its JSON API under /api/portal/. The page
// is the same for every path; the app decides what to show from the path and the session.
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { WebmailService } from '../../mail/webmail/webmail-service.ts';
import { readAppIndex, sendAppPage, serveAppAssets } from '../shared/app-page.ts';
import { requestContext } from '../shared/request.ts';
import { webmailRoutes, type WebmailAuthorisation } from '../webmail/webmail-routes.ts';
import { portalApi, signedIn } from './portal-api.ts';
import type { PortalServices } from './portal-services.ts';

export interface PortalRoutesOptions {
  services: PortalServices;
  /** The built app: `dist/web/portal`, holding index.html and assets/ (`npm run build:web`). */
  assetsDir: string;
  /** The webmail's service; its API (/api/webmail/) serves the mailboxes linked to the session. */
  webmail?: WebmailService;
}

/** Where `npm run build:web` puts the portal app (dist/web/portal in the package root). */
export function defaultPortalAssetsDir(): string {
  return fileURLToPath(new URL('../../../dist/web/portal', import.meta.url));
}

/** The app's own paths (web/portal/src/routes.ts). */
const PAGES = ['/', '/login', '/invite', '/account', '/admin', '/mailboxes', '/mailboxes/*', '/mail/*'];

/** Register at the root. */
export const portalRoutes: FastifyPluginAsync<PortalRoutesOptions> = async (app, { services, assetsDir, webmail }) => {
  const indexHtml = await readAppIndex(assetsDir, 'portal');
  for (const path of PAGES) app.get(path, async (_request, reply) => sendAppPage(reply, indexHtml, 200));
  await serveAppAssets(app, assetsDir, 'portal');
  // Both APIs read the one session cookie.
  await app.register(fastifyCookie);
  app.decorateRequest('passage', null);
  await app.register(portalApi, { prefix: '/api/portal', services });
  if (webmail) {
    // The webmail serves a mailbox only to a session whose Passage ID it is linked to (R2, R4).
    const authorise = async (request: FastifyRequest, mailboxId: number): Promise<WebmailAuthorisation> => {
      const { account } = await signedIn(request, services);
      const mailbox = await services.passage.requireLinkedMailbox(account, mailboxId);
      return { mailbox, actor: `passage:${account.email}`, remoteAddress: requestContext(request).remoteAddress };
    };
    await app.register(webmailRoutes, { prefix: '/api/webmail', service: webmail, authorise });
  }
};
