// The Viewer's server side (SPEC R15, R22, R24): access codes by e-mail and SMS, single use and
// 15 minutes valid, wrong codes → lockout, the resend limit, reading, downloads, the secure reply
// into the sender's INBOX, revoke and expiry deleting the content, and nobody else getting in.
import { test, before, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { smtpTransport, connectImap, fetchSources } from '../helpers/clients.ts';
import { accessCodeIn, readMailOutbox, readSms, viewerLinkIn } from '../helpers/outbox.ts';
import { listBlobFiles } from '../helpers/blobs.ts';
import type { ViewerAccessService } from '../../src/secure/viewer-access.ts';

let server: TestServer;
let doctor: TestAccount;
let other: TestAccount;
let access: ViewerAccessService;
const context = { remoteAddress: '192.0.2.10' };
const attachment = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));

before(async () => {
  server = await startTestServer();
  doctor = await server.addMailbox('huisarts@praktijk-viewer.nl', 'Dr. Jansen');
  other = await server.addMailbox('arts@andere-praktijk.nl', 'Dr. Anders');
  access = server.server.services.viewerAccess;
});
after(() => server?.close());

/** Sends `[veilig…]` to `to` and returns the link of the notification that went out. */
async function sendSecure(to: string, subject = '[veilig] Uitslag', from = doctor): Promise<string> {
  const before = (await readMailOutbox(server)).length;
  const transport = smtpTransport(server, { user: from.klantnummer, pass: from.key });
  try {
    await transport.sendMail({
      from: from.address,
      to,
      subject,
      messageId: `<${Math.random().toString(36).slice(2)}@praktijk-viewer.nl>`,
      text: 'Beste mevrouw, de uitslag is goed.',
      attachments: [{ filename: 'uitslag "lab".bin', content: attachment, contentType: 'application/octet-stream' }],
    });
  } finally {
    transport.close();
  }
  const notification = (await readMailOutbox(server)).slice(before).find((m) => m.kind === 'viewer-notification');
  return viewerLinkIn(notification!.raw).link;
}

async function lastCodeMail(to: string): Promise<string> {
  const mails = (await readMailOutbox(server)).filter((m) => m.kind === 'viewer-code' && m.recipients.includes(to));
  const parsed = await simpleParser(mails.at(-1)!.raw);
  return accessCodeIn(parsed.text ?? '');
}

test('e-mail code: request, wrong code shows attempts left, right code opens exactly this message, once', async () => {
  const link = await sendSecure('patient@gmail.com');
  const landing = await access.describe(link);
  assert.equal(landing?.state, 'active');
  assert.equal(landing?.channel, 'email');
  assert.equal(landing?.maskedDestination, 'p****@gmail.com');
  assert.equal(landing?.senderName, 'Dr. Jansen');

  const requested = await access.requestCode(link, context);
  assert.ok(requested.ok);
  const code = await lastCodeMail('patient@gmail.com');
  const wrong = await access.checkCode(link, code === '000000' ? '111111' : '000000', context);
  assert.deepEqual(wrong, { ok: false, reason: 'wrong-code', attemptsLeft: 4 });
  const right = await access.checkCode(link, code, context);
  assert.ok(right.ok);
  const session = await access.session(link, right.sessionToken);
  assert.ok(session);
  assert.deepEqual(await access.checkCode(link, code, context), { ok: false, reason: 'no-code', attemptsLeft: 5 }, 'single use');

  const view = await access.read(session, context);
  assert.equal(view.subject, 'Uitslag');
  assert.match(view.text, /de uitslag is goed/);
  assert.deepEqual(view.attachments.map((a) => [a.filename, a.size]), [['uitslag "lab".bin', attachment.length]]);
  assert.deepEqual((await access.attachment(session, 0, context)).content, attachment);
  await assert.rejects(access.attachment(session, 1, context), /No such attachment/);
  const eml = await access.ownCopy(session, 'eml', context);
  assert.match(eml.content.toString(), /Subject: Uitslag\r\n/);
  const pdf = await access.ownCopy(session, 'pdf', context);
  assert.equal(pdf.content.subarray(0, 5).toString(), '%PDF-');

  // A session is for its own message only.
  const otherLink = await sendSecure('patient@gmail.com');
  assert.equal(await access.session(otherLink, right.sessionToken), null);
  const actions = (await server.server.services.audit.list({ mailboxId: doctor.mailboxId, limit: 1000 })).map((r) => r.action);
  for (const action of ['secure.viewer.create', 'secure.viewer.notify', 'secure.viewer.code.request', 'secure.viewer.code.send', 'secure.viewer.code.wrong', 'secure.viewer.code.accepted', 'secure.viewer.open', 'secure.viewer.download']) {
    assert.ok(actions.includes(action), action);
  }
});

