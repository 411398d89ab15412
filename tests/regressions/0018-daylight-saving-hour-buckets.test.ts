/**
 * #12 (defect 1): on daylight-saving nights hour buckets followed the local wall clock. In Europe/Berlin the spring
 * night had two points at 01:00Z (Grafana's data-plane time-series reader, which alerting uses, rejects a repeated
 * time) and the autumn night merged the repeated local hour into one bucket (no point at 00:00Z, and 01:00Z holding
 * both hours: 17 where the ledger has 7 and 10). Buckets shorter than a day are now intervals of the time line.
 * Fixed in src/backend/query/buckets.ts and timeBucketSql.ts.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { tableFromIPC } from 'apache-arrow';

import { appendEvents } from '../../src/ledger/writer';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const HOUR = 3_600_000;
const SPRING_NIGHT = Date.parse('2026-03-28T22:00:00Z'); // 00:00 CET; at 01:00Z 02:00 CET becomes 03:00 CEST
const AUTUMN_NIGHT = Date.parse('2026-10-24T22:00:00Z'); // 00:00 CEST; at 01:00Z 03:00 CEST becomes 02:00 CET

let ledger: LedgerTestDatabase;
let plugin: PluginUnderTest;

/** `count` completions spread over the hour that starts at `hourStart`. */
function completions(prefix: string, hourStart: number, count: number): LedgerEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'job.completed' as const,
    occurredAt: new Date(hourStart + (i * 5 + 2) * 60_000),
    jobId: `${prefix}-${i}`,
  }));
}

before(async () => {
  ledger = await createLedgerTestDatabase('reg0018');
  const client = await ledger.connect();
  await appendEvents(client, [
    ...completions('spring-cet', SPRING_NIGHT + 2 * HOUR, 3), // 01:xx CET
    ...completions('spring-cest', SPRING_NIGHT + 3 * HOUR, 4), // 03:xx CEST
    ...completions('autumn-cest', AUTUMN_NIGHT + 2 * HOUR, 7), // the first 02:xx (CEST)
    ...completions('autumn-cet', AUTUMN_NIGHT + 3 * HOUR, 10), // the second 02:xx (CET)
  ]);
  await client.end();
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

async function hourlyCounts(night: number): Promise<Array<[string, number]>> {
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: datasourceContext({ url: ledger.url }),
    queries: [
      dataQuery(
        'A',
        { queryType: 'metrics', metric: 'job.completed', format: 'timeseries', timezone: 'Europe/Berlin' },
        { from: night, to: night + 6 * HOUR },
        HOUR
      ),
    ],
  });
  assert.equal(response.responses.A.status, 200, JSON.stringify(response.responses.A.error));
  const table = tableFromIPC(response.responses.A.frames[0]);
  const times = Array.from(table.getChildAt(0)!.toArray() as BigInt64Array, (ns) => Number(ns / 1_000_000n));
  const values = Array.from(table.getChildAt(1)!.toArray() as Float64Array);
  return times.map((t, i) => [new Date(t).toISOString(), values[i]!]);
}

const hours = (night: number) => Array.from({ length: 6 }, (_, i) => new Date(night + i * HOUR).toISOString());

it('gives the spring night one point per hour of the time line, none repeated', async () => {
  const points = await hourlyCounts(SPRING_NIGHT);
  assert.deepEqual(
    points.map(([t]) => t),
    hours(SPRING_NIGHT)
  );
  assert.deepEqual(
    points.map(([, v]) => v),
    [0, 0, 3, 4, 0, 0]
  );
});

it('gives each of the autumn night two 02:00 hours its own bucket', async () => {
  const points = await hourlyCounts(AUTUMN_NIGHT);
  assert.deepEqual(
    points.map(([t]) => t),
    hours(AUTUMN_NIGHT)
  );
  assert.deepEqual(
    points.map(([, v]) => v),
    [0, 0, 7, 10, 0, 0]
  );
});
