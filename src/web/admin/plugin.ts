// The admin HTTP API under /api/admin: bearer-token authentication first, then the routes of each
// service. Bodies are JSON, or CSV/LDIF text for imports.
import type { FastifyPluginAsync } from 'fastify';
import type { AdminTokenService } from '../../identity/admin-tokens.ts';
import type { DirectoryService } from '../../directory/directory-service.ts';
import type { DomainBookService } from '../../directory/domain-books.ts';
import type { RecipientClassifier } from '../../directory/classifier.ts';
import { adminAuthentication } from './auth.ts';
import { adminErrorHandler } from './errors.ts';
import { directoryRoutes } from './directory-routes.ts';
import { domainBookRoutes } from './domain-book-routes.ts';
import { secureRoutes } from './secure-routes.ts';
import type { PolicyService } from '../../policy/policy-service.ts';
import type { ViewerMessageService } from '../../secure/viewer-messages.ts';
import type { IdentityService } from '../../identity/identity-service.ts';

export interface AdminServices {
  adminTokens: AdminTokenService;
  directory: DirectoryService;
  domainBooks: DomainBookService;
  classifier: RecipientClassifier;
  policies: PolicyService;
  viewerMessages: ViewerMessageService;
  identity: IdentityService;
}

/** Largest import file accepted: a 100,000-person CSV is about 20 MB. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

/** Register with `{ prefix: '/api/admin', services }`. */
export const adminApi: FastifyPluginAsync<{ services: AdminServices }> = async (admin, { services }) => {
  admin.addContentTypeParser(
    ['text/csv', 'text/x-ldif', 'application/ldif', 'text/ldif'],
    { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );
  adminErrorHandler(admin);
  admin.addHook('onRequest', adminAuthentication(services.adminTokens));
  directoryRoutes(admin, services.directory);
  domainBookRoutes(admin, services.domainBooks, services.classifier);
  secureRoutes(admin, services.policies, services.viewerMessages, services.identity);
};
