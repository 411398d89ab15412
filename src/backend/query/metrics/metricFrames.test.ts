/** metricFrames: instant answers come out in label order whatever order the statement's plan produced. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { findMetric } from '../../../contract/metrics';
import type { MetricsPlan } from '../plan';
import { metricFrames } from './metricFrames';

function plan(format: MetricsPlan['format']): MetricsPlan {
  return {
    kind: 'metrics',
    refId: 'A',
    metric: findMetric('job.completed')!,
    aggregation: 'count',
    groupBy: ['mode'],
    filters: [],
    format,
    live: false,
    window: { fromMs: 0, toMs: 3_600_000, bucketSeconds: 60, timezone: 'UTC', maxDataPoints: 1_000 },
  };
}

const shuffled = [
  ['mechanic', 2],
  [null, 1],
  ['genius', 5],
];

test('instant frames are ordered by their labels', () => {
  const frames = metricFrames(plan('instant'), shuffled, 'instant', 'SELECT …');
  assert.deepEqual(
    frames.map((frame) => [frame.fields[0]!.labels?.mode, frame.fields[0]!.values[0]]),
    [
      ['(none)', 1],
      ['genius', 5],
      ['mechanic', 2],
    ]
  );
});

test('an instant table is ordered by its labels too', () => {
  const [table] = metricFrames(plan('table'), shuffled, 'instant', 'SELECT …');
  assert.deepEqual(Array.from(table!.fields[0]!.values as ArrayLike<string>), ['(none)', 'genius', 'mechanic']);
  assert.deepEqual(Array.from(table!.fields[1]!.values as ArrayLike<number>), [1, 5, 2]);
});
