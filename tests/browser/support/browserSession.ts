/**
 * One Chromium for the whole browser suite (Debian's /usr/bin/chromium through playwright-core; never a
 * downloaded browser), and pages that record every console error, page error and failed request, so each test
 * can assert that a screen rendered cleanly.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { REPO_ROOT } from '../../support/pluginProcess';
import type { PageGlobals } from './pageGlobals';

/** Where the screenshots go (kept in the repository as documentation). */
/**
 * Where screenshots go: docs/screenshots/ (the README's) with UPDATE_SCREENSHOTS=1, else a scratch directory, so a
 * test run does not leave the checkout dirty with re-rendered images.
 */
export const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.join(REPO_ROOT, 'docs', 'screenshots')
    : path.join(tmpdir(), 'ledger-browser-screenshots');

/** The two Grafana themes every screen is rendered in. */
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

// The flags toolchain-notes.md §5 found necessary on the build machines.
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Debian's Chromium, or the one CHROMIUM_PATH names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser suite cannot run here, or false. Without Chromium it skips with that reason, unless
 * REQUIRE_BROWSER=1 (CI), where a missing browser must fail rather than pass silently.
 */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH) || process.env.REQUIRE_BROWSER === '1') {
    return false;
  }
  return `no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`;
}

/** Launches Chromium. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: LAUNCH_ARGS,
  });
}

/** A browser context (one per theme, so the bundle is fetched once per theme). */
export async function newContext(browser: Browser, baseUrl: string): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1400, height: 900 },
    baseURL: baseUrl,
    timezoneId: 'UTC',
    locale: 'en-US',
  });
}

/**
 * A page of the test host, kept open across screens: `visit` moves to another screen the way Grafana's router
 * does (no page load), and `problems` collects what went wrong since the last visit.
 */
export interface HostPage {
  page: Page;
  theme: Theme;
  /** Console errors, uncaught exceptions and failed requests since the last `visit`. */
  problems: string[];
  /** Shows `path` (client-side navigation) and waits until it has been rendered. */
  visit(path: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens the host in `theme` at `path` on a new page that records problems. */
export async function openHostPage(context: BrowserContext, path: string, theme: Theme): Promise<HostPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console.error: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    // Leaving a page aborts its pending requests; that is not a failure of the page.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') {
      problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
    }
  });
  await page.goto(withTheme(path, theme));
  await waitForHost(page);
  return {
    page,
    theme,
    problems,
    async visit(target: string) {
      problems.length = 0;
      await page.evaluate((to) => (globalThis as unknown as PageGlobals).__ledgerHost.navigate(to), target);
      await page
        .waitForFunction(
          (to) => (globalThis as unknown as PageGlobals).document.body.dataset.hostLocation === to,
          target
        )
        .catch((error: Error) => {
          // A page that crashed never gets there: say what the page reported.
          throw new Error(`${target} was not rendered (${error.message}); the page reported: ${problems.join(' | ')}`);
        });
    },
    close: () => page.close(),
  };
}

/**
 * Waits until the host has loaded the plugin from dist/ and rendered its first location; fails with the loader's
 * error when a plugin module could not be loaded.
 */
export async function waitForHost(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const { dataset } = (globalThis as unknown as PageGlobals).document.body;
    return 'hostLocation' in dataset || 'hostLoadError' in dataset;
  });
  const loadError = await page.evaluate(
    () => (globalThis as unknown as PageGlobals).document.body.dataset.hostLoadError
  );
  if (loadError !== undefined) {
    throw new Error(`the host could not load the plugin from dist/: ${loadError}`);
  }
}

/** Adds the theme to a host URL. */
export function withTheme(pathname: string, theme: Theme): string {
  return `${pathname}${pathname.includes('?') ? '&' : '?'}theme=${theme}`;
}

/** Where the screenshots taken under another Grafana release go (never into docs/): a scratch directory per release. */
export const releaseScreenshotDir = (grafanaVersion: string) =>
  path.join(tmpdir(), 'ledger-browser-screenshots', `grafana-${grafanaVersion}`);

/** Saves <dir>/<name>.png (dir: SCREENSHOT_DIR by default): the element if given, else the full page. */
export async function screenshot(page: Page, name: string, element?: Locator, dir = SCREENSHOT_DIR): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // Let fonts, icons and Monaco settle so screenshots do not catch a half-drawn frame.
  await page.mouse.move(0, 0); // no tooltip from the last click
  await page.evaluate(() => (globalThis as unknown as PageGlobals).document.fonts.ready);
  await page.waitForTimeout(150);
  if (element) {
    await element.screenshot({ path: file });
  } else {
    await page.screenshot({ path: file, fullPage: true });
  }
}
