/** Clicks and reads on Grafana UI components, the way a user drives them. */
import type { Locator, Page } from 'playwright-core';
import type { PageGlobals } from './pageGlobals';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The option whose label is `label` (its accessible name may go on with a description). */
export function optionNamed(page: Page, label: string): Locator {
  return page.getByRole('option', { name: new RegExp(`^${escapeRegExp(label)}(\\s|$)`) }).first();
}

/**
 * Opens a Combobox (or MultiCombobox) and picks the option with that label, typing it first to filter. A menu that
 * re-renders under the pointer (an answer arriving meanwhile) is opened again, up to three times.
 */
export async function pickOption(page: Page, combobox: Locator, label: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await combobox.click();
      await combobox.fill(label);
      await optionNamed(page, label).click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) {
        throw error;
      }
      await page.keyboard.press('Escape');
    }
  }
}

/** The current query of the query-editor harness (what Grafana would save). */
export async function harnessQuery(page: Page): Promise<Record<string, any>> {
  return JSON.parse((await page.locator('[data-testid="harness-query"]').textContent()) ?? '{}');
}

/** Does `action`, then waits until the harness panel has run the query again and shows the answer. */
export async function andResult(page: Page, action: () => Promise<void>): Promise<void> {
  const result = page.locator('[data-testid="harness-result"]');
  const before = Number(await result.getAttribute('data-runs'));
  await action();
  await page.waitForFunction((runs) => {
    const element = (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="harness-result"]');
    return Number(element?.getAttribute('data-runs')) > runs && element?.getAttribute('data-state') !== 'loading';
  }, before);
}

/** The harness panel's state: done (with frames) or error (with the backend's message). */
export async function resultState(page: Page): Promise<{ state: string | null; frames: number; text: string }> {
  const result = page.locator('[data-testid="harness-result"]');
  return {
    state: await result.getAttribute('data-state'),
    frames: Number(await result.getAttribute('data-frames')),
    text: (await result.textContent()) ?? '',
  };
}
