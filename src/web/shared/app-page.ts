// Serving a built browser app (web/<app>, `npm run build:web`): its one page under a CSP that allows
// only this origin's own script, style, images and frames — no inline code, nothing third-party
// (SPEC R25) — and its files from dist/web/<app>/assets (each app is built on its own, so it needs
// nothing from another app's folder; see web/vite.config.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

export const APP_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names built files `<name>-<8+ char content hash>.<ext>`: those never change. */
const HASHED_FILE = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** The app's index.html, read once at start-up; a missing build is a clear start-up error. */
export async function readAppIndex(assetsDir: string, appName: string): Promise<Buffer> {
  try {
    return await readFile(join(assetsDir, 'index.html'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `The ${appName} app is not built (${join(assetsDir, 'index.html')}: ${code}); run "npm run build:web"`,
      { cause: error },
    );
  }
}

/** The page, never cached (it is tiny, and a stale one would ask for assets that are gone). */
export function sendAppPage(reply: FastifyReply, html: Buffer, status: 200 | 404): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', APP_PAGE_CSP)
    .send(html);
}

/** `<assetsDir>/assets` at `/<appName>/assets/`: hashed files cached for good, the rest revalidated. */
export async function serveAppAssets(app: FastifyInstance, assetsDir: string, appName: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: join(assetsDir, 'assets'),
    prefix: `/${appName}/assets/`,
    decorateReply: false,
    index: false,
    list: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('Cache-Control', HASHED_FILE.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
