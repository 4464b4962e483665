// Secure sending through SMTP submission (SPEC R13, R14, R16, R17): for each install type, what an
// external recipient gets — a Viewer message (code by SMS or e-mail), ordinary mail, or a clear 550
// that says what to do — with a real client (nodemailer), and what lands where.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { smtpTransport, connectImap, fetchSources } from '../helpers/clients.ts';
import { readMailOutbox, viewerLinkIn } from '../helpers/outbox.ts';
import type { PolicyPatch } from '../../src/policy/organisation-policy.ts';

let server: TestServer;
let colleague: TestAccount;
const senders: Record<string, TestAccount> = {};

before(async () => {
  server = await startTestServer();
  colleague = await server.addMailbox('collega@ziekenhuis-secure.nl', 'Collega');
  for (const domain of ['verplicht', 'controle', 'viewer', 'standaard', 'override', 'disabled']) {
    senders[domain] = await server.addMailbox(`dokter@${domain}.praktijk.nl`, `Dokter ${domain}`);
  }
  const { policies } = server.server.services;
  const set = async (domain: string, patch: PolicyPatch) => {
    const org = await policies.organisation(`${domain}.praktijk.nl`);
    await policies.update(org.id, patch, { actor: 'test' });
  };
  await set('verplicht', { installType: 'viewer-06-verplicht' });
  await set('controle', { installType: 'viewer-06-controle' });
  await set('viewer', { installType: 'viewer' });
  await set('standaard', { installType: 'standaard' });
  await set('override', { installType: 'viewer', automaticallyOverrideSend: true });
  await set('disabled', { installType: 'viewer-06-controle', disableSecurityByDefault: true });
});
after(() => server?.close());

async function send(from: TestAccount, to: string | string[], subject: string, extra: { headers?: Record<string, string> } = {}) {
  const transport = smtpTransport(server, { user: from.klantnummer, pass: from.key });
  try {
    return await transport.sendMail({ from: from.address, to, subject, text: 'Uitslag: HbA1c 48 mmol/mol. Vertrouwelijk.', headers: extra.headers });
  } finally {
    transport.close();
  }
}

async function refused(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => assert.fail('the message was accepted'),
    (e: { responseCode?: number; response?: string }) => e,
  );
  assert.equal(error.responseCode, 550, String(error.response));
  return String(error.response);
}

async function newOutbox(since: number) {
  return (await readMailOutbox(server)).slice(since);
}

async function viewerAudit(): Promise<Array<{ recipient: string; channel: string; via: string }>> {
  const records = await server.server.services.audit.list({ action: 'secure.viewer.create', limit: 1000 });
  return records.map((r) => r.detail as { recipient: string; channel: string; via: string });
}

