/** Debian's Chromium, driven by playwright-core, as the browser tests start it. */
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, expect } from 'vitest';
import { findChromium } from './test-tools.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * The browser of one test file: `launch()` in its beforeAll; `newContext()` for each test's pages,
 * every one closed after the file's tests, then the browser; `watch(page)` collects what a page
 * reports (console errors but the browser's own "Failed to load resource" lines for the 4xx a test
 * provokes, and uncaught exceptions), and after each test none may have been reported.
 */
export function browserSession() {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let problems: string[] = [];
  afterEach(() => {
    const reported = problems;
    problems = [];
    expect(reported).toEqual([]);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
    await browser?.close();
  });
  return {
    async launch(): Promise<Browser> {
      browser = await launchChromium();
      return browser;
    },
    async newContext(options: BrowserContextOptions): Promise<BrowserContext> {
      if (!browser) throw new Error('launch() the browser first');
      const context = await browser.newContext(options);
      contexts.push(context);
      return context;
    },
    watch(page: Page): Page {
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      return page;
    },
  };
}
