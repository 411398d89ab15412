/**
 * #14: over 30 days Grafana gives a ~1000 px panel 30-minute buckets, and a median series has no top-64 shortcut at
 * any width: "tool latency p99 by tool" (4 s) and "LLM p50 by model" sorted every raw duration of the window. They now
 * merge the 5-minute histograms (migration 0023; within 0.97%, tests/integration/percentileHistograms.test.ts), with
 * raw rows only in the partial 5 minutes at the window's edges.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { metricStatement, targetFor } from '../integration/support/runQuery';

/** Builds statements only: the pool never connects. */
const TARGET = targetFor('postgres://grafana:x@127.0.0.1:5432/ledger');
const DAY = 86_400_000;
const TO = Date.UTC(2026, 10, 30, 17, 43, 12, 345);

describe('#14 long percentile series merge 5-minute histograms instead of sorting raw durations', () => {
  after(() => TARGET.close());
  for (const [metric, aggregation, groupBy, intervalMs, timezone] of [
    ['tool.duration_ms', 'p99', 'tool', 1_800_000, 'UTC'],
    ['llm.latency_ms', 'p50', 'model', 3_600_000, 'UTC'],
    ['job.duration_ms', 'p95', 'status', 3_600_000, 'Asia/Kolkata'],
  ] as const) {
    it(`${metric} ${aggregation} by ${groupBy}, 30 d at ${intervalMs / 60_000} min buckets in ${timezone}`, () => {
      const json = { queryType: 'metrics', metric, aggregation, groupBy: [groupBy], format: 'timeseries', timezone };
      const { text } = metricStatement(TARGET, json, { from: TO - 30 * DAY, to: TO, intervalMs });
      assert.match(text, /ledger_duration_histogram_5min/, 'reads the 5-minute histograms');
      assert.doesNotMatch(text, /percentile_cont/, 'sorts no raw durations');
    });
  }
});
