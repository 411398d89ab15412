/**
 * The 5-minute rollup (migration 0022) serves the buckets Grafana really asks for (#14): 10- and 30-minute buckets of
 * week and month panels, in every zone whose offset is a multiple of 5 minutes (+05:30, +05:45, -03:30 included).
 * For every sampled step of Grafana's interval ladder from 5 m up × zone × a window whose edges are off every grain
 * (so each statement reads raw rows, 5-minute rows and, where buckets are whole hours, hourly rows), each series must
 * equal the independent oracle exactly: counts, sums, averages, minima, maxima and ratios, grouped by a dimension,
 * and workers alive. The statements are checked to read the rollup the case is about, so the test cannot pass by
 * falling back to raw rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { DataQuery } from '../../src/backend/plugin/types';
import { planQuery, type MetricsPlan } from '../../src/backend/query/plan';
import { metricsSql } from '../../src/backend/query/metrics/metricsSql';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { simulate } from '../../src/ledger/simulator/engine';
import { loadScenario } from '../../src/ledger/simulator/scenarios/index';
import { copyEvents } from '../../src/ledger/writer';
import { rng } from './fixtures/rollingLedger';
import { bucketLayout, bucketValues, type OracleAggregation } from './metrics/bucketOracle';
import { workersAlive } from './metrics/stateOracle';
import { runQuery, seriesOf, sortSeries, targetFor, type FrameSeries } from './support/runQuery';

const START = Date.UTC(2026, 2, 27, 6, 0); // across Berlin's spring change (2026-03-29 01:00 UTC)
const END = START + 3 * 86_400_000;
const EVENTS: LedgerEvent[] = [
  ...simulate({ scenario: loadScenario('steady'), seed: 14, start: START, end: END, scale: 0.05 }),
];

/** Ladder steps the 5-minute grain divides, and one calendar step. */
const WIDTHS_S = [300, 600, 900, 1_200, 1_800, 3_600, 7_200, 10_800, 21_600, 86_400];
const ZONES = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/Berlin'];

type Event = LedgerEvent & { occurredAt: Date };
const at = (e: Event) => e.occurredAt.getTime();

/** A metric query and its oracle: which events, their series label, the sample value and how samples aggregate. */
interface Check {
  metric: string;
  aggregation: 'count' | 'sum' | 'avg' | 'min' | 'max';
  groupBy?: 'tool' | 'model' | 'status' | 'mode';
  kinds: string[];
  label?: (e: Event) => string;
  value: (e: Event) => number | null | undefined;
}

const finished = ['job.completed', 'job.failed'];
const CHECKS: readonly Check[] = [
  {
    metric: 'tool.calls',
    aggregation: 'count',
    groupBy: 'tool',
    kinds: ['tool.call'],
    label: (e) => e.name!,
    value: () => 1,
  },
  {
    metric: 'tokens.used',
    aggregation: 'sum',
    kinds: ['llm.call'],
    value: (e) => (e.tokensIn ?? 0) + (e.tokensOut ?? 0),
  },
  {
    metric: 'llm.latency_ms',
    aggregation: 'avg',
    groupBy: 'model',
    kinds: ['llm.call'],
    label: (e) => e.name!,
    value: (e) => e.durationMs,
  },
  { metric: 'tool.duration_ms', aggregation: 'min', kinds: ['tool.call'], value: (e) => e.durationMs },
  {
    metric: 'job.duration_ms',
    aggregation: 'max',
    groupBy: 'status',
    kinds: finished,
    label: (e) => (e.kind === 'job.completed' ? 'completed' : 'failed'),
    value: (e) => e.durationMs,
  },
  // a ratio is the mean of a 0/1 indicator, with no value in an empty bucket
  { metric: 'tool.error_rate', aggregation: 'avg', kinds: ['tool.call'], value: (e) => (e.status === 'error' ? 1 : 0) },
  {
    metric: 'job.finished',
    aggregation: 'count',
    groupBy: 'mode',
    kinds: finished,
    label: (e) => e.mode ?? '',
    value: () => 1,
  },
];

/** The oracle's series for one check: per label, bucketValues over the events' samples (min as −max of −x). */
function expectedSeries(check: Check, zone: string, widthS: number, from: number, to: number): FrameSeries[] {
  const layout = bucketLayout(zone, widthS, from, to);
  const groups = new Map<string, Array<{ at: number; value: number }>>();
  for (const e of EVENTS as Event[]) {
    const value = check.value(e);
    if (!check.kinds.includes(e.kind) || value === undefined || value === null || at(e) < from || at(e) >= to) {
      continue;
    }
    const label = check.label?.(e) ?? '';
    groups.set(label, [
      ...(groups.get(label) ?? []),
      { at: at(e), value: check.aggregation === 'min' ? -value : value },
    ]);
  }
  const aggregation: OracleAggregation = check.aggregation === 'min' ? 'max' : check.aggregation;
  return sortSeries(
    [...groups].map(([label, samples]) => ({
      labels: check.groupBy ? { [check.groupBy]: label } : {},
      points: bucketValues(layout, samples, aggregation, from, to).map(
        (v, i) => [layout.starts[i]!, check.aggregation === 'min' && v !== null ? -v : v] as [number, number | null]
      ),
    }))
  );
}

