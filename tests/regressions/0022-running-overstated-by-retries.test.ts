/**
 * #12, defect 2 (external check): job.running over past buckets was overstated by the number of retry requeues
 * after each bucket (27–32 running where the ledger gives 0–5). The replay went back from "now" by event kind
 * (+claimed −completed −failed −requeued), so a requeue after job.failed counted as leaving "running" a second time.
 * Fixed in src/backend/query/metrics/lifecycleSql.ts (per-job replay: each lifecycle event moves its job from its
 * previous status). Expected values come from the per-job replay oracle of the integration tests.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import { tableFromIPC } from 'apache-arrow';

import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { appendEvents } from '../../src/ledger/writer';
import { jobHistories, jobsInStatus } from '../integration/metrics/stateOracle';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const MINUTE = 60_000;
const FROM = Date.UTC(2026, 10, 2, 9);
const TO = FROM + 60 * MINUTE;
const BUCKET = 10 * MINUTE;

/** Five jobs claimed in the first bucket; each fails, is requeued by its worker, is claimed again and completes. */
function retriedJobs(): LedgerEvent[] {
  const at = (minutes: number) => new Date(FROM + minutes * MINUTE);
  return Array.from({ length: 5 }, (_, i): LedgerEvent[] => {
    const base = { jobId: `job-${i}`, mode: 'mechanic', agent: 'coder' };
    return [
      { ...base, kind: 'job.created', occurredAt: at(i) },
      { ...base, kind: 'job.claimed', occurredAt: at(i + 1), workerId: 'w1' },
      { ...base, kind: 'job.failed', occurredAt: at(i + 15), workerId: 'w1', name: 'TestsFailed', durationMs: 1 },
      { ...base, kind: 'job.requeued', occurredAt: at(i + 16), workerId: 'w1', name: 'retry' },
      { ...base, kind: 'job.claimed', occurredAt: at(i + 25), workerId: 'w2' },
      { ...base, kind: 'job.completed', occurredAt: at(i + 45), workerId: 'w2', durationMs: 1 },
    ];
  }).flat();
}

let ledger: LedgerTestDatabase;
let plugin: PluginUnderTest;
const events = retriedJobs();

before(async () => {
  ledger = await createLedgerTestDatabase('reg0022');
  await appendEvents(await ledger.connect(), events);
  plugin = await launchPlugin();
});

after(async () => {
  plugin?.kill();
  await ledger?.drop();
});

it('counts a job that failed and was requeued as not running, at every bucket end', async () => {
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext: datasourceContext({ url: ledger.url }),
    queries: [
      dataQuery(
        'A',
        { queryType: 'metrics', metric: 'job.running', format: 'timeseries' },
        { from: FROM, to: TO },
        BUCKET
      ),
    ],
  });
  const a = response.responses.A;
  assert.equal(a.status, 200, a.error);
  const [frame] = a.frames as Buffer[];
  const table = tableFromIPC(frame!);
  const times = [...(table.getChildAt(0)!.toArray() as BigInt64Array)].map((ns) => Number(ns / 1_000_000n));
  const values = [...table.getChildAt(1)!.toArray()].map(Number);

  const ends = times.map((t) => [t, Math.min(t + BUCKET, TO)] as [number, number]);
  const [expected] = jobsInStatus(jobHistories(events), { status: 'running', points: ends });
  assert.deepEqual(
    values,
    expected!.points.map(([, v]) => v),
    'running at each bucket end'
  );
  assert.ok(
    values.some((v) => v > 0),
    'jobs are running at some bucket end'
  );
});
