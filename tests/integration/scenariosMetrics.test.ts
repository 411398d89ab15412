/**
 * Metrics over windows long enough for the rollups (more than 48 hours, hourly buckets), on a simulated steady team,
 * checked by value against the independent oracle (metrics/metricOracle.ts, metrics/jobOracle.ts). The window
 * starts and ends off the hour, so every answer combines rollup rows with raw rows at both edges. Exact paths must
 * agree to 1e-9; the one approximate path (percentile instants from the daily histograms) to within a bin (4.4%).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Aggregation, Dimension } from '../../src/contract/query';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { simulate } from '../../src/ledger/simulator/engine';
import { resolveScenario } from '../../src/ledger/simulator/scenario';
import { SCENARIO_LIBRARY } from '../../src/ledger/simulator/scenarios/index';
import { copyEvents } from '../../src/ledger/writer';
import { lastHeartbeats } from './metrics/jobOracle';
import { oracle, type OracleSeries } from './metrics/metricOracle';
import { jobHistories, jobsInStatus } from './metrics/stateOracle';
import { runQuery, seriesOf, sortSeries, targetFor } from './support/runQuery';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 2, 0);
/** 50 hours off the hour at both ends: rollups for the whole hours, raw rows for the edges. */
const FROM = START + 37 * 60_000;
const TO = START + 50 * HOUR - 23 * 60_000;
// steady, with a heartbeat a minute: heartbeats are not what this test is about, and they would be most rows
const SCENARIO = resolveScenario('quiet', {
  ...SCENARIO_LIBRARY,
  quiet: { extends: 'steady', name: 'quiet', team: { heartbeatEvery: '1m' } },
});

