/**
 * Every screen the frontend has, as the test host serves it: where it is and when it has finished loading (its
 * data came back from the real backend). The render tests open each one in both themes.
 */
import type { Page } from 'playwright-core';

import { testIds } from '../../../src/testIds';
import { TRACED_JOB_ID } from '../fixtures/browserLedger';
import type { PageGlobals } from './pageGlobals';

/** One screen. */
export interface Screen {
  /** Also the screenshot's name (with the theme appended). */
  name: string;
  path: string;
  /** Resolves when the screen shows its data. */
  ready(page: Page): Promise<void>;
  /** Screenshot only this element (editors), or the full page (app pages). */
  element?: string;
}

const byTestId = (id: string) => `[data-testid="${id}"]`;
const query = (q: Record<string, unknown>) =>
  `/harness/query-editor?query=${encodeURIComponent(JSON.stringify({ refId: 'A', version: 1, ...q }))}`;

/** The harness panel has its data from /api/ds/query; a backend error fails with the backend's words. */
export async function resultDone(page: Page): Promise<void> {
  const result = page.locator('[data-testid="harness-result"]:not([data-state="loading"])');
  await result.waitFor();
  if ((await result.getAttribute('data-state')) === 'error') {
    throw new Error(`the query failed: ${await result.textContent()}`);
  }
}

async function monacoReady(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').waitFor();
}

const APP = '/a/aicodeteam-ledger-app';

export const SCREENS: readonly Screen[] = [
  {
    name: 'datasource-config',
    path: '/harness/datasource-config',
    element: byTestId('harness'),
    ready: (page) => page.locator(byTestId(testIds.configEditor.container)).waitFor(),
  },
  { name: 'query-editor-metrics', path: '/harness/query-editor', element: byTestId('harness'), ready: resultDone },
  {
    name: 'query-editor-explore',
    path: '/harness/query-editor?app=explore',
    element: byTestId('harness'),
    ready: resultDone,
  },
  {
    name: 'query-editor-alerting',
    path: '/harness/query-editor?app=unified-alerting',
    element: byTestId('harness'),
    ready: resultDone,
  },
  {
    name: 'query-editor-logs',
    path: query({ queryType: 'logs', limit: 20, filters: [] }),
    element: byTestId('harness'),
    ready: resultDone,
  },
  {
    name: 'query-editor-traces',
    path: query({ queryType: 'traces', traceId: TRACED_JOB_ID }),
    element: byTestId('harness'),
    ready: resultDone,
  },
  {
    name: 'query-editor-sql',
    path: query({
      queryType: 'sql',
      sqlFormat: 'table',
      rawSql: "SELECT id AS job_id, status, mode, tokens_used\nFROM jobs\nWHERE status <> 'queued'\nORDER BY id",
    }),
    element: byTestId('harness'),
    ready: async (page) => {
      await resultDone(page);
      await monacoReady(page);
    },
  },
  {
    name: 'variable-editor',
    path: '/harness/variable-editor',
    element: byTestId('harness'),
    ready: (page) => page.locator('[data-testid="harness-variable-values"][data-state="done"]').waitFor(),
  },
  { name: 'annotation-editor', path: '/harness/annotation-editor', element: byTestId('harness'), ready: resultDone },
  {
    name: 'overview',
    path: `${APP}/overview`,
    ready: async (page) => {
      await page.locator(`${byTestId(testIds.overview.health)}[data-status]`).waitFor();
      await page.waitForFunction(
        () =>
          (globalThis as unknown as PageGlobals).document.querySelectorAll(
            '[data-tile][data-state="done"], [data-tile][data-state="error"]'
          ).length === 6
      );
    },
  },
  {
    name: 'runbooks',
    path: `${APP}/runbooks`,
    ready: (page) => page.locator(byTestId(testIds.runbooks.card)).first().waitFor(),
  },
  {
    name: 'runbook',
    path: `${APP}/runbooks/queue-backlog`,
    ready: (page) => page.locator(byTestId(testIds.runbooks.step)).first().waitFor(),
  },
  {
    name: 'job',
    path: `${APP}/job/${TRACED_JOB_ID}`,
    ready: async (page) => {
      await page.locator(byTestId(testIds.job.summary)).waitFor();
      await page.locator(byTestId(testIds.job.span)).first().waitFor();
      await page.locator(byTestId(testIds.job.logLine)).first().waitFor();
    },
  },
  {
    name: 'app-config',
    path: '/plugins/aicodeteam-ledger-app',
    ready: (page) => page.locator(byTestId(testIds.appConfig.container)).waitFor(),
  },
];
