/** Debian's Chromium, driven by playwright-core, as the browser tests start it. */
import { type Browser, chromium } from 'playwright-core';
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
