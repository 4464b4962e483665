// The Vite build of every browser app of the web front-end (SPEC R25: everything self-hosted, no
// inline script or style, so the pages run under a strict CSP). Each app is a folder `web/<app>/`
// with an index.html; it is built to `dist/web/<app>/` with its files under `/<app>/assets/`, the
// URL prefix its route plugin serves them from (the portal app holds the webmail too).
//
// Each app is a build of its own (a Vite environment), not one entry of a shared build: one build
// with several entries moves what they share (React, web/shared/) into a common chunk, and a page
// that loads more files makes the browser open spare connections that hold the web server's
// shutdown open until the browser drops them. Separate builds keep every page at one script and
// one style sheet, at the price of each app carrying its own copy of React.
import { rm } from 'node:fs/promises';
import { defineConfig, normalizePath, type EnvironmentOptions } from 'vite';
import react from '@vitejs/plugin-react';

const APPS = ['viewer', 'patient', 'portal'] as const;

/** Vite names modules by absolute path with forward slashes, on every platform. */
const webDir = normalizePath(import.meta.dirname);
const outDir = `${webDir}/../dist/web`;

function appEnvironment(app: (typeof APPS)[number]): EnvironmentOptions {
  return {
    consumer: 'client',
    build: {
      outDir,
      // The builder below empties dist/web once; each app's build would otherwise delete the others'.
      emptyOutDir: false,
      target: 'es2022',
      // The preload polyfill would be the only script not needed by modern browsers.
      modulePreload: { polyfill: false },
      // Small inlined assets would become data: URLs; keep every file a file.
      assetsInlineLimit: 0,
      rollupOptions: {
        input: { [app]: `${webDir}/${app}/index.html` },
        output: {
          entryFileNames: `${app}/assets/[name]-[hash].js`,
          chunkFileNames: `${app}/assets/[name]-[hash].js`,
          assetFileNames: `${app}/assets/[name]-[hash][extname]`,
        },
      },
    },
  };
}

export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  environments: Object.fromEntries(APPS.map((app) => [app, appEnvironment(app)])),
  // With a builder, `vite build` builds the app environments instead of one client bundle.
  builder: {
    async buildApp(builder) {
      await rm(outDir, { recursive: true, force: true });
      for (const app of APPS) await builder.build(builder.environments[app]!);
    },
  },
});