function close(actual: number | null, expected: number | null, tolerance: number, context: string): void {
  if (actual === null || expected === null) {
    assert.equal(actual, expected, context);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${context}: ${actual} ≠ ${expected}`
  );
}

function assertSeries(actual: OracleSeries[], expected: OracleSeries[], tolerance: number, context: string): void {
  const a = sortSeries(actual);
  const e = sortSeries(expected);
  assert.deepEqual(
    a.map((s) => s.labels),
    e.map((s) => s.labels),
    `${context}: labels`
  );
  a.forEach((series, i) => {
    assert.equal(series.points.length, e[i]!.points.length, `${context}: points`);
    series.points.forEach(([t, v], j) => {
      const [wantT, wantV] = e[i]!.points[j]!;
      assert.equal(t, wantT, `${context}: time`);
      close(v, wantV, tolerance, `${context} ${JSON.stringify(series.labels)} @${new Date(t).toISOString()}`);
    });
  });
}

describe('metrics over long windows (rollups + raw edges)', () => {
  let ledger: LedgerTestDatabase;
  let events: LedgerEvent[];
  let target: ReturnType<typeof targetFor>;

  before(async () => {
    ledger = await createLedgerTestDatabase('scenarios_metrics');
    events = [...simulate({ scenario: SCENARIO, seed: 11, scale: 0.12, start: START, end: START + 51 * HOUR })];
    // Events without a duration: on raw rows their groups still appear (with NULL percentiles), so they must here.
    const at = (minutes: number) => new Date(START + 20 * HOUR + minutes * 60_000);
    events.push(
      { kind: 'tool.call', occurredAt: at(1), name: 'ghost_tool', mode: 'genius' },
      { kind: 'tool.call', occurredAt: new Date(TO - 60_000), name: 'ghost_tool', mode: 'genius' },
      { kind: 'job.failed', occurredAt: at(2), jobId: 'job-no-duration', name: 'Crash', mode: 'genius' }
    );
    await copyEvents(await ledger.connect(), events);
    target = targetFor(ledger.url, { tokenBudgetDaily: 2_000_000, costBudgetDailyUsd: 50 });
  });
  after(async () => {
    await target?.close();
    await ledger?.drop();
  });

  const cases: Array<[string, Aggregation, Dimension[]]> = [
    ['job.finished', 'count', ['status', 'mode']],
    ['job.failure_rate', 'avg', []],
    ['job.duration_ms', 'p95', []],
    ['job.duration_ms', 'p99', ['status']],
    ['job.duration_ms', 'avg', ['mode']],
    ['tool.duration_ms', 'p99', ['tool']],
    ['tool.duration_ms', 'max', ['tool']],
    ['tool.duration_ms', 'min', []],
    ['llm.latency_ms', 'p95', ['model']],
    ['llm.error_rate', 'avg', ['model']],
    ['tokens.used', 'sum', ['model']],
    ['tokens.used', 'max', []],
    ['cost.usd', 'rate', ['mode']],
    ['agent.events', 'count', ['kind']],
    ['insight.confidence', 'avg', ['category']],
  ];
  for (const [metric, aggregation, groupBy] of cases) {
    it(`${metric} ${aggregation} by [${groupBy}]: hourly series and instant agree with the oracle`, async () => {
      const json = { queryType: 'metrics', metric, aggregation, groupBy };
      const series = seriesOf(await runQuery(target, json, { from: FROM, to: TO, intervalMs: HOUR }));
      const expected = oracle(events, {
        metric,
        aggregation,
        groupBy,
        filters: [],
        from: FROM,
        to: TO,
        bucketMs: HOUR,
      });
      assertSeries(series, expected, 1e-9, `${metric} ${aggregation} series`);

      const instant = seriesOf(
        await runQuery(target, { ...json, format: 'instant' }, { from: FROM, to: TO, intervalMs: HOUR }),
        FROM
      );
      const wanted = oracle(events, { metric, aggregation, groupBy, filters: [], from: FROM, to: TO });
      // percentile instants over more than 48 h are the one approximate answer: the daily histograms' bin width
      const approximate = aggregation.startsWith('p') && metric.endsWith('_ms');
      assertSeries(instant, wanted, approximate ? 0.044 : 1e-9, `${metric} ${aggregation} instant`);
    });
  }

  it('filters work on the rollup as on raw rows', async () => {
    const json = {
      queryType: 'metrics',
      metric: 'tool.calls',
      aggregation: 'count',
      groupBy: ['tool'],
      filters: [{ key: 'mode', operator: '!=', value: 'genius' }],
    };
    const series = seriesOf(await runQuery(target, json, { from: FROM, to: TO, intervalMs: HOUR }));
    const expected = oracle(events, {
      metric: 'tool.calls',
      aggregation: 'count',
      groupBy: ['tool'],
      filters: json.filters as never,
      from: FROM,
      to: TO,
      bucketMs: HOUR,
    });
    assertSeries(series, expected, 1e-9, 'tool.calls filtered');
  });

  it('queue depth, running jobs, workers alive and heartbeat age per hour', async () => {
    const to = START + 50 * HOUR; // on the hour: the oracles evaluate at bucket ends
    const histories = jobHistories(events);
    for (const [metric, status] of [
      ['queue.depth', 'queued'],
      ['job.running', 'running'],
    ] as const) {
      const [series] = seriesOf(
        await runQuery(target, { queryType: 'metrics', metric }, { from: FROM, to, intervalMs: HOUR })
      );
      const [expected] = jobsInStatus(histories, {
        status,
        points: series!.points.map(([bucket]) => [bucket, Math.min(bucket + HOUR, to)]),
      });
      assert.deepEqual(series!.points, expected!.points, `${metric} per hour`);
    }
    const alive = seriesOf(
      await runQuery(target, { queryType: 'metrics', metric: 'workers.alive' }, { from: FROM, to, intervalMs: HOUR })
    )[0]!;
    for (const [bucket, value] of alive.points) {
      const workers = new Set(
        events
          .filter((e) => e.kind === 'worker.heartbeat')
          .filter((e) => (e.occurredAt as Date).getTime() >= bucket && (e.occurredAt as Date).getTime() < bucket + HOUR)
          .map((e) => e.workerId)
      );
      assert.equal(value, workers.size, `alive at ${bucket}`);
    }
    const ages = seriesOf(
      await runQuery(
        target,
        { queryType: 'metrics', metric: 'worker.heartbeat_age_s' },
        { from: FROM, to, intervalMs: HOUR }
      )
    );
    assert.ok(ages.length > 0);
    for (const s of ages) {
      for (const [bucket, value] of s.points) {
        const last = lastHeartbeats(events, Math.min(bucket + HOUR, to)).get(s.labels.worker!)!;
        close(
          value,
          (Math.min(bucket + HOUR, Date.now()) - last) / 1000,
          1e-9,
          `age of ${s.labels.worker} at ${bucket}`
        );
      }
    }
  });

  it('ledger entries before the end of the window', async () => {
    const [entries] = seriesOf(
      await runQuery(
        target,
        { queryType: 'metrics', metric: 'ledger.entries', format: 'instant' },
        { from: FROM, to: TO }
      )
    );
    assert.equal(entries!.points[0]![1], events.filter((e) => (e.occurredAt as Date).getTime() < TO).length);
  });
});
