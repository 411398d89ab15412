/**
 * The frontend in Chromium against the real backend: the main flows clicked through, then every editor and page
 * in both themes. One browser, one plugin process and one seeded ledger serve the whole file (see
 * support/browserSuite.ts and host/testHost.ts); screenshots land in docs/screenshots/ with UPDATE_SCREENSHOTS=1.
 *
 * Flows that read "now" figures run first: the fixture's recent events stay inside the 15-minute windows for
 * several minutes after seeding, not forever.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { testIds } from '../../src/testIds';
import { REPO_ROOT } from '../support/pluginProcess';
import { browserLedgerEvents, TRACED_JOB_ID } from './fixtures/browserLedger';
import { HARNESS_VARIABLES } from './fixtures/harnessVariables';
import { startTestHost } from './host/testHost';
import { assertLoadedFromDist } from './support/loadedPlugins';
import { dsQueryHopSkipReason } from './host/dsQueryHop';
import {
  browserSkipReason,
  newContext,
  openHostPage,
  screenshot,
  THEMES,
  waitForHost,
  type HostPage,
  type Theme,
} from './support/browserSession';
import { startBrowserSuite, stopBrowserSuite, type BrowserSuite } from './support/browserSuite';
import { resultDone, SCREENS } from './support/screens';
import { andResult, harnessQuery, optionNamed, pickOption, resultState } from './support/uiActions';
import type { PageGlobals } from './support/pageGlobals';

const id = (testId: string) => `[data-testid="${testId}"]`;
const APP = '/a/aicodeteam-ledger-app';
const harness = (page: HostPage) => page.page.locator(id('harness'));

let suite: BrowserSuite | undefined;
const hostPages = new Map<Theme, HostPage>();

/** The host page of a theme (opened once), moved to `path`. */
async function visit(path: string, theme: Theme = 'light'): Promise<HostPage> {
  let hostPage = hostPages.get(theme);
  if (!hostPage) {
    hostPage = await openHostPage(await newContext(suite!.browser, suite!.host.url), path, theme);
    hostPages.set(theme, hostPage);
  }
  await hostPage.visit(path);
  return hostPage;
}

const skip = browserSkipReason() || dsQueryHopSkipReason();

before(async () => {
  if (!skip) {
    suite = await startBrowserSuite();
  }
});

after(async () => {
  await stopBrowserSuite(suite);
});

describe('the plugin as Grafana loads it', { skip }, () => {
  it("loads dist/module.js and dist/datasource/module.js with SystemJS, sharing the host's React and Grafana packages", async () => {
    const { page, problems } = await visit(`${APP}/runbooks`);
    await assertLoadedFromDist(page, suite!.grafanaVersion);
    // The bundle's PluginPage is the one the host set after start-up: @grafana/runtime's exports reach it live.
    await page.locator(id(testIds.runbooks.card)).first().waitFor();
    assert.deepEqual(await page.locator('h1').allTextContents(), ['Runbooks'], "the host's page chrome is missing");
    assert.ok(suite!.host.servedPluginFiles.includes('module.js'), suite!.host.servedPluginFiles.join(', '));
    assert.ok(suite!.host.servedPluginFiles.includes('datasource/module.js'), suite!.host.servedPluginFiles.join(', '));
    assert.deepEqual(problems, []);
  });

  it('the host refuses to start without dist/datasource/module.js', async () => {
    const partialDist = mkdtempSync(path.join(tmpdir(), 'ledger-partial-dist-'));
    mkdirSync(path.join(partialDist, 'datasource'));
    for (const file of ['module.js', 'plugin.json', 'datasource/plugin.json']) {
      copyFileSync(path.join(REPO_ROOT, 'dist', file), path.join(partialDist, file));
    }
    await assert.rejects(
      startTestHost({
        plugin: suite!.plugin,
        dsQuery: suite!.dsQuery,
        databaseUrl: suite!.ledger.url,
        bundleDir: partialDist,
        grafanaVersion: suite!.grafanaVersion,
        distDir: partialDist,
      }),
      /dist\/datasource\/module\.js is missing/
    );
  });
});