test('SMS code: the number is masked, the code goes to the SMS outbox', async () => {
  const link = await sendSecure('patient@gmail.com', '[veilig 06 1234 5678] Uitslag');
  assert.equal((await access.describe(link))?.maskedDestination, '06-****5678');
  const result = await access.requestCode(link, context);
  assert.ok(result.ok && result.channel === 'sms');
  const [sms] = await readSms(server.dataDir);
  assert.equal(sms!.to, '+31612345678');
  assert.doesNotMatch(sms!.text, /Uitslag/);
  const checked = await access.checkCode(link, accessCodeIn(sms!.text), context);
  assert.ok(checked.ok);
  // The gateway's delivery report shows up in the sender's status.
  await server.server.services.viewerMessages.recordSmsReport({ reference: sms!.reference, status: 'delivered', at: new Date(), detail: null });
  const [status] = await server.server.services.viewerMessages.list((await server.server.services.identity.requireMailbox(doctor.address)));
  assert.ok(status!.codeDeliveredAt);
  assert.ok(status!.openedAt === null, 'not opened before reading');
});

test('five wrong codes lock the message; a locked message refuses even the right code', async () => {
  const link = await sendSecure('lock@gmail.com');
  await access.requestCode(link, context);
  const code = await lastCodeMail('lock@gmail.com');
  const wrongCode = code === '000000' ? '111111' : '000000';
  for (let i = 1; i <= 4; i++) assert.equal((await access.checkCode(link, wrongCode, context) as { attemptsLeft: number }).attemptsLeft, 5 - i);
  const locked = await access.checkCode(link, wrongCode, context);
  assert.equal(locked.ok, false);
  assert.equal((locked as { reason: string }).reason, 'locked');
  assert.equal((await access.checkCode(link, code, context) as { reason: string }).reason, 'locked');
  assert.equal((await access.describe(link))?.state, 'locked');
  assert.equal((await access.requestCode(link, context) as { reason: string }).reason, 'locked');
  const [lockout] = await server.server.services.audit.list({ action: 'secure.viewer.lockout', limit: 1 });
  assert.equal(lockout!.actor, 'lock@gmail.com');
});

test('an expired code is refused; the resend limit stops code requests', async () => {
  const link = await sendSecure('resend@gmail.com');
  for (let i = 0; i < 5; i++) assert.ok((await access.requestCode(link, context)).ok, `request ${i + 1}`);
  const limited = await access.requestCode(link, context);
  assert.equal(limited.ok, false);
  assert.equal((limited as { reason: string }).reason, 'resend-limit');
  const code = await lastCodeMail('resend@gmail.com');
  // 16 minutes later the code no longer works.
  mock.timers.enable({ apis: ['Date'], now: Date.now() + 16 * 60 * 1000 });
  try {
    assert.equal((await access.checkCode(link, code, context) as { reason: string }).reason, 'code-expired');
  } finally {
    mock.timers.reset();
  }
  assert.ok((await access.checkCode(link, code, context)).ok, 'still valid within its 15 minutes');
});

