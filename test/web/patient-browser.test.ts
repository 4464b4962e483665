// The patient page as a patient uses it (SPEC R31, R24, R25): the built app (dist/web/patient) in
// headless Chromium against a complete Zorgpost server. A person proves an e-mail address (or a
// mobile number) with the code from the outbox, writes with an attachment, and the practice finds
// the message in its INBOX over IMAP with the attachment's bytes intact. Also: a wrong code, refused
// fields, a switched-off page, the three languages, the keyboard alone, a 320 px screen and axe-core's
// WCAG 2.1 AA rules. Only 127.0.0.1 is ever contacted: any other request fails the test.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { defaultPatientAssetsDir } from '../../src/web/patient/patient-routes.ts';
import { connectImap, fetchSources } from '../helpers/clients.ts';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { accessCodeIn, readMailOutbox, readSms } from '../helpers/outbox.ts';
import { LoopbackBrowser, assertNoHorizontalScroll, expectHeading, type PageGlobals } from '../helpers/browser.ts';

const PRACTICE = 'huisarts-patient.nl';
/** A practice whose page speaks English by its policy (LanguageSetting). */
const ENGLISH_PRACTICE = 'engelse-praktijk.nl';

describe('Patient page in a browser', { timeout: 300_000 }, () => {
  let server: TestServer;
  let practice: TestAccount;
  let base: string;
  let browser: LoopbackBrowser;
  const newPage = (options?: BrowserContextOptions) => browser.newPage(options);
  const assertAxeClean = (page: Page, where: string) => browser.assertAxeClean(page, where);

  before(async () => {
    assert.ok(
      existsSync(join(defaultPatientAssetsDir(), 'index.html')),
      'dist/web/patient is missing: run "npm run build:web" (npm test does)',
    );
    server = await startTestServer();
    practice = await server.addMailbox(`assistente@${PRACTICE}`, 'Assistente');
    const english = await server.addMailbox(`balie@${ENGLISH_PRACTICE}`, 'Balie');
    // An organisation without the page: it exists, but has not switched the page on.
    await server.addMailbox('arts@zonder-pagina.nl', 'Arts');
    const { policies } = server.server.services;
    for (const [domain, mailbox, extra] of [
      [PRACTICE, practice.address, {}],
      [ENGLISH_PRACTICE, english.address, { languageSetting: 'English' }],
    ] as const) {
      const org = await policies.organisation(domain);
      await policies.update(org.id, { patientChannel: { enabled: true, mailbox }, ...extra }, { actor: 'test' });
    }
    base = `https://127.0.0.1:${server.ports.https}`;
    browser = await LoopbackBrowser.launch();
  });

  after(async () => {
    // The browser first: a connection it keeps open would hold the server's shutdown.
    await browser?.closePages();
    await server?.close();
    await browser?.close('the patient page');
  });

  const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
  const lang = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang);

  /** The newest code e-mailed to `to`. */
  async function mailedCode(to: string): Promise<string> {
    const mail = (await readMailOutbox(server))
      .filter((m) => m.kind === 'patient-code' && m.recipients.includes(to))
      .at(-1);
    assert.ok(mail, `no code mail to ${to}`);
    return accessCodeIn((await simpleParser(mail.raw)).text ?? '');
  }

  /** The practice INBOX as parsed messages. */
  async function practiceInbox() {
    const imap = await connectImap(server, { user: practice.klantnummer, pass: practice.key });
    try {
      return await Promise.all((await fetchSources(imap)).map((m) => simpleParser(m.source)));
    } finally {
      await imap.logout();
    }
  }

  /** Step 1 filled in and sent; returns when the code step is on screen. */
  async function requestCode(page: Page, contact: { name: string; email: string; mobile?: string }): Promise<void> {
    await page.getByLabel('Uw naam').fill(contact.name);
    await page.getByLabel('Uw e-mailadres').fill(contact.email);
    if (contact.mobile) await page.getByLabel('Uw mobiele nummer (niet verplicht)').fill(contact.mobile);
    await page.getByRole('button', { name: 'Code aanvragen' }).click();
    await expectHeading(page, 'Code invoeren');
  }

  it('proves an e-mail address, refuses a wrong code, and delivers the message with its attachment to the practice INBOX', async () => {
    const page = await newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${base}/patient/${PRACTICE}`);
    await expectHeading(page, `Stuur Praktijk ${PRACTICE} een beveiligd bericht`);
    assert.equal(await lang(page), 'nl');
    assert.match(
      await page.locator('main').innerText(),
      /Praktijk huisarts-patient\.nl ontvangt uw bericht beveiligd\. Uw e-mailadres en mobiele nummer gebruiken wij alleen/,
    );

    await requestCode(page, { name: 'Piet Patiënt', email: 'Piet@Gmail.com' });
    assert.match(await page.locator('main').innerText(), /per e-mail gestuurd naar p\*\*\*\*@gmail\.com/);
    const input = page.getByLabel('Code', { exact: true });
    assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
    assert.equal(await input.getAttribute('inputmode'), 'numeric');

    // The token is in a cookie the page cannot read, sent only to this practice's API.
    const cookies = await page.context().cookies();
    assert.deepEqual(
      cookies.map((c) => ({
        name: c.name,
        path: c.path,
        httpOnly: c.httpOnly,
        secure: c.secure,
        sameSite: c.sameSite,
      })),
      [{ name: 'zp_patient', path: `/api/patient/${PRACTICE}`, httpOnly: true, secure: true, sameSite: 'Strict' }],
    );
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie), '');

    const code = await mailedCode('piet@gmail.com');
    await input.fill(code === '000000' ? '111111' : '000000');
    await input.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: 'De code is niet juist. U kunt het nog 4 keer proberen.' })
      .waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');

    await input.fill(code);
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await expectHeading(page, 'Uw bericht');
    const photo = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(3000, 0xa5),
    ]);
    await page.getByLabel('Onderwerp').fill('Vraag over recept');
    await page.getByLabel('Uw bericht').fill('Mag ik een herhaalrecept?\nMet groet, Piet');
    await page
      .getByLabel('Bijlagen toevoegen')
      .setInputFiles({ name: 'foto één.png', mimeType: 'image/png', buffer: photo });
    await page
      .getByRole('list', { name: 'Gekozen bestanden' })
      .getByRole('button', { name: 'Verwijderen foto één.png' })
      .waitFor();
    await page.getByRole('button', { name: 'Bericht versturen' }).click();
    await expectHeading(page, 'Uw bericht is verstuurd');
    assert.match(await page.locator('main').innerText(), /heeft uw bericht met 1 bijlage beveiligd ontvangen/);

    const message = (await practiceInbox()).find((m) => m.subject === 'Vraag over recept');
    assert.ok(message, 'the message is in the practice INBOX');
    assert.equal(message.from?.value[0]?.address, 'piet@gmail.com');
    assert.equal(message.from?.value[0]?.name, 'Piet Patiënt (patiëntenpagina)');
    assert.equal(message.text?.trim(), 'Mag ik een herhaalrecept?\nMet groet, Piet');
    assert.equal(message.headers.get('x-zorgpost-patient-channel'), 'verified e-mail piet@gmail.com');
    assert.deepEqual(
      message.attachments.map((a) => [a.filename, a.contentType]),
      [['foto één.png', 'image/png']],
    );
    assert.deepEqual(message.attachments[0]!.content, photo, 'the attachment arrives byte for byte');

    // Another message in the same session, then sign out.
    await page.getByRole('button', { name: 'Nog een bericht schrijven' }).click();
    await expectHeading(page, 'Uw bericht');
    assert.equal(await page.getByLabel('Uw bericht').inputValue(), '');
    await page.getByLabel('Uw bericht').fill('Nog een vraag.');
    await page.getByRole('button', { name: 'Bericht versturen' }).click();
    await expectHeading(page, 'Uw bericht is verstuurd');
    assert.ok((await practiceInbox()).some((m) => m.text?.trim() === 'Nog een vraag.'));
    await page.getByRole('main').getByRole('button', { name: 'Afmelden' }).click();
    await expectHeading(page, /Stuur .* een beveiligd bericht/);
    await page.getByRole('status').filter({ hasText: 'U bent afgemeld.' }).waitFor();
    assert.deepEqual(await page.context().cookies(), []);
    assert.equal(await page.getByLabel('Uw e-mailadres').inputValue(), '', 'the next person sees nothing');
    assert.deepEqual(cspViolations, []);
  });

  it('sends the code by SMS when a mobile number is given, after refusing a landline and a bad address', async () => {
    const page = await newPage();
    await page.goto(`${base}/patient/${PRACTICE}`);
    await expectHeading(page, /Stuur .* een beveiligd bericht/);
    const mobile = page.getByLabel('Uw mobiele nummer (niet verplicht)');
    const email = page.getByLabel('Uw e-mailadres');

    // A landline cannot receive the code: the field says so and gets the focus again.
    await page.getByLabel('Uw naam').fill('Marie');
    await email.fill('marie@gmail.com');
    await mobile.fill('020 123 4567');
    await page.getByRole('button', { name: 'Code aanvragen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Dit is geen mobiel nummer.' }).waitFor();
    assert.equal(await mobile.getAttribute('aria-invalid'), 'true');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('type') === 'tel',
    );

    // An address the browser lets through but the server does not: marked the same way.
    await mobile.fill('06 1234 5678');
    await email.fill('marie@(praktijk).nl');
    await page.getByRole('button', { name: 'Code aanvragen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Vul een geldig e-mailadres in' }).waitFor();
    assert.equal(await email.getAttribute('aria-invalid'), 'true');

    await email.fill('marie@gmail.com');
    await page.getByRole('button', { name: 'Code aanvragen' }).click();
    await expectHeading(page, 'Code invoeren');
    assert.match(await page.locator('main').innerText(), /per sms gestuurd naar 06-\*\*\*\*5678/);
    const sms = (await readSms(server.dataDir)).filter((s) => s.to === '+31612345678').at(-1);
    assert.ok(sms, 'an SMS to the mobile number');
    await page.getByLabel('Code', { exact: true }).fill(accessCodeIn(sms.text));
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await expectHeading(page, 'Uw bericht');
    await page.getByLabel('Uw bericht').fill('Per sms bevestigd.');
    await page.getByRole('button', { name: 'Bericht versturen' }).click();
    await expectHeading(page, 'Uw bericht is verstuurd');
    const message = (await practiceInbox()).find((m) => m.text?.trim() === 'Per sms bevestigd.');
    assert.equal(message?.headers.get('x-zorgpost-patient-channel'), 'verified mobile +31612345678');
  });

  it('says clearly that there is no page for a switched-off, unknown or malformed address', async () => {
    const page = await newPage();
    for (const domain of ['zonder-pagina.nl', 'bestaat-niet.nl', 'localhost']) {
      const response = await page.goto(`${base}/patient/${domain}`);
      assert.equal(response?.status(), domain === 'localhost' ? 404 : 200);
      await expectHeading(page, 'Pagina niet gevonden');
      assert.match(await page.locator('main').innerText(), /Op dit adres is geen patiëntenpagina/);
      assert.equal(await page.getByRole('textbox').count(), 0, 'nothing to fill in');
    }
  });

  it("starts in the practice's language and switches between English, German and Dutch, notices too", async () => {
    const page = await newPage();
    await page.goto(`${base}/patient/${ENGLISH_PRACTICE}`);
    await expectHeading(page, `Send Praktijk ${ENGLISH_PRACTICE} a secure message`);
    assert.equal(await lang(page), 'en');
    await page.getByRole('button', { name: 'Request code' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter your name.' }).waitFor();

    await page.getByRole('button', { name: 'Deutsch' }).click();
    await h1(page).filter({ hasText: 'eine sichere Nachricht senden' }).waitFor();
    assert.equal(await lang(page), 'de');
    await page.getByRole('alert').filter({ hasText: 'Geben Sie Ihren Namen ein.' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Deutsch' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByLabel('Ihre Mobilnummer (freiwillig)').count(), 1);

    await page.getByRole('button', { name: 'Nederlands' }).click();
    await h1(page).filter({ hasText: 'een beveiligd bericht' }).waitFor();
    assert.equal(await lang(page), 'nl');
    await page.getByRole('alert').filter({ hasText: 'Vul uw naam in.' }).waitFor();
    assert.equal(
      await page.title(),
      `Stuur Praktijk ${ENGLISH_PRACTICE} een beveiligd bericht – Bericht aan de praktijk`,
    );
  });

  it('works with the keyboard alone, with a visible focus on every control', async () => {
    const page = await newPage();
    const visited: string[] = [];
    /** Tabs until the focused element's text or label is `name`; each one passed must show a focus ring. */
    async function tabTo(name: string): Promise<void> {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const element = (globalThis as unknown as PageGlobals).document.activeElement;
          const style = element ? (globalThis as unknown as PageGlobals).getComputedStyle(element) : null;
          return {
            text: `${element?.textContent ?? ''}${element?.getAttribute('name') ?? ''}`,
            tag: element?.tagName ?? '',
            outline: style?.outlineStyle ?? 'none',
          };
        });
        visited.push(`${focused.tag} ${focused.text.slice(0, 30)}`);
        assert.notEqual(focused.outline, 'none', `${visited.join(' | ')} shows no focus ring`);
        if (focused.text.includes(name)) return;
      }
      assert.fail(`"${name}" cannot be reached with Tab`);
    }
    await page.goto(`${base}/patient/${PRACTICE}`);
    await expectHeading(page, /Stuur .* een beveiligd bericht/);
    await tabTo('name');
    await page.keyboard.type('Toetsenbord Gebruiker');
    await page.keyboard.press('Tab');
    await page.keyboard.type('toetsen@gmail.com');
    await tabTo('Code aanvragen');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Code invoeren');
    await page.keyboard.press('Tab');
    await page.keyboard.type(await mailedCode('toetsen@gmail.com'));
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Uw bericht');
    await tabTo('subject');
    await page.keyboard.type('Met het toetsenbord');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Alleen tekst.');
    await tabTo('Bericht versturen');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Uw bericht is verstuurd');
    assert.ok((await practiceInbox()).some((m) => m.subject === 'Met het toetsenbord'));
  });

  it('fits a 320 px wide screen without horizontal scrolling', async () => {
    const page = await newPage({ viewport: { width: 320, height: 640 } });
    await page.goto(`${base}/patient/${PRACTICE}`);
    await expectHeading(page, /Stuur .* een beveiligd bericht/);
    await assertNoHorizontalScroll(page, 'contact');
    await requestCode(page, {
      name: 'Smal Scherm',
      email: 'een.heel.lang.emailadres.zonder.spaties@voorbeeld-domein.nl',
    });
    await assertNoHorizontalScroll(page, 'code');
    await page
      .getByLabel('Code', { exact: true })
      .fill(await mailedCode('een.heel.lang.emailadres.zonder.spaties@voorbeeld-domein.nl'));
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await expectHeading(page, 'Uw bericht');
    await page.getByLabel('Bijlagen toevoegen').setInputFiles({
      name: 'een-bestandsnaam-zonder-spaties-die-veel-langer-is-dan-het-scherm-breed-is.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF'),
    });
    await assertNoHorizontalScroll(page, 'message');
    await page.getByLabel('Uw bericht').fill('Klein scherm.');
    await page.getByRole('button', { name: 'Bericht versturen' }).click();
    await expectHeading(page, 'Uw bericht is verstuurd');
    await assertNoHorizontalScroll(page, 'sent');
  });

  it('has no WCAG 2.1 AA violations on any step (axe-core)', async () => {
    // axe is injected as an inline script, which the page's CSP rightly refuses: bypass it here only.
    const page = await newPage({ bypassCSP: true });
    await page.goto(`${base}/patient/${PRACTICE}`);
    await expectHeading(page, /Stuur .* een beveiligd bericht/);
    await page.getByRole('button', { name: 'Code aanvragen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Vul uw naam in.' }).waitFor();
    await assertAxeClean(page, 'contact with an error');
    await requestCode(page, { name: 'Axe', email: 'axe@gmail.com' });
    const code = await mailedCode('axe@gmail.com');
    await page.getByLabel('Code', { exact: true }).fill(code === '999999' ? '888888' : '999999');
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await page.getByRole('alert').filter({ hasText: 'De code is niet juist' }).waitFor();
    await assertAxeClean(page, 'code with an error');
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Bevestigen' }).click();
    await expectHeading(page, 'Uw bericht');
    await page
      .getByLabel('Bijlagen toevoegen')
      .setInputFiles({ name: 'brief.txt', mimeType: 'text/plain', buffer: Buffer.from('hallo') });
    await assertAxeClean(page, 'message');
    await page.getByRole('button', { name: 'Bericht versturen' }).click();
    await expectHeading(page, 'Uw bericht is verstuurd');
    await assertAxeClean(page, 'sent');
    await page.goto(`${base}/patient/zonder-pagina.nl`);
    await expectHeading(page, 'Pagina niet gevonden');
    await assertAxeClean(page, 'no such page');
  });
});