describe('app pages', { skip }, () => {
  it('overview shows the live figures of the seeded ledger and links alerts to runbooks', async () => {
    await suite!.heartbeat();
    const { page, problems } = await visit(`${APP}/overview`);
    await page.locator(`${id(testIds.overview.health)}[data-status="OK"]`).waitFor();
    const tile = (name: string) => page.locator(`[data-tile="${name}"][data-state="done"]`);
    const expected: Array<[string, string]> = [
      ['workers', '2'],
      ['queue', '3'],
      ['failure-rate', '25%'],
      ['completed', '6'],
      ['escalations', '1'],
    ];
    for (const [name, value] of expected) {
      await tile(name).waitFor();
      assert.equal((await tile(name).textContent())?.trim(), value, name);
    }
    await page.getByRole('link', { name: /More than 20% of jobs fail/ }).click();
    await page.waitForURL(/\/runbooks\/high-failure-rate$/);
    assert.deepEqual(problems, []);
  });

  it('opens a runbook from the list, runs its diagnostic queries and follows a job link', async () => {
    const { page, problems } = await visit(`${APP}/runbooks`);
    await page.locator(id(testIds.runbooks.card)).getByText('High job failure rate').click();
    await page.waitForURL(/\/runbooks\/high-failure-rate$/);
    const steps = page.locator(id(testIds.runbooks.step));
    await steps.first().waitFor();

    await steps.nth(0).locator(id(testIds.runbooks.runQuery)).click();
    const byMode = steps.nth(0).locator(id(testIds.runbooks.result));
    await byMode.waitFor();
    const rows = await byMode.locator('tbody tr').allTextContents();
    assert.ok(rows.includes('genius1250'), `genius: 1 failed of 2, 50%: ${rows.join(' | ')}`);
    assert.ok(rows.includes('mechanic020'), `mechanic: none failed of 2: ${rows.join(' | ')}`);

    await steps.nth(4).locator(id(testIds.runbooks.runQuery)).click();
    const failed = steps.nth(4).locator(id(testIds.runbooks.result));
    await failed.getByRole('link', { name: 'job-b07' }).waitFor();
    await screenshot(page, 'flow-runbook-queries');
    await failed.getByRole('link', { name: 'job-b07' }).click();
    await page.waitForURL(/\/job\/job-b07$/);
    await page.locator(id(testIds.job.status)).getByText('failed').waitFor();
    assert.deepEqual(problems, []);
  });

  it('opens a job from the overview: state, trace, events and conversation', async () => {
    const { page, problems } = await visit(`${APP}/overview`);
    await page.locator(id(testIds.job.searchInput)).fill(TRACED_JOB_ID);
    await page.getByRole('button', { name: 'Open job' }).click();
    await page.waitForURL(new RegExp(`/job/${TRACED_JOB_ID}$`));
    await page.locator(id(testIds.job.status)).getByText('completed').waitFor();
    await page.locator(id(testIds.job.span)).first().waitFor();
    const spans = await page.locator(id(testIds.job.span)).allTextContents();
    assert.ok(spans.length >= 5, `job span, loop, 2 LLM calls, 1 tool call: ${spans.join(' | ')}`);
    assert.match(spans[0] ?? '', /process-job/);
    await page.locator(id(testIds.job.logLine)).first().waitFor();
    assert.ok((await page.locator(id(testIds.job.logLine)).count()) >= 10);
    assert.equal(await page.locator(id(testIds.job.message)).count(), 3);
    assert.deepEqual(problems, []);
  });
});