test('the secure reply lands in the sender\'s INBOX, threaded, with its attachment', async () => {
  const link = await sendSecure('reply@gmail.com', '[veilig] Vraag over medicatie');
  await access.requestCode(link, context);
  const checked = await access.checkCode(link, await lastCodeMail('reply@gmail.com'), context);
  assert.ok(checked.ok);
  const session = (await access.session(link, checked.sessionToken))!;
  const scan = Buffer.from('%PDF-1.4 fake scan bytes');
  await access.reply(session, { text: 'Dank u, ik neem de tabletten.', attachments: [{ filename: 'scan.pdf', contentType: 'application/pdf', content: scan }] }, context);
  await assert.rejects(access.reply(session, { text: '  ', attachments: [] }, context), /empty/);
  const imap = await connectImap(server, { user: doctor.klantnummer, pass: doctor.key });
  try {
    const messages = await fetchSources(imap);
    const parsed = await simpleParser(messages.at(-1)!.source);
    assert.equal(parsed.subject, 'Re: Vraag over medicatie');
    assert.equal(parsed.from?.value[0]?.address, 'reply@gmail.com');
    assert.match(parsed.inReplyTo ?? '', /@praktijk-viewer\.nl>/);
    assert.match(parsed.text ?? '', /ik neem de tabletten/);
    assert.deepEqual(parsed.attachments[0]?.content, scan);
  } finally {
    await imap.logout();
  }
  assert.equal((await access.read(session, context)).replies.length, 1);
});

test('revoke: the recipient sees "withdrawn", the session ends and the content is deleted; other senders cannot touch it', async () => {
  const link = await sendSecure('revoke@gmail.com');
  await access.requestCode(link, context);
  const checked = await access.checkCode(link, await lastCodeMail('revoke@gmail.com'), context);
  assert.ok(checked.ok);
  const { viewerMessages, identity } = server.server.services;
  const sender = await identity.requireMailbox(doctor.address);
  const [status] = await viewerMessages.list(sender, { limit: 1 });
  const otherSender = await identity.requireMailbox(other.address);
  await assert.rejects(viewerMessages.status(otherSender, status!.id), /No secure message/);
  await assert.rejects(viewerMessages.revoke(otherSender, status!.id), /No secure message/);
  const blobsBefore = (await listBlobFiles(server.dataDir)).length;
  const revoked = await viewerMessages.revoke(sender, status!.id);
  assert.equal(revoked.state, 'revoked');
  assert.equal((await listBlobFiles(server.dataDir)).length, blobsBefore - 1, 'content blob deleted');
  assert.equal((await access.describe(link))?.state, 'withdrawn');
  assert.equal(await access.session(link, checked.sessionToken), null);
  assert.deepEqual(await access.requestCode(link, context), { ok: false, reason: 'withdrawn' });
});

test('expiry deletes the content after the retention period', async () => {
  const link = await sendSecure('expire@gmail.com');
  const { viewerMessages } = server.server.services;
  const count = await viewerMessages.expireDue(new Date(Date.now() + 91 * 24 * 3600 * 1000));
  assert.ok(count >= 1);
  assert.equal((await access.describe(link))?.state, 'expired');
  const [audit] = await server.server.services.audit.list({ action: 'secure.viewer.expire', limit: 1 });
  assert.ok(audit);
});

test('guessing links finds nothing, and malformed links are not even looked up', async () => {
  const { randomBytes } = await import('node:crypto');
  for (let i = 0; i < 200; i++) assert.equal(await access.describe(randomBytes(16).toString('base64url')), null);
  for (const bad of ['', 'x', '../../etc/passwd', 'A'.repeat(23), "'; drop table viewer_messages; --"]) assert.equal(await access.describe(bad), null);
  await assert.rejects(access.requestCode('A'.repeat(22), context), /Unknown link/);
});
