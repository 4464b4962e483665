// What organisation admins and operators do in the portal (SPEC R1, R2): invite people (there is no
// open registration) and issue a mailbox's activation data. An admin acts within their own
// organisation only; an operator on any.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { PassageAccount } from '../../identity/passage-types.ts';
import { ApiError } from '../shared/api-errors.ts';
import { schemas } from './portal-json.ts';
import { actorOf, signedIn } from './portal-api.ts';
import type { PortalServices } from './portal-services.ts';
import type { ActivationJson, ActivationRequestJson, ErrorJson, ErrorReason, InvitedJson, InviteJson } from './wire.ts';

function forbidden(message: string, reason: ErrorReason): ApiError<ErrorJson> {
  return new ApiError<ErrorJson>(403, { error: 'forbidden', message, reason });
}

export const portalAdminApi: FastifyPluginAsync<{ services: PortalServices }> = async (api, { services }) => {
  const adminOnly = async (request: FastifyRequest): Promise<PassageAccount> => {
    const { account } = await signedIn(request, services);
    if (account.role === 'user') throw forbidden('Only organisation admins and operators can do this', 'admins-only');
    return account;
  };

  api.post<{ Body: InviteJson }>('/invitations', { bodyLimit: 2048, schema: { body: schemas.invite } }, async (request): Promise<InvitedJson> => {
    const account = await adminOnly(request);
    const { email, role } = request.body;
    let orgDomain = request.body.organisation?.trim().toLowerCase() || undefined;
    if (account.role === 'admin') {
      if (role === 'operator') throw forbidden('Only operators can invite operators', 'admins-only');
      const own = account.orgId === null ? null : await services.findOrganisation({ id: account.orgId });
      if (!own) throw forbidden('Your account belongs to no organisation', 'own-organisation-only');
      if (orgDomain && orgDomain !== own.domain) throw forbidden('Admins invite people to their own organisation only', 'own-organisation-only');
      orgDomain = own.domain;
    }
    const invited = await services.passage.invite({ email, role, ...(orgDomain ? { orgDomain } : {}) }, actorOf(account, request));
    return { email: invited.email, url: invited.url, expiresAt: invited.expiresAt.toISOString() };
  });

  api.post<{ Body: ActivationRequestJson }>(
    '/activations',
    { bodyLimit: 1024, schema: { body: schemas.activation } },
    async (request): Promise<ActivationJson> => {
      const account = await adminOnly(request);
      const mailbox = await services.findMailbox(request.body.mailbox);
      // An admin asking about another organisation's mailbox learns no more than about a missing one.
      if (!mailbox || (account.role === 'admin' && mailbox.orgId !== account.orgId)) {
        throw new ApiError<ErrorJson>(404, {
          error: 'not-found',
          message: `No mailbox "${request.body.mailbox}" in your organisation`,
          reason: 'mailbox-not-in-organisation',
        });
      }
      const activation = await services.passage.issueActivation(mailbox, actorOf(account, request));
      return { klantnummer: activation.klantnummer, code: activation.code, expiresAt: activation.expiresAt.toISOString() };
    },
  );
};
