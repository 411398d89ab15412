/**
 * The bundled dashboards (src/dashboards → dist/dashboards, listed in plugin.json `includes`, provisioned in the
 * compose stack):
 * - statically: Grafana's dashboard model, the datasource only ever through the `datasource` variable (a shipped
 *   dashboard with a hard-coded datasource uid fails here), units, thresholds and descriptions on every panel,
 *   queries that the metrics catalog accepts, and links that open pages the app serves;
 * - by running them: every variable query, annotation query and panel query goes through the plugin's QueryData
 *   handler against a simulated `steady` ledger, interpolated the way the frontend does it (LedgerDataSource's
 *   applyTemplateVariables with "All" selected, the panel's interval), and must answer without error, with data, in
 *   the frame type its panel draws.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { CheckedFrame } from '../../src/backend/frames/frame';
import {
  DATASOURCE_REF,
  dashboardLinks,
  GLOBAL_VARIABLES,
  hardcodedDatasources,
  linkProblems,
  targetProblems,
  variableReferences,
} from './support/dashboardChecks';
import { dashboardQueries, resolveVariables } from './support/dashboardQueries';
import {
  allPanels,
  dashboards,
  DATASOURCE_TYPE,
  pluginJson,
  provisionedJsonData,
  queryPanels,
  type Json,
} from './support/provisioningFiles';
import { ANCHOR as E, HOUR, createScenarioLedger, type ScenarioLedger } from './support/scenarioLedger';

const DASHBOARDS = dashboards();
const UIDS = new Set([...DASHBOARDS.values()].map((d) => d.uid as string));
/** The time range the dashboards are run with: the last 3 hours before the anchor. */
const RANGE = { from: E - 3 * HOUR, to: E };

