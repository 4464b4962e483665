// Headless Chromium (Debian's /usr/bin/chromium through playwright-core) for the browser tests of
// the web apps: pages that may talk to 127.0.0.1 and `localhost` only (the test server's host name,
// which WebAuthn needs; anything else is aborted and remembered, and
// `close` fails the test over it), and the checks every app shares — the step heading that takes
// the focus, no horizontal scrolling, and axe-core's WCAG 2.1 AA rules.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Download, type Page } from 'playwright-core';

const ROOT = new URL('../..', import.meta.url).pathname;
export const STEP_TIMEOUT = 15_000;

/** The browser globals page callbacks use: this project compiles without the DOM library. */
export interface PageGlobals {
  document: {
    documentElement: { lang: string; scrollWidth: number; clientWidth: number };
    activeElement: { tagName: string; textContent: string; getAttribute(name: string): string | null } | null;
    cookie: string;
  };
  axe: { run(context: unknown, options: unknown): Promise<unknown> };
  getComputedStyle(element: unknown): { whiteSpace: string; outlineStyle: string };
}


interface AxeResults {
  passes: unknown[];
  violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }>;
}

export class LoopbackBrowser {
  /** Every request a page tried to make to anywhere but 127.0.0.1 (or localhost). */
  readonly foreignRequests: string[] = [];
  readonly #browser: Browser;
  readonly #contexts: BrowserContext[] = [];
  readonly #axeSource: string;

  private constructor(browser: Browser, axeSource: string) {
    this.#browser = browser;
    this.#axeSource = axeSource;
  }

  static async launch(): Promise<LoopbackBrowser> {
    const axeSource = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    return new LoopbackBrowser(await chromium.launch({ executablePath: '/usr/bin/chromium', timeout: 60_000 }), axeSource);
  }

  /** A page in a fresh context (its own cookies), Dutch, Amsterdam time, self-signed TLS accepted. */
  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.#browser.newContext({ ignoreHTTPSErrors: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam', ...options });
    this.#contexts.push(context);
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
      this.foreignRequests.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT);
    return page;
  }

  /** Closes every page so far: a connection the browser keeps open would hold a server's shutdown. */
  async closePages(): Promise<void> {
    for (const context of this.#contexts.splice(0)) await context.close().catch(() => {});
  }

  async close(what = 'the page'): Promise<void> {
    await this.closePages();
    await this.#browser.close();
    assert.deepEqual(this.foreignRequests, [], `${what} contacted no one else`);
  }

  async assertAxeClean(page: Page, where: string): Promise<void> {
    // Evaluated through the DevTools protocol rather than added as a <script>: the page's own CSP
    // (script-src 'self') stays in force for everything else.
    await page.evaluate(this.#axeSource);
    const results = (await page.evaluate(async () => {
      const page = globalThis as unknown as PageGlobals;
      return page.axe.run(page.document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
      });
    })) as AxeResults;
    assert.ok(results.passes.length >= 10, `${where}: axe checked too little to mean anything`);
    const violations = results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }));
    assert.deepEqual(violations, [], `${where}: axe found WCAG 2.1 AA violations`);
  }
}

/** Waits for the step heading; WCAG 2.4.3: a new step puts the focus on its heading. */
export async function expectHeading(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1 }).filter({ hasText: text }).waitFor();
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.tagName === 'H1', undefined, {
    timeout: STEP_TIMEOUT,
  });
}

export async function assertNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const widths = await page.evaluate(() => {
    const root = (globalThis as unknown as PageGlobals).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  assert.ok(widths.scroll <= widths.client, `${where}: page is ${widths.scroll}px wide in a ${widths.client}px window`);
}

/** What a click downloads, as bytes. */
export async function downloadBytes(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { download, bytes: await readFile(await download.path()) };
}