test('06-controle: [veilig] sends a Viewer message with an e-mail code, [veilig 06…] with an SMS code; the notification has no medical content', async () => {
  const start = (await readMailOutbox(server)).length;
  const info = await send(senders.controle!, 'patient@gmail.com', '[veilig] Uitslag bloedonderzoek');
  assert.match(info.response, /^250 .*1 via the secure Viewer/);
  const mails = await newOutbox(start);
  assert.equal(mails.length, 1);
  const notification = mails[0]!;
  assert.equal(notification.kind, 'viewer-notification');
  assert.deepEqual(notification.recipients, ['patient@gmail.com']);
  const parsed = await simpleParser(notification.raw);
  assert.equal(parsed.from?.value[0]?.address, 'no-reply@controle.praktijk.nl');
  assert.doesNotMatch(notification.raw.toString(), /bloedonderzoek|HbA1c|Uitslag/i, 'no medical content in the notification');
  assert.equal((parsed.text?.match(/https:\/\//g) ?? []).length, 1, 'exactly one link');
  viewerLinkIn(notification.raw);
  assert.deepEqual((await viewerAudit()).at(-1), { ...(await viewerAudit()).at(-1), recipient: 'patient@gmail.com', channel: 'email', via: 'trigger' });

  await send(senders.controle!, 'patient2@gmail.com', 'Uitslag [VEILIG 06-12345678]');
  assert.equal((await viewerAudit()).at(-1)!.channel, 'sms');
});

test('06-controle: external mail without a trigger is refused with the trigger syntax, and nothing goes anywhere', async () => {
  const start = (await readMailOutbox(server)).length;
  const text = await refused(send(senders.controle!, ['patient@gmail.com', colleague.address], 'Uitslag'));
  assert.match(text, /outside the healthcare community/);
  assert.match(text, /\[veilig\] or \[secure\]/);
  assert.equal((await newOutbox(start)).length, 0);
  const imap = await connectImap(server, { user: colleague.klantnummer, pass: colleague.key });
  try {
    assert.equal((await fetchSources(imap)).length, 0, 'the community recipient got nothing either');
  } finally {
    await imap.logout();
  }
});

test('06-verplicht: a Dutch mobile number is required for every Viewer recipient', async () => {
  assert.match(await refused(send(senders.verplicht!, 'patient@gmail.com', '[veilig] Uitslag')), /Dutch mobile number.*\[veilig 06xxxxxxxx\]/);
  assert.match(await refused(send(senders.verplicht!, 'patient@gmail.com', '[veilig +4915123456789] Uitslag')), /Dutch mobile number \(06…\)/);
  assert.match(await refused(send(senders.verplicht!, 'patient@gmail.com', '[veilig 0201234567] Uitslag')), /mobile/i);
  assert.match(await refused(send(senders.verplicht!, 'patient@gmail.com', 'Uitslag')), /outside the healthcare community/);
  const info = await send(senders.verplicht!, 'patient@gmail.com', '[veilig +31 6 12345678] Uitslag');
  assert.match(info.response, /^250 /);
  assert.equal((await viewerAudit()).at(-1)!.channel, 'sms');
});

test('viewer: e-mail code by default, SMS (also a foreign mobile) when the trigger has a number', async () => {
  await send(senders.viewer!, 'patient@gmail.com', '[secure] Letter');
  assert.equal((await viewerAudit()).at(-1)!.channel, 'email');
  await send(senders.viewer!, 'patient@gmail.com', '[secure +4915123456789] Letter');
  assert.equal((await viewerAudit()).at(-1)!.channel, 'sms');
});

test('standaard: no Viewer; external mail goes out as ordinary e-mail and is audit-logged', async () => {
  assert.match(await refused(send(senders.standaard!, 'patient@gmail.com', '[veilig] Uitslag')), /install type \(standaard\) does not include secure sending/);
  const start = (await readMailOutbox(server)).length;
  const info = await send(senders.standaard!, 'patient@gmail.com', 'Afspraak');
  assert.match(info.response, /1 as ordinary e-mail/);
  const [mail] = await newOutbox(start);
  assert.equal(mail!.kind, 'ordinary');
  assert.match(mail!.raw.toString(), /^Return-Path: <dokter@standaard\.praktijk\.nl>\r\nReceived: /);
  assert.match(mail!.raw.toString(), /Subject: Afspraak/);
  const [audit] = await server.server.services.audit.list({ action: 'secure.unsafe-send', limit: 1 });
  assert.deepEqual((audit!.detail as { recipients: string[] }).recipients, ['patient@gmail.com']);
});

test('AutomaticallyOverrideSend: external mail without a trigger goes through the Viewer', async () => {
  const info = await send(senders.override!, 'patient@gmail.com', 'Uitslag');
  assert.match(info.response, /1 via the secure Viewer/);
  assert.equal((await viewerAudit()).at(-1)!.via, 'policy');
});

test('DisableSecurityByDefault: external mail without a trigger goes as ordinary mail, and that use is audit-logged', async () => {
  const info = await send(senders.disabled!, 'patient@gmail.com', 'Uitslag');
  assert.match(info.response, /1 as ordinary e-mail/);
  const records = await server.server.services.audit.list({ action: 'secure.unsafe-send.security-by-default-disabled', limit: 10 });
  assert.equal(records.length, 1);
});

test('a mixed message: community recipients get it in their INBOX with the trigger removed, the external one via the Viewer', async () => {
  const info = await send(senders.controle!, [colleague.address, 'patient@gmail.com'], '[veilig] Verwijzing cardiologie');
  assert.match(info.response, /^250 .*1 via the secure Viewer/);
  const imap = await connectImap(server, { user: colleague.klantnummer, pass: colleague.key });
  try {
    const [message] = await fetchSources(imap);
    const parsed = await simpleParser(message!.source);
    assert.equal(parsed.subject, 'Verwijzing cardiologie');
    assert.match(parsed.text ?? '', /HbA1c/);
  } finally {
    await imap.logout();
  }
});

test('a domain-book partner is community: it goes out as mail to the partner, not through the Viewer', async () => {
  const { domainBooks, policies } = server.server.services;
  await domainBooks.addDomains('ZorgMail', ['partner-ziekenhuis.nl'], { actor: 'test' });
  const org = await policies.organisation('controle.praktijk.nl');
  await domainBooks.assign(org.domain, 'ZorgMail', { actor: 'test' });
  const start = (await readMailOutbox(server)).length;
  await send(senders.controle!, 'arts@partner-ziekenhuis.nl', 'Overdracht');
  const [mail] = await newOutbox(start);
  assert.equal(mail!.kind, 'community-partner');
  assert.deepEqual(mail!.recipients, ['arts@partner-ziekenhuis.nl']);
});

test('the request headers (webmail, add-in) ask for secure sending and give numbers; they never leave the server', async () => {
  const start = (await readMailOutbox(server)).length;
  await send(senders.verplicht!, ['a@gmail.com', 'b@gmail.com'], 'Uitslag', {
    headers: { 'X-Zorgpost-Secure': 'viewer', 'X-Zorgpost-Mobile': 'a@gmail.com 0612345678' },
  }).then(
    () => assert.fail('b@gmail.com has no number under 06-verplicht'),
    (e: { response?: string }) => assert.match(String(e.response), /<b@gmail\.com>: .*Dutch mobile number/),
  );
  const transport = smtpTransport(server, { user: senders.verplicht!.klantnummer, pass: senders.verplicht!.key });
  try {
    await transport.sendMail({
      from: senders.verplicht!.address,
      to: ['a@gmail.com', 'b@gmail.com'],
      subject: 'Uitslag',
      text: 'x',
      headers: [
        { key: 'X-Zorgpost-Secure', value: 'viewer' },
        { key: 'X-Zorgpost-Mobile', value: 'a@gmail.com 0612345678' },
        { key: 'X-Zorgpost-Mobile', value: '<b@gmail.com> +31 6 87654321' },
      ],
    });
  } finally {
    transport.close();
  }
  const created = (await viewerAudit()).slice(-2);
  assert.deepEqual(created.map((c) => [c.recipient, c.channel, c.via]), [['a@gmail.com', 'sms', 'header'], ['b@gmail.com', 'sms', 'header']]);
  for (const mail of await newOutbox(start)) assert.doesNotMatch(mail.raw.toString(), /X-Zorgpost|0612345678|87654321/i);
});

test('a trigger number with several external recipients is refused: one number cannot belong to all', async () => {
  assert.match(await refused(send(senders.controle!, ['a@gmail.com', 'b@gmail.com'], '[veilig 0612345678] x')), /one mobile number.*separately/);
});
