// Secure sending end to end, as a practice and a patient live it (SPEC R13–R16, R24, R25): a doctor's
// mail client (nodemailer) submits with a trigger, the notification lands in the development outbox,
// headless Chromium follows its link, asks for the code, reads it from the SMS or mail outbox, reads
// the message, downloads the attachment and the own copies, and replies with a file, which arrives in
// the doctor's INBOX over IMAP (imapflow). Once per install type, with the refusals; then lockout,
// expired codes, withdrawal, another organisation's messages and guessed links.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it, mock } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { LoopbackBrowser, downloadBytes } from '../helpers/browser.ts';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { connectImap, fetchSources, smtpTransport } from '../helpers/clients.ts';
import { accessCodeIn, readMailOutbox, readSms, viewerLinkIn, type OutboxMail } from '../helpers/outbox.ts';
import { call, type RequestOptions } from '../helpers/https-api.ts';
import { listCorpus, prepareForSubmission, readCorpusMessage } from '../helpers/corpus.ts';
import type { PolicyPatch } from '../../src/policy/organisation-policy.ts';

const CSRF = { 'x-zorgpost-viewer': '1' };
const LETTER = 'Beste mevrouw Jansen,\n\nUw HbA1c is 48 mmol/mol. Wij bespreken dit bij het volgende consult.\n\nMet vriendelijke groet,\nDr. De Vries';

let server: TestServer;
let browser: LoopbackBrowser;
let agent: Agent;
const doctors: Record<string, TestAccount> = {};

before(async () => {
  server = await startTestServer();
  agent = new Agent({ ca: server.ca, keepAlive: true });
  const { policies } = server.server.services;
  const policy: Record<string, PolicyPatch> = {
    verplicht: { installType: 'viewer-06-verplicht' },
    controle: { installType: 'viewer-06-controle' },
    viewer: { installType: 'viewer' },
    standaard: { installType: 'standaard' },
    andere: { installType: 'viewer' },
  };
  for (const [name, patch] of Object.entries(policy)) {
    doctors[name] = await server.addMailbox(`dokter@${name}.huisarts-e2e.nl`, `Dr. De Vries (${name})`);
    await policies.update((await policies.organisation(`${name}.huisarts-e2e.nl`)).id, patch, { actor: 'test' });
  }
  browser = await LoopbackBrowser.launch();
});

after(async () => {
  await browser?.closePages();
  agent?.destroy();
  await server?.close();
  await browser?.close('the Viewer');
});

// ── the doctor's side ───────────────────────────────────────────────────────────────────────────

interface Sent {
  response: string;
  outbox: OutboxMail[];
}

async function send(doctor: TestAccount, to: string, subject: string, attachments: Array<{ filename: string; content: Buffer }> = []): Promise<Sent> {
  const before = (await readMailOutbox(server)).length;
  const transport = smtpTransport(server, { user: doctor.klantnummer, pass: doctor.key });
  try {
    const info = await transport.sendMail({ from: { name: 'Dr. De Vries', address: doctor.address }, to, subject, text: LETTER, attachments });
    return { response: info.response, outbox: (await readMailOutbox(server)).slice(before) };
  } finally {
    transport.close();
  }
}

async function refusal(doctor: TestAccount, to: string, subject: string): Promise<string> {
  const before = (await readMailOutbox(server)).length;
  const error = await send(doctor, to, subject).then(
    () => assert.fail('the message was accepted'),
    (e: { responseCode?: number; response?: string }) => e,
  );
  assert.equal(error.responseCode, 550, String(error.response));
  assert.equal((await readMailOutbox(server)).length, before, 'nothing left the server');
  return String(error.response);
}

