// The Viewer as a patient uses it: the built app (dist/web/viewer) in headless Chromium against a
// real HTTPS server with an in-memory ViewerAccess (SPEC R15, R25). The whole flow from the landing
// to sign-out, downloads compared byte for byte, a reply whose file reaches the service intact, the
// closed screens, the three languages, a 320 px screen, and axe-core's WCAG 2.1 AA rules. Only
// 127.0.0.1 is ever contacted: any other request fails the test.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { pino } from 'pino';
import type { SecureContextOptions } from 'node:tls';
import { ensureLocalCertificates } from '../../src/tls/local-ca.ts';
import { loadTlsOptions } from '../../src/tls/tls-options.ts';
import type { AdminServices } from '../../src/web/admin/plugin.ts';
import { createWebServer } from '../../src/web/server.ts';
import { defaultViewerAssetsDir } from '../../src/web/viewer/viewer-routes.ts';
import { FakeViewerAccess, LAB_PDF, LINKS } from './viewer-fake-access.ts';
import {
  LoopbackBrowser,
  assertNoHorizontalScroll,
  downloadBytes,
  expectHeading,
  type PageGlobals,
} from '../helpers/browser.ts';

const ASSETS_DIR = defaultViewerAssetsDir();

interface Viewer {
  base: string;
  access: FakeViewerAccess;
  close(): Promise<void>;
}