describe('dashboard JSON', () => {
  test('the four dashboards of the issue are shipped', () => {
    assert.deepEqual([...DASHBOARDS.values()].map((d) => d.title).sort(), [
      'Ledger / Health',
      'Ledger / Jobs overview',
      'Ledger / Performance',
      'Ledger / Resources',
    ]);
  });

  test('plugin.json includes every dashboard file, and only those', () => {
    const includes = (pluginJson().includes as Json[]).filter((i) => i.type === 'dashboard');
    assert.deepEqual(
      includes.map((i) => i.path).sort(),
      [...DASHBOARDS.keys()].map((file) => `dashboards/${file}`).sort()
    );
    for (const include of includes) {
      const dashboard = DASHBOARDS.get(include.path.replace('dashboards/', ''))!;
      assert.equal(include.uid, dashboard.uid, `${include.path}: include uid`);
      assert.equal(include.name, dashboard.title, `${include.path}: include name is the dashboard title`);
    }
  });

  for (const [file, dashboard] of DASHBOARDS) {
    describe(file, () => {
      test('is a Grafana dashboard model with a datasource variable', () => {
        assert.match(dashboard.uid, /^[a-zA-Z0-9_-]{1,40}$/);
        assert.ok(dashboard.schemaVersion >= 39, 'schemaVersion');
        assert.ok(dashboard.tags.includes('ledger'), 'tagged ledger (the dashboards link to each other by tag)');
        assert.equal(dashboard.id, undefined, 'no database id in a shipped dashboard');
        const variables = dashboard.templating.list as Json[];
        const datasource = variables.find((v) => v.name === 'datasource');
        assert.ok(datasource, 'a datasource variable');
        assert.equal(datasource.type, 'datasource');
        assert.equal(datasource.query, DATASOURCE_TYPE);
        for (const variable of variables.filter((v) => v.type === 'query')) {
          assert.deepEqual(
            variable.datasource,
            DATASOURCE_REF,
            `variable ${variable.name} queries the datasource variable`
          );
          assert.equal(variable.query.queryType, 'variables', `variable ${variable.name} is a dimension-values query`);
          assert.ok(variable.includeAll && variable.multi, `variable ${variable.name} offers All and several values`);
        }
      });

      test('names no datasource except through ${datasource}', () => {
        assert.deepEqual(hardcodedDatasources(dashboard), []);
      });

      test('panels have unique ids and fit the 24-column grid without overlapping', () => {
        const panels = allPanels(dashboard);
        const ids = panels.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length, 'unique panel ids');
        const cells = new Set<string>();
        for (const panel of panels) {
          const { x, y, w, h } = panel.gridPos;
          assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0, `panel "${panel.title}" gridPos`);
          for (let cx = x; cx < x + w; cx++) {
            for (let cy = y; cy < y + h; cy++) {
              const cell = `${cx},${cy}`;
              assert.ok(!cells.has(cell), `panel "${panel.title}" overlaps another at ${cell}`);
              cells.add(cell);
            }
          }
        }
      });

      test('every panel has a description, a unit and thresholds, and valid Ledger queries', () => {
        const names = new Set((dashboard.templating.list as Json[]).map((v) => v.name as string));
        for (const panel of queryPanels(dashboard)) {
          const where = `panel "${panel.title}"`;
          assert.ok(typeof panel.description === 'string' && panel.description.length > 20, `${where}: description`);
          const defaults = panel.fieldConfig?.defaults ?? {};
          assert.ok(typeof defaults.unit === 'string' && defaults.unit.length > 0, `${where}: unit`);
          const steps = defaults.thresholds?.steps as Json[] | undefined;
          assert.ok(steps && steps.length > 0 && steps[0]!.value === null, `${where}: thresholds with a base step`);
          assert.deepEqual(panel.datasource, DATASOURCE_REF, `${where}: datasource`);
          const targets = panel.targets as Json[];
          assert.ok(targets.length > 0, `${where}: queries`);
          assert.equal(new Set(targets.map((t) => t.refId)).size, targets.length, `${where}: unique refIds`);
          for (const target of targets) {
            assert.deepEqual(target.datasource, DATASOURCE_REF, `${where} ${target.refId}: datasource`);
            assert.deepEqual(targetProblems(target), [], `${where} ${target.refId}`);
            for (const name of variableReferences(JSON.stringify(target))) {
              assert.ok(
                names.has(name) || GLOBAL_VARIABLES.has(name),
                `${where} ${target.refId}: unknown variable $${name}`
              );
            }
          }
        }
      });

      test('links open pages the app serves, Explore with Ledger queries, or shipped dashboards', () => {
        const links = dashboardLinks(dashboard);
        assert.ok(
          links.some((l) => l.url.includes('/job/')),
          'links to the job detail page'
        );
        assert.ok(
          links.some((l) => l.url.startsWith('/explore')),
          'links to Explore'
        );
        for (const { at, url } of links) {
          assert.deepEqual(linkProblems(url, UIDS), [], at);
        }
      });
    });
  }

  test('the hard-coded datasource guard catches a uid, a name and another type', () => {
    const shipped = [...DASHBOARDS.values()][0]!;
    const broken = structuredClone(shipped);
    const panel = queryPanels(broken)[0]!;
    panel.targets[0].datasource = { type: DATASOURCE_TYPE, uid: 'ledger' };
    panel.datasource = 'Ledger';
    broken.templating.list.push({ name: 'x', type: 'query', datasource: { type: 'prometheus', uid: '${datasource}' } });
    assert.equal(hardcodedDatasources(broken).length, 3);
  });

  test('the link checker rejects runbooks and pages the app does not serve', () => {
    assert.notDeepEqual(linkProblems('/a/aicodeteam-ledger-app/runbooks/no-such-runbook', UIDS), []);
    assert.notDeepEqual(linkProblems('/a/aicodeteam-ledger-app/jobs/x', UIDS), []);
    assert.notDeepEqual(linkProblems('/d/not-shipped', UIDS), []);
    assert.deepEqual(linkProblems('/a/aicodeteam-ledger-app/runbooks/queue-backlog', UIDS), []);
  });
});

// ------------------------------------------------------------------------------------------------ run every query

let ledger: ScenarioLedger;
let jobId = '';
const jsonData = provisionedJsonData();

async function run(model: Json, refId: string, intervalMs = 60_000, maxDataPoints = 1_000): Promise<CheckedFrame[]> {
  const response = (
    await ledger.query([{ refId, model, from: RANGE.from, to: RANGE.to, intervalMs, maxDataPoints }], { jsonData })
  ).get(refId);
  assert.ok(response, `${refId}: a response`);
  assert.equal(response.error, undefined, `${refId}: ${response.error?.message}`);
  return response.frames;
}