describe('query editor', { skip }, () => {
  it('builds a metrics query: metric, aggregation, group-by; the preview line and the panel follow', async () => {
    const { page, problems } = await visit('/harness/query-editor');
    await resultDone(page);
    await andResult(page, () => pickOption(page, page.locator(id(testIds.queryEditor.metric)), 'Jobs failed'));
    await andResult(page, () => pickOption(page, page.locator(id(testIds.queryEditor.aggregation)), 'rate'));
    await andResult(page, () => pickOption(page, page.locator(id(testIds.queryEditor.groupBy)), 'worker'));
    await page.keyboard.press('Escape');
    assert.equal(
      await page.locator(id(testIds.queryEditor.summary)).textContent(),
      'rate of job.failed by mode, worker, per $__interval'
    );
    const query = await harnessQuery(page);
    assert.deepEqual([query.metric, query.aggregation, query.groupBy], ['job.failed', 'rate', ['mode', 'worker']]);
    const result = await resultState(page);
    assert.equal(result.state, 'done', result.text);
    assert.match(result.text, /genius \/ w2/, 'the failed genius job on w2 is a series');
    assert.deepEqual(problems, []);
  });

  it('adds a filter with a value suggested by the backend, then switches to SQL and back keeping the builder', async () => {
    const hostPage = await visit('/harness/query-editor?app=dashboard');
    const { page, problems } = hostPage;
    await resultDone(page);
    await page.locator(id(testIds.filters.add)).click();
    await pickOption(page, page.locator(id(testIds.filters.key)), 'worker');
    await page.locator(id(testIds.filters.value)).click();
    // the suggestions come from the backend's dimensions/worker/values
    await optionNamed(page, 'w2').waitFor();
    assert.equal(await optionNamed(page, 'w3').count(), 1);
    await andResult(page, () => optionNamed(page, 'w2').click());
    assert.equal(
      await page.locator(id(testIds.queryEditor.summary)).textContent(),
      'count of job.completed by mode, where worker = w2, per $__interval'
    );
    assert.match((await resultState(page)).text, /mechanic/);
    await screenshot(page, 'flow-metrics-filter', harness(hostPage));
    const builder = await harnessQuery(page);

    await andResult(page, () => page.getByRole('radio', { name: 'SQL' }).click());
    await page.locator('.monaco-editor .view-lines').waitFor();
    assert.match((await page.locator('.monaco-editor .view-lines').textContent()) ?? '', /FROM\s*ledger_events/);
    const sql = await resultState(page);
    assert.equal(sql.state, 'done', `the starter SQL runs: ${sql.text}`);
    await screenshot(page, 'flow-sql-starter', harness(hostPage));

    await andResult(page, () => page.getByRole('radio', { name: 'Metrics' }).click());
    const back = await harnessQuery(page);
    assert.deepEqual(
      { ...back, queryType: undefined, rawSql: undefined },
      { ...builder, queryType: undefined, rawSql: undefined }
    );
    assert.equal(back.queryType, 'metrics');
    assert.equal(await page.locator(id(testIds.filters.row)).count(), 1);
    assert.equal(
      await page.locator(id(testIds.queryEditor.summary)).textContent(),
      'count of job.completed by mode, where worker = w2, per $__interval'
    );
    assert.deepEqual(problems, []);
  });

  it('completes macros and the ledger columns in the SQL editor', async () => {
    const saved = {
      refId: 'A',
      version: 1,
      queryType: 'sql',
      rawSql: "SELECT id, status FROM jobs WHERE status = 'running'",
    };
    const hostPage = await visit(`/harness/query-editor?query=${encodeURIComponent(JSON.stringify(saved))}`);
    const { page, problems } = hostPage;
    await resultDone(page);
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' AND $__ti');
    const suggestions = page.locator('.monaco-editor .suggest-widget');
    await suggestions.getByText('$__timeFilter').first().waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.type('meFilter(claimed_at) AND jobs.');
    await suggestions.getByText('last_heartbeat_at').first().waitFor();
    await screenshot(page, 'flow-sql-completion', harness(hostPage));
    await page.keyboard.press('Escape');
    await page.keyboard.type('mode IS NOT NULL');
    await andResult(page, () => page.keyboard.press('Control+Enter'));
    const result = await resultState(page);
    assert.equal(result.state, 'done', `the completed SQL runs: ${result.text}`);
    assert.match(String((await harnessQuery(page)).rawSql), /\$__timeFilter\(claimed_at\) AND jobs\.mode IS NOT NULL$/);
    assert.deepEqual(problems, []);
  });

  it('upgrades a saved query of an older model when it opens', async () => {
    const saved = {
      refId: 'A',
      queryType: 'metrics',
      metric: 'job.completed',
      aggregation: 'count',
      groupBy: ['mode'],
    };
    const { page, problems } = await visit(`/harness/query-editor?query=${encodeURIComponent(JSON.stringify(saved))}`);
    await resultDone(page);
    assert.deepEqual(await harnessQuery(page), { ...saved, version: 1 });
    assert.deepEqual(problems, []);
  });

  it("interpolates the dashboard's variables with Grafana's scenes: the datasource's quoting and explicit formats", async () => {
    // Formats like ${var:sqlstring} and ${var:regex} are Grafana's (sceneGraph.interpolate); $mode is multi-value.
    const saved = {
      refId: 'A',
      version: 1,
      queryType: 'sql',
      rawSql:
        "SELECT DISTINCT job_id FROM ledger_events WHERE kind = 'job.completed' AND mode IN ($mode) " +
        "AND mode IN (${mode:sqlstring}) AND worker_id ~ '^${worker:regex}$' ORDER BY job_id",
    };
    const { page, problems } = await visit(`/harness/query-editor?query=${encodeURIComponent(JSON.stringify(saved))}`);
    await resultDone(page);
    const selected = (name: string) => [HARNESS_VARIABLES.find((variable) => variable.name === name)!.value].flat();
    const events = browserLedgerEvents(Date.now());
    const expected = events
      .filter((event) => event.kind === 'job.completed')
      .filter((event) => selected('mode').includes(event.mode!) && selected('worker').includes(event.workerId!))
      .map((event) => event.jobId!);
    assert.ok(expected.length > 0, 'the fixture has completed jobs of the selected modes and worker');
    const { text } = await resultState(page);
    const allJobs = [...new Set(events.flatMap((event) => (event.jobId ? [event.jobId] : [])))];
    assert.deepEqual(allJobs.filter((job) => text.includes(job)).sort(), [...new Set(expected)].sort());
    assert.deepEqual(problems, []);
  });

  it('in an alert rule, starts with instant values and offers no live mode or table', async () => {
    const { page, problems } = await visit('/harness/query-editor?app=unified-alerting');
    await resultDone(page);
    assert.equal((await harnessQuery(page)).format, 'instant');
    assert.equal(await page.locator(id(testIds.queryEditor.live)).count(), 0);
    assert.equal(await page.getByRole('radio', { name: 'Table' }).count(), 0);
    assert.deepEqual(problems, []);
  });
});

