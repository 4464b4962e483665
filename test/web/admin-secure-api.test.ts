// The admin HTTP API for secure sending (SPEC R14, R15, R18, R22): organisation policies with the
// manual's registry Type, and a mailbox's Viewer messages (status, revoke) — over real HTTPS with a
// bearer token, every change audited under the token's name.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { call, type RequestOptions } from '../helpers/https-api.ts';
import { smtpTransport } from '../helpers/clients.ts';

interface PolicyReply {
  organisation: string;
  installType: string;
  retentionDays: number;
  triggers: string[];
  unsafeExternalSend: string;
}
interface StatusReply {
  id: number;
  recipient: string;
  subject: string;
  state: string;
  notifiedAt: string | null;
}

describe('admin API: policies and secure messages', () => {
  let server: TestServer;
  let agent: Agent;
  let token: string;
  let doctor: TestAccount;
  const api = <T = { error: string; problems?: string[] }>(method: string, path: string, options: RequestOptions = {}) =>
    call<T>(server, agent, method, path, { token, ...options });

  before(async () => {
    server = await startTestServer();
    agent = new Agent({ ca: server.ca, keepAlive: true });
    token = (await server.server.services.adminTokens.create('beleid', { actor: 'test' })).token;
    doctor = await server.addMailbox('arts@praktijk-api.nl', 'Arts');
    await server.addMailbox('arts@andere-api.nl', 'Ander');
  });
  after(async () => {
    agent?.destroy();
    await server?.close();
  });

  it('reads, changes and imports the policy; refuses bad values with the reason; audits the change', async () => {
    const shown = await api<PolicyReply>('GET', '/policies/praktijk-api.nl');
    assert.equal(shown.status, 200);
    assert.equal(shown.json.installType, 'viewer-06-controle');
    assert.equal(shown.json.unsafeExternalSend, 'refuse');

    const changed = await api<PolicyReply>('PATCH', '/policies/praktijk-api.nl', { json: { installType: 'viewer', retentionDays: 30, triggers: ['Beveiligd'] } });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual([changed.json.installType, changed.json.retentionDays, changed.json.triggers], ['viewer', 30, ['beveiligd']]);

    const imported = await api<PolicyReply>('PUT', '/policies/praktijk-api.nl/registry-type', { json: { value: 5, pluginVersion: '2.10' } });
    assert.equal(imported.json.installType, 'viewer-06-verplicht');

    const bad = await api('PATCH', '/policies/praktijk-api.nl', { json: { installType: 'viewer-07', colour: 'blue' } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /installType/);
    assert.equal((await api('PUT', '/policies/praktijk-api.nl/registry-type', { json: { value: 9, pluginVersion: '2.11' } })).status, 400);
    assert.equal((await api('GET', '/policies/nergens.nl')).status, 404);

    const [audit] = (await server.server.services.audit.list({ action: 'policy.change', limit: 10 })).slice(-1);
    assert.equal(audit!.actor, 'admin-api:beleid');
    assert.deepEqual((audit!.detail as { changed: Record<string, { to: unknown }> }).changed.installType!.to, 'viewer-06-verplicht');
  });

  it('lists a mailbox\'s Viewer messages with their status and revokes one; another mailbox\'s id is not found', async () => {
    await api('PATCH', '/policies/praktijk-api.nl', { json: { installType: 'viewer' } });
    const transport = smtpTransport(server, { user: doctor.klantnummer, pass: doctor.key });
    await transport.sendMail({ from: doctor.address, to: 'patient@gmail.com', subject: '[veilig] Uitslag MRI', text: 'x' });
    transport.close();
    const list = await api<{ messages: StatusReply[] }>('GET', '/mailboxes/arts@praktijk-api.nl/secure-messages');
    assert.equal(list.status, 200);
    const [message] = list.json.messages;
    assert.deepEqual([message!.recipient, message!.subject, message!.state], ['patient@gmail.com', 'Uitslag MRI', 'active']);
    assert.ok(message!.notifiedAt);

    assert.equal((await api('GET', `/mailboxes/arts@andere-api.nl/secure-messages/${message!.id}`)).status, 404);
    assert.equal((await api('POST', `/mailboxes/arts@andere-api.nl/secure-messages/${message!.id}/revoke`)).status, 404);
    const revoked = await api<StatusReply>('POST', `/mailboxes/arts@praktijk-api.nl/secure-messages/${message!.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.json.state, 'revoked');
    assert.equal((await api('POST', `/mailboxes/arts@praktijk-api.nl/secure-messages/${message!.id}/revoke`)).status, 409);
    const [audit] = await server.server.services.audit.list({ action: 'secure.viewer.revoke', limit: 1 });
    assert.equal(audit!.actor, 'admin-api:beleid');
  });
});
