// The patient page (SPEC R31): the public page of an organisation that switched it on
// (`/patient/<domain>`), the built browser app's files (`/patient/assets/`), and the JSON API it talks
// to (`/api/patient/<domain>/`). The page is the same for every domain — the app asks the API whose
// page it is, and shows "no such page" in the reader's language when there is none — and runs under
// the same strict CSP as the Viewer.
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { readAppIndex, sendAppPage, serveAppAssets } from '../shared/app-page.ts';
import { patientApi, type PatientChannelLike } from './patient-api.ts';
import { DOMAIN_PATTERN } from './wire.ts';

export type { PatientChannelLike };

export interface PatientRoutesOptions {
  channel: PatientChannelLike;
  /** The built app: `dist/web/patient`, holding index.html and assets/ (`npm run build:web`). */
  assetsDir: string;
}

/** Where `npm run build:web` puts the patient app (dist/web/patient in the package root). */
export function defaultPatientAssetsDir(): string {
  return fileURLToPath(new URL('../../../dist/web/patient', import.meta.url));
}

/** Register at the root: it serves /patient/, /patient/assets/ and /api/patient/. */
export const patientRoutes: FastifyPluginAsync<PatientRoutesOptions> = async (app, { channel, assetsDir }) => {
  const indexHtml = await readAppIndex(assetsDir, 'patient page');

  // A malformed domain answers 404 with the page (which says so), without asking the service.
  app.get<{ Params: { domain: string } }>('/patient/:domain', async (request, reply) => {
    return sendAppPage(reply, indexHtml, DOMAIN_PATTERN.test(request.params.domain) ? 200 : 404);
  });

  await serveAppAssets(app, assetsDir, 'patient');
  await app.register(patientApi, { prefix: '/api/patient/:domain', channel });
};