describe('variable and annotation editors, datasource and app settings', { skip }, () => {
  it('the variable editor lists the values of the chosen dimension from the ledger', async () => {
    const { page, problems } = await visit('/harness/variable-editor');
    const values = page.locator('[data-testid="harness-variable-values"]');
    await values.and(page.locator('[data-state="done"]')).waitFor();
    await pickOption(page, page.locator(id(testIds.variableEditor.dimension)), 'worker');
    await page.waitForFunction(() =>
      /w3/.test(
        (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="harness-variable-values"]')
          ?.textContent ?? ''
      )
    );
    assert.match((await values.textContent()) ?? '', /w1/);
    assert.deepEqual(problems, []);
  });

  it('the annotation editor marks only the chosen ledger facts', async () => {
    const { page, problems } = await visit('/harness/annotation-editor');
    await resultDone(page);
    const result = page.locator('[data-testid="harness-result"]');
    assert.match((await result.textContent()) ?? '', /Incident: worker w3 silent.*Escalation: repeated timeouts/s);
    await page.locator(id(testIds.annotationEditor.sources)).getByText('incident', { exact: true }).click();
    await page.waitForFunction(
      () =>
        !/Incident:/.test(
          (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="harness-result"]')
            ?.textContent ?? 'Incident:'
        )
    );
    assert.match((await result.textContent()) ?? '', /Escalation: repeated timeouts/);
    assert.deepEqual(problems, []);
  });

  it('the datasource settings validate on the field, and Save & test shows the health check in its own words', async () => {
    const hostPage = await visit('/harness/datasource-config');
    const { page, problems } = hostPage;
    try {
      const pool = page.locator(id(testIds.configEditor.maxOpenConns));
      await pool.fill('500');
      await page.getByText('Enter a whole number from 1 to 200').waitFor();
      await pool.fill('20');
      assert.equal(await page.getByText('Enter a whole number from 1 to 200').count(), 0);

      await page.locator('[data-testid="harness-save-test"]').click();
      const health = page.locator('[data-testid="harness-health"]');
      await health.waitFor();
      assert.equal(await health.getAttribute('data-status'), 'success', (await health.textContent()) ?? '');
      assert.match((await health.textContent()) ?? '', /Connected to PostgreSQL \d+/);

      // A wrong password: the backend's [auth] message, never the password itself.
      await page.getByRole('button', { name: 'Reset' }).first().click();
      await page.locator(id(testIds.configEditor.password)).fill('not-the-password');
      await page.locator('[data-testid="harness-save-test"]').click();
      await health.and(page.locator('[data-status="error"]')).waitFor();
      const message = (await health.textContent()) ?? '';
      assert.match(message, /\[auth\]/);
      assert.doesNotMatch(message, /not-the-password/);
      await screenshot(page, 'flow-datasource-save-test-error', harness(hostPage));
      // Grafana answers a failed health check with HTTP 400; the browser logs that response, nothing else may appear.
      assert.deepEqual(
        problems.filter((problem) => !/status of 400 .*\/health/.test(problem)),
        []
      );
    } finally {
      suite!.host.resetDatasource();
    }
  });

  it('the app configuration page saves the chosen datasource', async () => {
    const { page, problems } = await visit('/plugins/aicodeteam-ledger-app');
    await page.locator(id(testIds.appConfig.datasource)).getByText('Ledger').waitFor();
    await Promise.all([page.waitForEvent('load'), page.locator(id(testIds.appConfig.save)).click()]);
    const settings = (await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).fetch('/api/plugins/aicodeteam-ledger-app/settings').then((r) => r.json())
    )) as { jsonData: unknown };
    assert.deepEqual(settings.jsonData, { datasourceUid: 'ledger-browser' });
    await waitForHost(page);
    assert.deepEqual(problems, []);
  });
});

describe('every editor and page renders against the real backend without console errors', { skip }, () => {
  for (const theme of THEMES) {
    for (const screen of SCREENS) {
      it(`${screen.name} (${theme})`, async () => {
        if (screen.name === 'overview') {
          await suite!.heartbeat();
        }
        const hostPage = await visit(screen.path, theme);
        await screen.ready(hostPage.page);
        await screenshot(
          hostPage.page,
          `${screen.name}-${theme}`,
          screen.element ? hostPage.page.locator(screen.element) : undefined
        );
        assert.deepEqual(hostPage.problems, []);
      });
    }
  }

  it('asked the host for nothing it does not implement', () => {
    assert.deepEqual(suite!.host.unknownCalls, []);
  });
});
