/**
 * #12, defect 7: "jobs over 60 s, slowest first" (and "jobs over their token cap", "the failed jobs of the last
 * hour") needed raw SQL — the query builder had no jobs listing. Asked as Grafana sends it to the built executable,
 * the builder's query must answer it: the jobs that finished in the range after more than 60 s, slowest first, each
 * linking to its job page and trace. Before the fix the backend refused the query type ("queryType: Invalid option").
 * Fixed in src/backend/query/jobs/ (queryType "jobs", src/contract/query.ts).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { appendEvents } from '../../src/ledger/writer';
import { jobEvents, JOBS_RANGE, oracleJobIds } from '../integration/fixtures/jobsFixture';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

let ledger: LedgerTestDatabase;
let plugin: PluginUnderTest;

before(async () => {
  ledger = await createLedgerTestDatabase('reg0025');
  await appendEvents(await ledger.connect(), jobEvents());
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

it('answers "jobs over 60 s, slowest first" with one builder query', async () => {
  const overMinute = { field: 'duration_ms', operator: '>', value: 60_000 } as const;
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: datasourceContext({ url: ledger.url }),
    queries: [dataQuery('A', { queryType: 'jobs', jobConditions: [overMinute], sortBy: 'duration_ms' }, JOBS_RANGE)],
  });
  const answer = response.responses.A;
  assert.equal(answer.status, 200, answer.error);
  const table = tableFromIPC(answer.frames[0]);
  const expected = oracleJobIds({ conditions: [overMinute], sortBy: 'duration_ms' });
  assert.ok(expected.length >= 3, 'the fixture has several jobs over a minute in the range');
  assert.deepEqual([...(table.getChild('job')?.toArray() ?? [])], expected);
  const durations = [...(table.getChild('duration_ms')?.toArray() ?? [])] as number[];
  assert.ok(
    durations.every((d, i) => d > 60_000 && (i === 0 || durations[i - 1]! >= d)),
    'over 60 s, slowest first'
  );
  const config = JSON.parse(table.schema.fields[0]!.metadata.get('config') ?? '{}');
  assert.equal(config.links[0].url, '/a/aicodeteam-ledger-app/job/${__value.raw}');
  assert.equal(config.links[1].internal.query.queryType, 'traces');
});