/** The statement the backend builds for a query, to see which tables it reads. */
function statementOf(
  target: ReturnType<typeof targetFor>,
  json: Record<string, unknown>,
  from: number,
  to: number,
  widthS: number
): string {
  const query: DataQuery = {
    refId: 'A',
    queryType: 'metrics',
    maxDataPoints: 5_000,
    intervalMs: widthS * 1_000,
    timeRange: { fromMs: from, toMs: to },
    json: Buffer.from(JSON.stringify(json)),
  };
  const plan = planQuery(query) as MetricsPlan;
  return metricsSql(plan, target.settings).sql.text;
}

const same = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

describe('rollups at every 5-minute multiple of the ladder, in zones with :30 and :45 offsets', () => {
  let ledger: LedgerTestDatabase;
  let target: ReturnType<typeof targetFor>;
  const random = rng(1414);

  before(async () => {
    ledger = await createLedgerTestDatabase('rollup_grains');
    const client = await ledger.connect();
    try {
      await copyEvents(client, EVENTS);
    } finally {
      await client.end();
    }
    target = targetFor(ledger.url);
  });

  after(async () => {
    await target?.close();
    await ledger?.drop();
  });

  for (const zone of ZONES) {
    it(zone, async () => {
      for (const widthS of WIDTHS_S) {
        // edges a few minutes and milliseconds off every grain; about 20 buckets, at least a day for the calendar step
        const span = Math.max(20 * widthS * 1_000, 2 * 86_400_000 * (widthS >= 86_400 ? 1 : 0));
        const from = START + 3_600_000 + Math.floor(random() * 50) * 61_000 + 7;
        const to = Math.min(END - 1, from + span + Math.floor(random() * 59) * 67_000 + 13);
        for (const check of CHECKS) {
          const json = {
            queryType: 'metrics',
            metric: check.metric,
            aggregation: check.aggregation,
            groupBy: check.groupBy ? [check.groupBy] : [],
            format: 'timeseries',
            timezone: zone,
          };
          const context = `${zone} ${widthS} s ${check.metric} ${check.aggregation}`;
          const onHours =
            widthS % 3_600 === 0 && !['Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns'].includes(zone);
          const text = statementOf(target, json, from, to, widthS);
          assert.ok(text.includes('ledger_rollup_5min'), `${context}: reads the 5-minute rollup`);
          assert.equal(text.includes('ledger_rollup_hourly'), onHours, `${context}: hourly rows only on whole hours`);
          const frames = await runQuery(target, json, { from, to, intervalMs: widthS * 1_000, maxDataPoints: 5_000 });
          const actual = sortSeries(seriesOf(frames));
          const expected = expectedSeries(check, zone, widthS, from, to);
          assert.deepEqual(
            actual.map((s) => s.labels),
            expected.map((s) => s.labels),
            `${context}: series`
          );
          actual.forEach((series, i) => {
            const want = expected[i]!.points;
            assert.deepEqual(
              series.points.map(([t]) => t),
              want.map(([t]) => t),
              `${context} ${JSON.stringify(series.labels)}: bucket starts`
            );
            series.points.forEach(([t, v], j) => {
              const w = want[j]![1];
              assert.ok(
                same(v, w),
                `${context} ${JSON.stringify(series.labels)} at ${new Date(t).toISOString()}: ${v} ≠ ${w}`
              );
            });
          });
        }
        if (widthS < 86_400) {
          // workers alive: distinct workers with a heartbeat in each bucket, from the rollups' heartbeat rows
          const json = {
            queryType: 'metrics',
            metric: 'workers.alive',
            aggregation: 'count',
            format: 'timeseries',
            timezone: zone,
          };
          assert.ok(
            statementOf(target, json, from, to, widthS).includes('ledger_rollup_'),
            `${zone} ${widthS} s: alive from a rollup`
          );
          const frames = await runQuery(target, json, { from, to, intervalMs: widthS * 1_000, maxDataPoints: 5_000 });
          const [series] = seriesOf(frames);
          const starts = bucketLayout(zone, widthS, from, to).starts;
          assert.deepEqual(
            series?.points.map(([t]) => t),
            starts,
            `${zone} ${widthS} s: alive bucket starts`
          );
          series!.points.forEach(([t, v]) => {
            const want = workersAlive(EVENTS, t + widthS * 1_000, widthS * 1_000);
            assert.equal(v, want, `${zone} ${widthS} s: workers alive at ${new Date(t).toISOString()}`);
          });
        }
      }
    });
  }
});
