// The Viewer web front-end (SPEC R15, R25): the page a notification links to (`/v/<link>`), the
// built browser app's files (`/viewer/assets/`), and the JSON API it talks to (`/api/viewer/<link>/`).
// The page is the same for every link — the app asks the API what to show — and runs under a CSP
// that allows only this origin's own script, style and frames: no inline code, nothing third-party.
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import type { ViewerAccess } from '../../secure/types.ts';
import { LINK_PATTERN } from '../../secure/viewer-context.ts';
import { APP_PAGE_CSP, readAppIndex, sendAppPage, serveAppAssets } from '../shared/app-page.ts';
import { viewerApi } from './viewer-api.ts';

export interface ViewerRoutesOptions {
  access: ViewerAccess;
  /** The built app: `dist/web/viewer`, holding index.html and assets/ (`npm run build:web`). */
  assetsDir: string;
}

export const VIEWER_PAGE_CSP = APP_PAGE_CSP;

/** Where `npm run build:web` puts the Viewer app (dist/web/viewer in the package root). */
export function defaultViewerAssetsDir(): string {
  return fileURLToPath(new URL('../../../dist/web/viewer', import.meta.url));
}

/** Register at the root: it serves /v/, /viewer/assets/ and /api/viewer/. */
export const viewerRoutes: FastifyPluginAsync<ViewerRoutesOptions> = async (app, { access, assetsDir }) => {
  const indexHtml = await readAppIndex(assetsDir, 'Viewer');

  // Unknown links get the page too (the app shows "unknown link" in the reader's language); a
  // malformed one answers 404, without asking the service.
  app.get<{ Params: { link: string } }>('/v/:link', async (request, reply) => {
    return sendAppPage(reply, indexHtml, LINK_PATTERN.test(request.params.link) ? 200 : 404);
  });

  await serveAppAssets(app, assetsDir, 'viewer');
  await app.register(viewerApi, { prefix: '/api/viewer/:link', access });
};
