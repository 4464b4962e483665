// Admin API for secure sending (SPEC R14–R18): organisation policies (with the manual's registry
// Type import) and the Viewer messages of a mailbox (status, revoke).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PolicyService } from '../../policy/policy-service.ts';
import { installTypeFromRegistry, unsafeSendRule } from '../../policy/organisation-policy.ts';
import type { ViewerMessageService } from '../../secure/viewer-messages.ts';
import type { IdentityService } from '../../identity/identity-service.ts';
import { UserError } from '../../errors.ts';

const registryType = z.object({ value: z.number().int(), pluginVersion: z.string().min(1).max(20) }).strict();
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), before: z.coerce.number().int().positive().optional() });

type Org = { Params: { domain: string } };
type MailboxRef = { Params: { mailbox: string } };
type MessageRef = { Params: { mailbox: string; id: string } };

export function secureRoutes(app: FastifyInstance, policies: PolicyService, viewer: ViewerMessageService, identity: IdentityService): void {
  app.get<Org>('/policies/:domain', async (request) => {
    const org = await policies.organisation(request.params.domain);
    const policy = await policies.get(org.id);
    return { organisation: org.domain, ...policy, unsafeExternalSend: unsafeSendRule(policy) };
  });

  app.patch<Org>('/policies/:domain', async (request) => {
    const org = await policies.organisation(request.params.domain);
    const policy = await policies.update(org.id, request.body, request.adminActor!);
    return { organisation: org.domain, ...policy, unsafeExternalSend: unsafeSendRule(policy) };
  });

  // The manual's registry value `Type`, whose meaning changed with plug-in 2.11 (SPEC R14).
  app.put<Org>('/policies/:domain/registry-type', async (request) => {
    const { value, pluginVersion } = registryType.parse(request.body);
    let installType;
    try {
      installType = installTypeFromRegistry(value, pluginVersion);
    } catch (error) {
      throw new UserError('BADINPUT', (error as Error).message);
    }
    const org = await policies.organisation(request.params.domain);
    const policy = await policies.update(org.id, { installType }, request.adminActor!);
    return { organisation: org.domain, ...policy, unsafeExternalSend: unsafeSendRule(policy) };
  });

  app.get<MailboxRef>('/mailboxes/:mailbox/secure-messages', async (request) => {
    const sender = await identity.requireMailbox(request.params.mailbox);
    const { limit, before } = listQuery.parse(request.query);
    return { messages: await viewer.list(sender, { limit, beforeId: before }) };
  });

  app.get<MessageRef>('/mailboxes/:mailbox/secure-messages/:id', async (request) => {
    const sender = await identity.requireMailbox(request.params.mailbox);
    return viewer.status(sender, messageNumber(request.params.id));
  });

  app.post<MessageRef>('/mailboxes/:mailbox/secure-messages/:id/revoke', async (request) => {
    const sender = await identity.requireMailbox(request.params.mailbox);
    const before = await viewer.status(sender, messageNumber(request.params.id));
    if (before.state !== 'active') throw new UserError('CANNOT', `secure message ${before.id} is already ${before.state}`);
    const { actor, remoteAddress } = request.adminActor!;
    return viewer.revoke(sender, before.id, { actor, remoteAddress });
  });
}

function messageNumber(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new UserError('NONEXISTENT', `No secure message ${id}`);
  return Number(id);
}
