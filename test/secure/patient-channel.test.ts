// The patient channel (SPEC R31): a person proves an e-mail address or mobile number by code, writes
// to the practice with an attachment, the message lands in the practice mailbox, and the practice's
// answer goes back through the Viewer without a trigger.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { smtpTransport, connectImap, fetchSources } from '../helpers/clients.ts';
import { accessCodeIn, readMailOutbox, readSms } from '../helpers/outbox.ts';
import type { PatientChannelService } from '../../src/secure/patient-channel.ts';

let server: TestServer;
let practice: TestAccount;
let channel: PatientChannelService;
let address = 1;
const context = () => ({ remoteAddress: `198.51.100.${address++}` });

before(async () => {
  server = await startTestServer();
  practice = await server.addMailbox('assistente@huisarts-patient.nl', 'Assistente');
  await server.addMailbox('arts@zonder-pagina.nl', 'Arts');
  const { policies } = server.server.services;
  const org = await policies.organisation('huisarts-patient.nl');
  await policies.update(org.id, { patientChannel: { enabled: true, mailbox: practice.address } }, { actor: 'test' });
  channel = server.server.services.patientChannel;
});
after(() => server?.close());

async function lastCode(to: string): Promise<string> {
  const mail = (await readMailOutbox(server)).filter((m) => m.kind === 'patient-code' && m.recipients.includes(to)).at(-1)!;
  return accessCodeIn((await simpleParser(mail.raw)).text ?? '');
}

test('only organisations that switched the page on have one', async () => {
  assert.deepEqual(await channel.info('huisarts-patient.nl'), { organisation: 'Praktijk huisarts-patient.nl', domain: 'huisarts-patient.nl', language: 'nl' });
  assert.equal(await channel.info('zonder-pagina.nl'), null);
  assert.equal(await channel.info('bestaat-niet.nl'), null);
  assert.equal(await channel.info('../etc'), null);
  await assert.rejects(channel.requestCode('zonder-pagina.nl', { email: 'p@gmail.com' }, context()), /no patient page/);
});

test('e-mail verified by code → message with attachment in the practice INBOX → the answer goes via the Viewer', async () => {
  const ctx = context();
  await assert.rejects(channel.requestCode('huisarts-patient.nl', { email: 'geen adres' }, ctx), /valid e-mail address/);
  const requested = await channel.requestCode('huisarts-patient.nl', { email: 'Patient@Gmail.com' }, ctx);
  assert.ok(requested.ok);
  assert.equal(requested.maskedDestination, 'p****@gmail.com');
  const code = await lastCode('patient@gmail.com');
  await assert.rejects(channel.send('huisarts-patient.nl', requested.token, { name: 'P', subject: 'x', text: 'x', attachments: [] }, ctx), /Verify your e-mail/);
  assert.deepEqual(await channel.verify('huisarts-patient.nl', requested.token, code === '000000' ? '111111' : '000000', ctx), { ok: false, reason: 'wrong-code', attemptsLeft: 4 });
  assert.equal((await channel.verify('zonder-pagina.nl', requested.token, code, ctx)).ok, false, 'a token is for its own organisation');
  assert.ok((await channel.verify('huisarts-patient.nl', requested.token, code, ctx)).ok);
  assert.equal((await channel.verify('huisarts-patient.nl', requested.token, code, ctx)).ok, false, 'single use');

  const photo = Buffer.from('\x89PNG fake image bytes', 'latin1');
  await channel.send('huisarts-patient.nl', requested.token, { name: 'Piet Patiënt', subject: 'Vraag over recept', text: 'Mag ik een herhaalrecept?', attachments: [{ filename: 'foto.png', contentType: 'image/png', content: photo }] }, ctx);
  const imap = await connectImap(server, { user: practice.klantnummer, pass: practice.key });
  try {
    const [message] = await fetchSources(imap);
    const parsed = await simpleParser(message!.source);
    assert.equal(parsed.subject, 'Vraag over recept');
    assert.equal(parsed.from?.value[0]?.address, 'patient@gmail.com');
    assert.equal(parsed.headers.get('x-zorgpost-patient-channel'), 'verified e-mail patient@gmail.com');
    assert.deepEqual(parsed.attachments[0]?.content, photo);
  } finally {
    await imap.logout();
  }

  // The practice answers from its ordinary mail client, without a trigger: it goes via the Viewer.
  const transport = smtpTransport(server, { user: practice.klantnummer, pass: practice.key });
  try {
    const info = await transport.sendMail({ from: practice.address, to: 'patient@gmail.com', subject: 'Re: Vraag over recept', text: 'Het recept staat klaar.' });
    assert.match(info.response, /1 via the secure Viewer/);
  } finally {
    transport.close();
  }
  const [created] = (await server.server.services.audit.list({ action: 'message.submit', limit: 100 })).slice(-1);
  assert.match(JSON.stringify(created!.detail), /verified through the patient page/);
});

test('a mobile number gets an SMS code, and the practice\'s answer uses it for the Viewer code', async () => {
  const ctx = context();
  await assert.rejects(channel.requestCode('huisarts-patient.nl', { email: 'm@gmail.com', mobile: '020 123 4567' }, ctx), /mobile/i);
  const requested = await channel.requestCode('huisarts-patient.nl', { email: 'm@gmail.com', mobile: '06 1234 5678' }, ctx);
  assert.ok(requested.ok && requested.channel === 'sms' && requested.maskedDestination === '06-****5678');
  const [sms] = await readSms(server.dataDir);
  assert.ok((await channel.verify('huisarts-patient.nl', requested.token, accessCodeIn(sms!.text), ctx)).ok);
  await channel.send('huisarts-patient.nl', requested.token, { name: '', subject: '', text: 'Hallo', attachments: [] }, ctx);
  const transport = smtpTransport(server, { user: practice.klantnummer, pass: practice.key });
  try {
    await transport.sendMail({ from: practice.address, to: 'm@gmail.com', subject: 'Antwoord', text: 'x' });
  } finally {
    transport.close();
  }
  const [created] = (await server.server.services.audit.list({ action: 'secure.viewer.create', limit: 100 })).slice(-1);
  assert.equal((created!.detail as { channel: string }).channel, 'sms');
});

test('five wrong codes end a verification; code requests are limited per source address', async () => {
  const ctx = context();
  const requested = await channel.requestCode('huisarts-patient.nl', { email: 'raad@gmail.com' }, ctx);
  assert.ok(requested.ok);
  const code = await lastCode('raad@gmail.com');
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 4; i++) assert.equal((await channel.verify('huisarts-patient.nl', requested.token, wrong, ctx)).ok, false);
  assert.deepEqual(await channel.verify('huisarts-patient.nl', requested.token, wrong, ctx), { ok: false, reason: 'locked', attemptsLeft: 0 });
  assert.deepEqual(await channel.verify('huisarts-patient.nl', requested.token, code, ctx), { ok: false, reason: 'locked', attemptsLeft: 0 });
  for (let i = 1; i < 10; i++) await channel.requestCode('huisarts-patient.nl', { email: `r${i}@gmail.com` }, ctx);
  assert.deepEqual(await channel.requestCode('huisarts-patient.nl', { email: 'r10@gmail.com' }, ctx), { ok: false, reason: 'rate-limit' });
});
