/**
 * #12, defect 6: a saved query whose optional fields are `null` failed the whole panel with
 * 400 "live: expected boolean, received null; legend: …". Dashboards written by tools, the HTTP API and cleared
 * editor fields carry nulls, and null means unset. Fixed in src/contract/query.ts (readSavedQuery), which
 * src/backend/query/plan.ts applies before validating.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { appendEvents } from '../../src/ledger/writer';
import { FIXTURE_EVENTS, FIXTURE_RANGE } from '../integration/fixtures/queryTypesFixture';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

/** The panel query of the report, as a dashboard written through the HTTP API stores it. */
const SAVED_WITH_NULLS = {
  datasource: { type: 'aicodeteam-ledger-datasource', uid: 'ledger-dev' },
  queryType: 'metrics',
  metric: 'job.completed',
  aggregation: 'count',
  groupBy: ['mode'],
  filters: null,
  format: 'instant',
  live: null,
  legend: null,
  search: null,
  limit: null,
  traceId: null,
  rawSql: null,
  sqlFormat: null,
  dimension: null,
  annotationSources: null,
  version: null,
  hide: false,
};

let ledger: LedgerTestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('regression_0024');
  const client = await ledger.connect();
  await appendEvents(client, FIXTURE_EVENTS);
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

/** Completed jobs per mode in the range, counted from the fixture itself. */
function completedByMode(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of FIXTURE_EVENTS) {
    const at = new Date(event.occurredAt).getTime();
    if (event.kind === 'job.completed' && at >= FIXTURE_RANGE.from && at < FIXTURE_RANGE.to) {
      const mode = event.mode ?? '(none)';
      counts[mode] = (counts[mode] ?? 0) + 1;
    }
  }
  return counts;
}

it('runs a saved query whose optional fields are null as if they were unset', async () => {
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: datasourceContext({ url: ledger.url }),
    queries: [dataQuery('A', SAVED_WITH_NULLS, FIXTURE_RANGE)],
  });
  const answer = response.responses.A;
  assert.equal(answer.error, '', 'no error');
  assert.equal(answer.status, 200);
  const values: Record<string, number> = {};
  for (const bytes of answer.frames as Buffer[]) {
    const table = tableFromIPC(bytes);
    const valueField = table.schema.fields[table.schema.fields.length - 1]!;
    const labels = JSON.parse(valueField.metadata.get('labels') ?? '{}') as Record<string, string>;
    values[labels.mode!] = Number(table.getChildAt(table.numCols - 1)!.get(0));
  }
  assert.deepEqual(values, completedByMode());
});