/** The one notification in `sent`: no medical content, one link, from the organisation's domain. */
function notificationOf(sent: Sent, doctor: TestAccount, recipient: string): Promise<{ url: string; link: string }> {
  const notifications = sent.outbox.filter((m) => m.kind === 'viewer-notification');
  assert.equal(notifications.length, 1);
  const [notification] = notifications;
  return (async () => {
    assert.deepEqual(notification!.recipients, [recipient]);
    assert.equal(notification!.mailFrom, `no-reply@${doctor.address.split('@')[1]}`);
    const parsed = await simpleParser(notification!.raw);
    const everything = `${parsed.subject}\n${parsed.text}\n${parsed.html || ''}`;
    for (const secret of ['HbA1c', 'mmol', 'Jansen', 'bloedonderzoek', 'uitslag.pdf']) {
      assert.doesNotMatch(everything, new RegExp(secret, 'i'), `the notification shows "${secret}"`);
    }
    assert.equal(parsed.attachments.length, 0);
    const links = new Set(everything.match(/https:\/\/[^\s"<>]+/g));
    assert.equal(links.size, 1, `one link only: ${[...links].join(', ')}`);
    const { url, link } = viewerLinkIn(notification!.raw);
    // The server is reached on 127.0.0.1 (its certificate names localhost; the browser ignores that).
    return { url: url.replace('//localhost:', '//127.0.0.1:'), link };
  })();
}

async function lastCode(recipient: string, channel: 'sms' | 'email', mobile?: string): Promise<string> {
  if (channel === 'sms') {
    const sms = (await readSms(server.dataDir)).filter((m) => m.to === mobile);
    assert.ok(sms.length > 0, `an SMS to ${mobile}`);
    return accessCodeIn(sms[0]!.text);
  }
  const mails = (await readMailOutbox(server)).filter((m) => m.kind === 'viewer-code' && m.recipients.includes(recipient));
  assert.ok(mails.length > 0, `a code e-mail to ${recipient}`);
  return accessCodeIn((await simpleParser(mails.at(-1)!.raw)).text ?? '');
}

// ── the recipient's side ────────────────────────────────────────────────────────────────────────

const newPage = () => browser.newPage({ acceptDownloads: true });
const heading = (page: Page, text: string | RegExp) => page.getByRole('heading', { level: 1 }).filter({ hasText: text }).waitFor();

/** Landing → code (from the outbox) → the message; returns the page showing it. */
async function openInBrowser(url: string, recipient: string, channel: 'sms' | 'email', mobile?: string): Promise<Page> {
  const page = await newPage();
  await page.goto(url);
  await heading(page, 'U heeft een beveiligd bericht ontvangen');
  const landing = await page.locator('main').innerText();
  assert.match(landing, channel === 'sms' ? /per sms naar 06-\*{4}\d{4}|per sms naar \+/ : /per e-mail naar \w\*+@/);
  assert.doesNotMatch(landing, /HbA1c|Uitslag/);
  await page.getByRole('button', { name: 'Code aanvragen' }).click();
  await heading(page, 'Toegangscode invoeren');
  await page.getByLabel('Toegangscode').fill(await lastCode(recipient, channel, mobile));
  await page.getByRole('button', { name: 'Bericht openen' }).click();
  return page;
}

async function pdfText(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zorgpost-pdf-'));
  try {
    await writeFile(join(dir, 'copy.pdf'), bytes);
    const { stdout } = await promisify(execFile)('pdftotext', [join(dir, 'copy.pdf'), '-'], { timeout: 30_000 });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Viewer API as a script would use it (for what a browser cannot be made to do). */
function viewerApi(link: string, method: string, path: string, options: RequestOptions = {}) {
  return call<{ error?: string; state?: string; attemptsLeft?: number }>(server, agent, method, path, options, `/api/viewer/${link}`);
}

async function sessionCookie(link: string, recipient: string): Promise<string> {
  assert.equal((await viewerApi(link, 'POST', '/code', { headers: CSRF })).status, 200);
  const opened = await viewerApi(link, 'POST', '/session', { headers: CSRF, json: { code: await lastCode(recipient, 'email') } });
  assert.equal(opened.status, 200, opened.text);
  const cookie = String(opened.headers['set-cookie']?.[0] ?? '');
  return cookie.split(';')[0]!;
}

// ── the story, per install type ─────────────────────────────────────────────────────────────────

describe('secure sending to a patient, per install type', { timeout: 300_000 }, () => {
  it('viewer-06-verplicht: without a mobile number refused; with one, read by SMS code, attachment, own copies, reply in the INBOX', async () => {
    const doctor = doctors.verplicht!;
    const patient = 'm.jansen@gmail.com';
    const refused = await refusal(doctor, patient, '[veilig] Uitslag bloedonderzoek');
    assert.match(refused, /mobile|mobiel/i);

    const labReport = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(100 * 1024)]);
    const sent = await send(doctor, patient, '[veilig 06 1234 5678] Uitslag bloedonderzoek', [{ filename: 'uitslag.pdf', content: labReport }]);
    assert.match(sent.response, /1 via the secure Viewer/);
    const { url, link } = await notificationOf(sent, doctor, patient);

    const page = await openInBrowser(url, patient, 'sms', '+31612345678');
    await heading(page, 'Uitslag bloedonderzoek');
    assert.equal((await page.locator('.body-text').innerText()).trim(), LETTER);

    const attachment = await downloadBytes(page, () => page.getByRole('link', { name: /uitslag\.pdf/ }).click());
    assert.deepEqual(attachment.bytes, labReport, 'the attachment byte for byte');
    const eml = await downloadBytes(page, () => page.getByRole('link', { name: 'Download als e-mailbestand (.eml)' }).click());
    const copy = await simpleParser(eml.bytes);
    assert.equal(copy.subject, 'Uitslag bloedonderzoek', 'the trigger is gone');
    assert.equal(copy.text?.trim(), LETTER);
    assert.deepEqual(copy.attachments[0]?.content, labReport);
    assert.doesNotMatch(eml.bytes.toString('latin1'), /X-Zorgpost/i);
    const pdf = await downloadBytes(page, () => page.getByRole('link', { name: 'Download als PDF' }).click());
    assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
    const text = await pdfText(pdf.bytes);
    assert.match(text, /Uitslag bloedonderzoek/);
    assert.match(text, /HbA1c is 48 mmol\/mol/);
    assert.match(text, /uitslag\.pdf/);

    const photo = randomBytes(20_000);
    await page.getByLabel('Uw antwoord').fill('Dank u wel, dokter. Hierbij de foto van mijn meter.');
    await page.getByLabel('Bijlagen toevoegen').setInputFiles({ name: 'meter foto.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByRole('button', { name: 'Antwoord versturen' }).click();
    await page.getByRole('status').filter({ hasText: 'Uw antwoord is beveiligd verstuurd.' }).waitFor();
    await page.context().close();

    const imap = await connectImap(server, { user: doctor.klantnummer, pass: doctor.key });
    try {
      const inbox = await fetchSources(imap);
      assert.equal(inbox.length, 1);
      const reply = await simpleParser(inbox[0]!.source);
      assert.equal(reply.subject, 'Re: Uitslag bloedonderzoek');
      assert.equal(reply.from?.value[0]?.address, patient);
      assert.equal(reply.inReplyTo, copy.messageId, 'threaded on the original');
      assert.match(reply.text ?? '', /foto van mijn meter/);
      assert.equal(reply.attachments[0]?.filename, 'meter foto.jpg');
      assert.deepEqual(reply.attachments[0]?.content, photo);
    } finally {
      await imap.logout();
    }

    const sender = await server.server.services.identity.requireMailbox(doctor.address);
    const [status] = await server.server.services.viewerMessages.list(sender, { limit: 1 });
    assert.equal(status!.recipient, patient);
    assert.ok(status!.notifiedAt && status!.codeSentAt && status!.openedAt, JSON.stringify(status));
    const actions = new Set((await server.server.services.audit.list({ limit: 1000 })).map((r) => r.action));
    for (const action of ['secure.viewer.create', 'secure.viewer.notify', 'secure.viewer.code.send', 'secure.viewer.open', 'secure.viewer.download', 'secure.viewer.reply']) {
      assert.ok(actions.has(action), `audit has ${action}: ${[...actions].join(' ')}`);
    }
    assert.ok(link);
  });

  it('viewer-06-controle: without a trigger refused with the trigger syntax; [veilig] read with an e-mail code', async () => {
    const doctor = doctors.controle!;
    const patient = 'p.de.boer@outlook.com';
    assert.match(await refusal(doctor, patient, 'Uitslag bloedonderzoek'), /\[veilig\]/);
    const sent = await send(doctor, patient, 'Uitslag bloedonderzoek [VEILIG]');
    const { url } = await notificationOf(sent, doctor, patient);
    const page = await openInBrowser(url, patient, 'email');
    await heading(page, 'Uitslag bloedonderzoek');
    assert.match(await page.locator('.body-text').innerText(), /HbA1c is 48 mmol\/mol/);
    await page.context().close();
  });

  it('viewer: [secure] with an e-mail code, [secure +32…] with a foreign mobile number', async () => {
    const doctor = doctors.viewer!;
    const byMail = await send(doctor, 'k.peeters@telenet.be', '[secure] Uitslag bloedonderzoek');
    const page = await openInBrowser((await notificationOf(byMail, doctor, 'k.peeters@telenet.be')).url, 'k.peeters@telenet.be', 'email');
    await heading(page, 'Uitslag bloedonderzoek');
    await page.context().close();

    const bySms = await send(doctor, 'j.claes@telenet.be', '[secure +32 470 12 34 56] Uitslag bloedonderzoek');
    const smsPage = await openInBrowser((await notificationOf(bySms, doctor, 'j.claes@telenet.be')).url, 'j.claes@telenet.be', 'sms', '+32470123456');
    await heading(smsPage, 'Uitslag bloedonderzoek');
    await smsPage.context().close();
  });

  it('standaard: no Viewer, so a trigger is refused; without one the message goes out as ordinary e-mail, audit-logged', async () => {
    const doctor = doctors.standaard!;
    assert.match(await refusal(doctor, 'iemand@example.org', '[veilig] Afspraak'), /standaard/);
    const sent = await send(doctor, 'iemand@example.org', 'Afspraak');
    assert.equal(sent.outbox.filter((m) => m.kind === 'viewer-notification').length, 0);
    const [ordinary] = sent.outbox;
    assert.deepEqual(ordinary!.recipients, ['iemand@example.org']);
    assert.match((await simpleParser(ordinary!.raw)).text ?? '', /HbA1c/);
    const [unsafe] = await server.server.services.audit.list({ action: 'secure.unsafe-send', limit: 1 });
    assert.equal(unsafe!.actor, doctor.address);
  });
});

// ── what must not work ──────────────────────────────────────────────────────────────────────────

describe('what a patient, another organisation or a guesser cannot do', { timeout: 300_000 }, () => {
  it('five wrong codes lock the message, even against the right code', async () => {
    const patient = 'lock.test@gmail.com';
    const { url } = await notificationOf(await send(doctors.viewer!, patient, '[veilig] Uitslag'), doctors.viewer!, patient);
    const page = await newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Code aanvragen' }).click();
    await heading(page, 'Toegangscode invoeren');
    const right = await lastCode(patient, 'email');
    const wrong = right === '000000' ? '111111' : '000000';
    const input = page.getByLabel('Toegangscode');
    for (let left = 4; left >= 1; left--) {
      await input.fill(wrong);
      await page.getByRole('button', { name: 'Bericht openen' }).click();
      await page.getByRole('alert').filter({ hasText: `U kunt het nog ${left} keer proberen.` }).waitFor();
    }
    await input.fill(wrong);
    await page.getByRole('button', { name: 'Bericht openen' }).click();
    await page.getByRole('alert').filter({ hasText: /Te veel onjuiste codes/ }).waitFor();
    await input.fill(right);
    await page.getByRole('button', { name: 'Bericht openen' }).click();
    await page.getByRole('alert').filter({ hasText: /Te veel onjuiste codes/ }).waitFor();
    await page.reload();
    await page.getByText(/tijdelijk geblokkeerd/).waitFor();
    await page.context().close();
    const [lockout] = await server.server.services.audit.list({ action: 'secure.viewer.lockout', limit: 1 });
    assert.equal(lockout!.actor, patient);
  });

  it('a code older than 15 minutes is refused; a fresh one works', async () => {
    const patient = 'expired.code@gmail.com';
    const { link } = await notificationOf(await send(doctors.viewer!, patient, '[veilig] Uitslag'), doctors.viewer!, patient);
    assert.equal((await viewerApi(link, 'POST', '/code', { headers: CSRF })).status, 200);
    const old = await lastCode(patient, 'email');
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 16 * 60_000 });
    try {
      const late = await viewerApi(link, 'POST', '/session', { headers: CSRF, json: { code: old } });
      assert.equal(late.status, 403);
      assert.equal(late.json.error, 'code-expired');
    } finally {
      mock.timers.reset();
    }
    assert.ok((await sessionCookie(link, patient)).startsWith('zp_viewer='));
  });

  it('a withdrawn message shows "withdrawn", also to a reader who had it open', async () => {
    const patient = 'revoked@gmail.com';
    const doctor = doctors.viewer!;
    const { url } = await notificationOf(await send(doctor, patient, '[veilig] Uitslag'), doctor, patient);
    const page = await openInBrowser(url, patient, 'email');
    await heading(page, 'Uitslag');
    const sender = await server.server.services.identity.requireMailbox(doctor.address);
    const [status] = await server.server.services.viewerMessages.list(sender, { limit: 1 });
    assert.equal(status!.recipient, patient);
    await server.server.services.viewerMessages.revoke(sender, status!.id);
    await page.reload();
    await heading(page, 'Bericht ingetrokken');
    await page.getByText('De afzender heeft dit bericht ingetrokken.').waitFor();
    await page.context().close();
  });

  it("another organisation's reader, and its sender, cannot open or see a message; guessed links find nothing", async () => {
    const patient = 'two.practices@gmail.com';
    const first = await notificationOf(await send(doctors.viewer!, patient, '[veilig] Van de eerste praktijk'), doctors.viewer!, patient);
    const second = await notificationOf(await send(doctors.andere!, patient, '[veilig] Van de tweede praktijk'), doctors.andere!, patient);
    const cookie = await sessionCookie(second.link, patient);
    assert.equal((await viewerApi(second.link, 'GET', '/message', { headers: { cookie } })).status, 200);
    for (const path of ['/message', '/body.html', '/attachments/0', '/copy.eml', '/copy.pdf']) {
      const foreign = await viewerApi(first.link, 'GET', path, { headers: { cookie } });
      assert.equal(foreign.status, 401, `${path} with another message's session`);
    }
    const replied = await viewerApi(first.link, 'POST', '/reply', { headers: { ...CSRF, cookie }, body: 'x', contentType: 'text/plain' });
    assert.equal(replied.status, 401);

    const otherSender = await server.server.services.identity.requireMailbox(doctors.andere!.address);
    const own = await server.server.services.viewerMessages.list(otherSender, { limit: 100 });
    assert.ok(own.every((m) => m.subject !== 'Van de eerste praktijk'), "the other practice's list holds only its own");
    const firstSender = await server.server.services.identity.requireMailbox(doctors.viewer!.address);
    const [firstStatus] = await server.server.services.viewerMessages.list(firstSender, { limit: 1 });
    await assert.rejects(server.server.services.viewerMessages.status(otherSender, firstStatus!.id), /No secure message/);

    for (let i = 0; i < 300; i++) {
      const guess = randomBytes(16).toString('base64url');
      assert.equal((await viewerApi(guess, 'GET', '/')).status, 404);
    }
    assert.equal((await viewerApi('x'.repeat(21), 'GET', '/')).status, 404);
  });
});

// ── every corpus message through the Viewer, byte for byte ─────────────────────────────────────

describe('corpus messages through the Viewer', { timeout: 300_000 }, () => {
  it('the own copy (.eml) is the submitted message exactly, request header removed', async () => {
    const doctor = doctors.viewer!;
    const entries = listCorpus().filter((_, index) => index % 15 === 0);
    assert.ok(entries.length >= 25);
    const transport = smtpTransport(server, { user: doctor.klantnummer, pass: doctor.key });
    try {
      for (const [index, entry] of entries.entries()) {
        const prepared = prepareForSubmission(await readCorpusMessage(entry), doctor.address);
        const patient = `corpus${index}@gmail.com`;
        const before = (await readMailOutbox(server)).length;
        // The add-in and webmail ask for the Viewer with a header, which the server removes.
        const raw = Buffer.concat([Buffer.from('X-Zorgpost-Secure: viewer\r\n'), prepared]);
        await transport.sendMail({ envelope: { from: doctor.address, to: [patient] }, raw });
        const { link } = await notificationOf({ response: '', outbox: (await readMailOutbox(server)).slice(before) }, doctor, patient);
        const cookie = await sessionCookie(link, patient);
        const copy = await viewerApi(link, 'GET', '/copy.eml', { headers: { cookie } });
        assert.equal(copy.status, 200);
        const hasMessageId = /^message-id:/im.test(prepared.subarray(0, headerLength(prepared)).toString('latin1'));
        // RFC 6409 §8.3: a message without a Message-ID gets one (the reply threads on it), first.
        const added = hasMessageId ? '' : (/^Message-ID: <[^>\r\n]+>\r\n/.exec(copy.bytes.toString('latin1', 0, 200))?.[0] ?? 'missing Message-ID');
        assert.ok(copy.bytes.equals(Buffer.concat([Buffer.from(added, 'latin1'), prepared])), `${entry.file}: the copy differs from what was sent`);
        assert.equal((await viewerApi(link, 'GET', '/message', { headers: { cookie } })).status, 200, entry.file);
      }
    } finally {
      transport.close();
    }
  });
});

function headerLength(message: Buffer): number {
  const end = message.indexOf('\r\n\r\n');
  return end < 0 ? message.length : end;
}