describe('Viewer in a browser', { timeout: 240_000 }, () => {
  let tlsDir: string;
  let tls: SecureContextOptions;
  let browser: LoopbackBrowser;
  const newPage = (options?: BrowserContextOptions) => browser.newPage(options);
  const assertAxeClean = (page: Page, where: string) => browser.assertAxeClean(page, where);

  before(async () => {
    assert.ok(
      existsSync(join(ASSETS_DIR, 'index.html')),
      'dist/web/viewer is missing: run "npm run build:web" (npm test does)',
    );
    tlsDir = await mkdtemp(join(tmpdir(), 'zorgpost-viewer-tls-'));
    tls = await loadTlsOptions(await ensureLocalCertificates(tlsDir, 'localhost'));
    browser = await LoopbackBrowser.launch();
  });

  after(async () => {
    await rm(tlsDir, { recursive: true, force: true });
    await browser?.close('the Viewer');
  });

  /** A web server with the Viewer in front of a fresh fake, on a free loopback port. */
  async function startViewer(): Promise<Viewer> {
    const access = new FakeViewerAccess();
    const app = createWebServer({
      tls,
      logger: pino({ level: 'silent' }),
      hostname: 'localhost',
      ports: { smtps: 465, imaps: 993, pop3s: 995 },
      health: async () => ({ ok: true, detail: {} }),
      admin: {} as AdminServices,
      viewer: { access, assetsDir: ASSETS_DIR },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const close = async () => {
      // The browser's connections go first, so the server has none left to wait for.
      await browser.closePages();
      await app.close();
    };
    return { base: `https://127.0.0.1:${port}`, access, close };
  }

  const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

  it('walks from the landing through the code to the message, downloads, a reply and sign-out', async () => {
    const viewer = await startViewer();
    try {
      const page = await newPage();
      const cspViolations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text()) && !message.location().url.includes('/body.html'))
          cspViolations.push(message.text());
      });

      await page.goto(`${viewer.base}/v/${LINKS.active}`);
      await expectHeading(page, 'U heeft een beveiligd bericht ontvangen');
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang),
        'nl',
      );
      const landing = await page.locator('main').innerText();
      assert.match(landing, /Dr\. Jan Müller \(Huisartsenpraktijk De Linde\)/);
      assert.match(landing, /per sms naar 06-\*\*\*\*5678/);
      assert.doesNotMatch(landing, /bloedonderzoek/, 'nothing of the message before the code');

      await page.getByRole('button', { name: 'Code aanvragen' }).click();
      await expectHeading(page, 'Toegangscode invoeren');
      const input = page.getByLabel('Toegangscode');
      assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
      assert.equal(await input.getAttribute('inputmode'), 'numeric');
      await page.getByText('U kunt nog 2 keer een nieuwe code aanvragen.').waitFor();

      await page.getByRole('button', { name: 'Nieuwe code sturen' }).click();
      await page.getByRole('status').filter({ hasText: 'Er is een nieuwe code verstuurd' }).waitFor();
      await page.getByText('U kunt nog 1 keer een nieuwe code aanvragen.').waitFor();

      await input.fill('000000');
      await input.press('Enter');
      await page
        .getByRole('alert')
        .filter({ hasText: 'De code is niet juist. U kunt het nog 4 keer proberen.' })
        .waitFor();
      assert.equal(await input.getAttribute('aria-invalid'), 'true');

      await input.fill('123456');
      await page.getByRole('button', { name: 'Bericht openen' }).click();
      await expectHeading(page, 'Uitslag bloedonderzoek');
      const cookies = await page.context().cookies();
      assert.deepEqual(
        cookies.map((c) => ({
          name: c.name,
          path: c.path,
          httpOnly: c.httpOnly,
          secure: c.secure,
          sameSite: c.sameSite,
        })),
        [{ name: 'zp_viewer', path: `/api/viewer/${LINKS.active}`, httpOnly: true, secure: true, sameSite: 'Strict' }],
      );
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie),
        '',
        "the session is out of the script's reach",
      );

      const body = page.locator('.body-text');
      assert.equal(await body.innerText(), viewer.access.messages.get(LINKS.active)!.view.text);
      assert.equal(
        await body.evaluate((element) => (globalThis as unknown as PageGlobals).getComputedStyle(element).whiteSpace),
        'pre-wrap',
      );

      const attachment = await downloadBytes(page, () => page.getByRole('link', { name: /überweisung\.pdf/ }).click());
      assert.deepEqual(attachment.bytes, LAB_PDF);
      assert.match(attachment.download.suggestedFilename(), /überweisung\.pdf$/);
      const message = viewer.access.messages.get(LINKS.active)!;
      const eml = await downloadBytes(page, () =>
        page.getByRole('link', { name: 'Download als e-mailbestand (.eml)' }).click(),
      );
      assert.deepEqual(eml.bytes, message.eml);
      assert.equal(eml.download.suggestedFilename(), 'bericht-2025-05-06.eml');
      const pdf = await downloadBytes(page, () => page.getByRole('link', { name: 'Download als PDF' }).click());
      assert.deepEqual(pdf.bytes, message.pdf);
      assert.equal(pdf.download.suggestedFilename(), 'bericht-2025-05-06.pdf');

      // The formatted version: in a frame that runs nothing and loads nothing remote.
      await page.getByRole('button', { name: 'Opgemaakte versie tonen' }).click();
      const frame = page.frameLocator('iframe[title="Opgemaakte versie van het bericht"]');
      await frame.locator('b', { hasText: 'Piet' }).waitFor();
      assert.equal(await page.locator('iframe').getAttribute('sandbox'), '');

      // A reply with a file, typed and attached with the keyboard's file picker.
      const scan = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        LAB_PDF.subarray(0, 1000),
      ]);
      await page.getByLabel('Uw antwoord').fill('Dank u, dokter.\nMet groet, Piet');
      await page
        .getByLabel('Bijlagen toevoegen')
        .setInputFiles({ name: 'scan één.png', mimeType: 'image/png', buffer: scan });
      await page
        .getByRole('list', { name: 'Gekozen bestanden' })
        .getByRole('button', { name: 'Verwijderen scan één.png' })
        .waitFor();
      await page.getByRole('button', { name: 'Antwoord versturen' }).click();
      await page.getByRole('status').filter({ hasText: 'Uw antwoord is beveiligd verstuurd.' }).waitFor();
      assert.equal(viewer.access.replies.length, 1);
      const { reply, context } = viewer.access.replies[0]!;
      assert.equal(reply.text, 'Dank u, dokter.\nMet groet, Piet');
      assert.deepEqual(
        reply.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType })),
        [{ filename: 'scan één.png', contentType: 'image/png' }],
      );
      assert.deepEqual(reply.attachments[0]!.content, scan);
      assert.equal(context.remoteAddress, '127.0.0.1');
      assert.match(context.userAgent ?? '', /Chrome/);
      await page.getByRole('heading', { name: 'Uw eerdere antwoorden' }).waitFor();
      assert.equal(await page.getByLabel('Uw antwoord').inputValue(), '');

      await page.getByRole('button', { name: 'Afmelden' }).click();
      await expectHeading(page, 'U bent afgemeld');
      assert.equal(viewer.access.sessions.size, 0);
      assert.deepEqual(await page.context().cookies(), []);
      assert.deepEqual(cspViolations, []);

      // A reload after signing out starts at the landing again.
      await page.reload();
      await expectHeading(page, 'U heeft een beveiligd bericht ontvangen');
    } finally {
      await viewer.close();
    }
  });

  it('shows withdrawn, expired and unknown links with a clear sentence', async () => {
    const viewer = await startViewer();
    try {
      const page = await newPage();
      await page.goto(`${viewer.base}/v/${LINKS.withdrawn}`);
      await expectHeading(page, 'Bericht ingetrokken');
      assert.match(await page.locator('main').innerText(), /De afzender heeft dit bericht ingetrokken/);
      assert.equal(await page.getByRole('button', { name: 'Code aanvragen' }).count(), 0);

      await page.goto(`${viewer.base}/v/${LINKS.expired}`);
      await expectHeading(page, 'Bericht verlopen');

      for (const link of [LINKS.unknown, 'te-kort']) {
        await page.goto(`${viewer.base}/v/${link}`);
        await expectHeading(page, 'Link niet gevonden');
        assert.match(await page.locator('main').innerText(), /volledige link/);
      }
    } finally {
      await viewer.close();
    }
  });

  it('starts in the language of the landing and switches between Dutch, English and German', async () => {
    const viewer = await startViewer();
    try {
      const locked = viewer.access.messages.get(LINKS.locked)!;
      locked.landing.language = 'en';
      const page = await newPage();
      await page.goto(`${viewer.base}/v/${LINKS.locked}`);
      await expectHeading(page, 'You have received a secure message');
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang),
        'en',
      );
      assert.match(await page.locator('main').innerText(), /temporarily locked, until/);

      await page.getByRole('button', { name: 'Request code' }).click();
      await page.getByRole('alert').filter({ hasText: 'Too many wrong codes. The message is locked until' }).waitFor();

      await page.getByRole('button', { name: 'Deutsch' }).click();
      await h1(page).filter({ hasText: 'Sie haben eine sichere Nachricht erhalten' }).waitFor();
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang),
        'de',
      );
      // The notice on screen follows the language too.
      await page
        .getByRole('alert')
        .filter({ hasText: 'Zu viele falsche Codes. Die Nachricht ist gesperrt bis' })
        .waitFor();
      assert.equal(await page.getByRole('button', { name: 'Deutsch' }).getAttribute('aria-pressed'), 'true');

      await page.getByRole('button', { name: 'Nederlands' }).click();
      await h1(page).filter({ hasText: 'U heeft een beveiligd bericht ontvangen' }).waitFor();
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang),
        'nl',
      );

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: 'I already have a code' }).click();
      await expectHeading(page, 'Enter access code');
      assert.equal(await page.title(), 'Enter access code – Secure message');
    } finally {
      await viewer.close();
    }
  });

  it('works with the keyboard alone, with a visible focus on every control', async () => {
    const viewer = await startViewer();
    try {
      const page = await newPage();
      /** Tabs until `name` has the focus; checks each control passed shows a focus ring. */
      const visited: string[] = [];
      async function tabTo(name: string): Promise<void> {
        for (let i = 0; i < 30; i++) {
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const page = globalThis as unknown as PageGlobals;
            const element = page.document.activeElement as unknown as { textContent: string; tagName: string } | null;
            const style = element ? page.getComputedStyle(element) : null;
            return {
              text: element?.textContent ?? '',
              tag: element?.tagName ?? '',
              outline: style?.outlineStyle ?? 'none',
            };
          });
          visited.push(`${focused.tag} ${focused.text.slice(0, 30)}`);
          // Passing through the message's frame, focus sits on the frame or, for a moment, on the
          // document itself: neither is a control of ours.
          if (focused.tag === 'IFRAME' || focused.tag === 'BODY') continue;
          assert.notEqual(focused.outline, 'none', `${visited.join(' | ')} shows no focus ring`);
          if (focused.text.includes(name)) return;
        }
        assert.fail(`"${name}" cannot be reached with Tab`);
      }
      await page.goto(`${viewer.base}/v/${LINKS.active}`);
      await expectHeading(page, 'U heeft een beveiligd bericht ontvangen');
      await tabTo('Code aanvragen');
      await page.keyboard.press('Enter');
      await expectHeading(page, 'Toegangscode invoeren');
      await page.keyboard.press('Tab');
      await page.keyboard.type('123456');
      await page.keyboard.press('Enter');
      await expectHeading(page, 'Uitslag bloedonderzoek');
      await tabTo('Opgemaakte versie tonen');
      await page.keyboard.press('Enter');
      await page.frameLocator('iframe').locator('b', { hasText: 'Piet' }).waitFor();
      await tabTo('Download als PDF');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Alleen tekst, met het toetsenbord.');
      await tabTo('Antwoord versturen');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Uw antwoord is beveiligd verstuurd.' }).waitFor();
      assert.equal(viewer.access.replies[0]?.reply.text, 'Alleen tekst, met het toetsenbord.');
    } finally {
      await viewer.close();
    }
  });

  it('fits a 320 px wide screen without horizontal scrolling', async () => {
    const viewer = await startViewer();
    try {
      const page = await newPage({ viewport: { width: 320, height: 640 } });
      await page.goto(`${viewer.base}/v/${LINKS.active}`);
      await expectHeading(page, 'U heeft een beveiligd bericht ontvangen');
      await assertNoHorizontalScroll(page, 'landing');
      await page.getByRole('button', { name: 'Code aanvragen' }).click();
      await expectHeading(page, 'Toegangscode invoeren');
      await assertNoHorizontalScroll(page, 'code');
      await page.getByLabel('Toegangscode').fill('123456');
      await page.getByRole('button', { name: 'Bericht openen' }).click();
      await expectHeading(page, 'Uitslag bloedonderzoek');
      await page.getByRole('button', { name: 'Opgemaakte versie tonen' }).click();
      await page.getByLabel('Bijlagen toevoegen').setInputFiles({
        name: 'een-bestandsnaam-zonder-spaties-die-veel-langer-is-dan-het-scherm-breed-is.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF'),
      });
      await assertNoHorizontalScroll(page, 'message');
    } finally {
      await viewer.close();
    }
  });

  it('has no WCAG 2.1 AA violations on the landing, code and message screens (axe-core)', async () => {
    const viewer = await startViewer();
    try {
      // axe is injected as an inline script, which the page's CSP rightly refuses: bypass it here only.
      const page = await newPage({ bypassCSP: true });
      await page.goto(`${viewer.base}/v/${LINKS.active}`);
      await expectHeading(page, 'U heeft een beveiligd bericht ontvangen');
      await assertAxeClean(page, 'landing');
      await page.getByRole('button', { name: 'Code aanvragen' }).click();
      await expectHeading(page, 'Toegangscode invoeren');
      await page.getByLabel('Toegangscode').fill('999999');
      await page.getByRole('button', { name: 'Bericht openen' }).click();
      await page.getByRole('alert').filter({ hasText: 'De code is niet juist' }).waitFor();
      await assertAxeClean(page, 'code with an error');
      await page.getByLabel('Toegangscode').fill('123456');
      await page.getByRole('button', { name: 'Bericht openen' }).click();
      await expectHeading(page, 'Uitslag bloedonderzoek');
      await page
        .getByLabel('Bijlagen toevoegen')
        .setInputFiles({ name: 'brief.txt', mimeType: 'text/plain', buffer: Buffer.from('hallo') });
      await assertAxeClean(page, 'message');
    } finally {
      await viewer.close();
    }
  });
});
