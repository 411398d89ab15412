/**
 * Every catalog metric, in every format it supports, checked by value against an independent computation
 * (metrics/metricOracle.ts) over a deterministic fixture ledger in a real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { METRICS } from '../../src/contract/metrics';
import type { Aggregation, Dimension, Filter } from '../../src/contract/query';
import { METRIC_SOURCES } from '../../src/backend/query/metrics/definitions';
import { appendEvents } from '../../src/ledger/writer';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { buildRollingLedger, type RollingLedger } from './fixtures/rollingLedger';
import { ORACLE_SPECS, oracle, type OracleSeries } from './metrics/metricOracle';
import { runQuery, seriesOf, sortSeries, targetFor } from './support/runQuery';

const TEN_MIN = 600_000;

function assertSeriesEqual(actual: OracleSeries[], expected: OracleSeries[], context: string): void {
  const a = sortSeries(actual);
  const e = sortSeries(expected);
  assert.deepEqual(
    a.map((s) => s.labels),
    e.map((s) => s.labels),
    `${context}: series labels`
  );
  a.forEach((series, i) => {
    const want = e[i]!;
    assert.equal(series.points.length, want.points.length, `${context} ${JSON.stringify(series.labels)}: point count`);
    series.points.forEach(([time, value], j) => {
      const [wantTime, wantValue] = want.points[j]!;
      assert.equal(time, wantTime, `${context}: time of point ${j}`);
      if (wantValue === null || value === null) {
        assert.equal(value, wantValue, `${context} ${JSON.stringify(series.labels)} @${new Date(time).toISOString()}`);
      } else {
        const tolerance = 1e-9 * Math.max(1, Math.abs(wantValue));
        assert.ok(
          Math.abs(value - wantValue) <= tolerance,
          `${context} ${JSON.stringify(series.labels)} @${new Date(time).toISOString()}: ${value} ≠ ${wantValue}`
        );
      }
    });
  });
}

describe('metrics catalog', () => {
  let ledger: LedgerTestDatabase;
  let fixture: RollingLedger;
  let target: ReturnType<typeof targetFor>;
  let from: number;
  let to: number;

  before(async () => {
    ledger = await createLedgerTestDatabase('metrics');
    fixture = buildRollingLedger(Date.now());
    const client = await ledger.connect();
    await appendEvents(client, fixture.events);
    target = targetFor(ledger.url, { tokenBudgetDaily: 2_000_000, costBudgetDailyUsd: 50 });
    // Windows aligned to 10-minute buckets, so every bucket lies inside [from, to).
    from = Math.ceil(fixture.start / TEN_MIN) * TEN_MIN;
    to = Math.floor(fixture.end / TEN_MIN) * TEN_MIN;
  });

  after(async () => {
    await target?.close();
    await ledger?.drop();
  });

  it('has a computation for every catalog entry, and nothing else', () => {
    assert.deepEqual(Object.keys(METRIC_SOURCES).sort(), METRICS.map((m) => m.id).sort());
  });

  const eventMetrics = METRICS.filter((m) => ORACLE_SPECS[m.id]);

  for (const metric of eventMetrics) {
    describe(metric.id, () => {
      const firstDim = metric.dimensions[0];
      const filterDim = metric.dimensions.find((d) => d !== firstDim);
      for (const aggregation of metric.aggregations as Aggregation[]) {
        it(`${aggregation}: time series, grouped and filtered time series, instant and table agree with the oracle`, async () => {
          const check = async (groupBy: Dimension[], filters: Filter[], format: 'timeseries' | 'instant' | 'table') => {
            const json = { queryType: 'metrics', metric: metric.id, aggregation, groupBy, filters, format };
            const frames = await runQuery(target, json, { from, to, intervalMs: TEN_MIN });
            const expected = oracle(fixture.events, {
              metric: metric.id,
              aggregation,
              groupBy,
              filters,
              from,
              to,
              bucketMs: format === 'instant' ? undefined : TEN_MIN,
            });
            if (format === 'table') {
              const frame = frames[0]!;
              const times = Array.from(frame.fields[0]!.values as ArrayLike<number>);
              const dims = groupBy.map((_, i) => Array.from(frame.fields[1 + i]!.values as ArrayLike<string>));
              const values = Array.from(frame.fields[1 + groupBy.length]!.values as ArrayLike<number | null>);
              const rows = new Map<string, OracleSeries>();
              times.forEach((time, r) => {
                const labels = Object.fromEntries(groupBy.map((d, i) => [d, dims[i]![r]!]));
                const key = JSON.stringify(labels);
                const series = rows.get(key) ?? { labels, points: [] };
                series.points.push([time, values[r] ?? null]);
                rows.set(key, series);
              });
              assertSeriesEqual([...rows.values()], expected, `${metric.id} ${aggregation} table`);
              return;
            }
            assert.equal(frames[0]!.meta?.type, format === 'instant' ? 'numeric-multi' : 'timeseries-multi');
            assertSeriesEqual(
              seriesOf(frames, from),
              expected,
              `${metric.id} ${aggregation} ${format} by [${groupBy}]`
            );
          };
          await check([], [], 'timeseries');
          if (firstDim) {
            const values = oracle(fixture.events, {
              metric: metric.id,
              aggregation: 'count',
              groupBy: filterDim ? [filterDim] : [],
              filters: [],
              from,
              to,
            });
            const filterValue = filterDim ? values[0]?.labels[filterDim] : undefined;
            const filters: Filter[] =
              filterDim && filterValue ? [{ key: filterDim, operator: '!=', value: filterValue }] : [];
            await check([firstDim], filters, 'timeseries');
            await check([firstDim], [], 'instant');
            await check([firstDim], filters, 'table');
          } else {
            await check([], [], 'instant');
          }
        });
      }
    });
  }
});