const hasRows = (frames: readonly CheckedFrame[]) =>
  frames.some((f) => f.fields.length > 0 && (f.fields[0]!.values as ArrayLike<unknown>).length > 0);
const hasNumber = (frames: readonly CheckedFrame[]) =>
  frames.some((f) =>
    f.fields.some(
      (field) =>
        field.type === 'number' &&
        Array.from(field.values as ArrayLike<unknown>).some((v) => v !== null && !Number.isNaN(Number(v)))
    )
  );

/** Checks the frames against what the panel type draws. */
function checkFrames(panelType: string, frames: readonly CheckedFrame[], where: string, live: boolean): void {
  assert.ok(frames.length > 0, `${where}: frames`);
  assert.ok(hasRows(frames), `${where}: non-empty data`);
  const types = frames.map((f) => f.meta?.type);
  const visual = frames.map((f) => f.meta?.preferredVisualisationType);
  if (live) {
    assert.ok(
      frames.every((f) => String(f.meta?.channel ?? '').startsWith('ds/ledger/')),
      `${where}: live frames name their channel`
    );
  }
  switch (panelType) {
    case 'timeseries':
      assert.ok(
        types.every((t) => t === 'timeseries-multi' || t === 'timeseries-wide'),
        `${where}: time series frames, got ${types.join(',')}`
      );
      assert.ok(hasNumber(frames), `${where}: values`);
      break;
    case 'stat':
    case 'gauge':
    case 'bargauge':
    case 'piechart':
      assert.ok(
        types.every(
          (t) => t === 'numeric-multi' || t === 'numeric-wide' || t === 'timeseries-multi' || t === 'timeseries-wide'
        ),
        `${where}: numbers or series to reduce, got ${types.join(',')}`
      );
      assert.ok(hasNumber(frames), `${where}: a value`);
      break;
    case 'table':
      assert.ok(
        visual.every((v) => v === 'table'),
        `${where}: table frames, got ${visual.join(',')}`
      );
      break;
    case 'histogram':
      assert.ok(hasNumber(frames), `${where}: numbers to bucket`);
      break;
    case 'logs':
      assert.ok(
        types.every((t) => t === 'log-lines') && visual.every((v) => v === 'logs'),
        `${where}: log-lines frames`
      );
      break;
    case 'traces':
      assert.ok(
        visual.every((v) => v === 'trace'),
        `${where}: a trace frame`
      );
      assert.ok(
        frames[0]!.fields.some((f) => f.name === 'spanID'),
        `${where}: spans`
      );
      break;
    default:
      assert.fail(`${where}: panel type ${panelType} has no frame expectation`);
  }
}

describe('every dashboard query against a steady ledger', () => {
  before(async () => {
    ledger = await createScenarioLedger('dashboards', [{ scenario: 'steady', from: RANGE.from, to: RANGE.to }]);
    const admin = await ledger.ledger.connect();
    const failed = await admin.query<{ job_id: string }>(
      `SELECT job_id FROM ledger_events WHERE kind = 'job.failed' AND occurred_at < $1 ORDER BY occurred_at DESC LIMIT 1`,
      [new Date(RANGE.to)]
    );
    jobId = failed.rows[0]?.job_id ?? '';
    assert.ok(jobId, 'the steady ledger has a failed job to open');
  });

  after(async () => {
    await ledger?.close();
  });

  for (const [file, dashboard] of DASHBOARDS) {
    test(`${file}: variables, annotations and every panel`, async (t) => {
      const variables = await resolveVariables(dashboard, run, jobId);
      const queries = dashboardQueries(file, dashboard, variables, RANGE);
      for (const query of queries) {
        const frames = await run(query.model, query.refId, query.intervalMs, query.maxDataPoints);
        if (query.panelType === 'annotation') {
          const fields = frames[0]?.fields.map((f) => f.name) ?? [];
          assert.ok(
            ['time', 'title', 'text'].every((name) => fields.includes(name)),
            `${query.where}: ${fields.join(',')}`
          );
        } else {
          checkFrames(query.panelType, frames, query.where, query.live);
        }
      }
      t.diagnostic(`${queries.length} queries answered`);
    });
  }
});
