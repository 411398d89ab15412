import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { describeFailureIncident, describeHeartbeatGap, mergeFailureBuckets } from './incidents';

const M5 = 300_000;

describe('incidents', () => {
  it('merges consecutive bad 5-minute buckets into one region', () => {
    const buckets = [
      { startMs: 0, failed: 3, finished: 4 },
      { startMs: M5, failed: 5, finished: 10 },
      { startMs: 3 * M5, failed: 4, finished: 4 },
    ];
    assert.deepEqual(mergeFailureBuckets(buckets), [
      { startMs: 0, endMs: 2 * M5, failed: 8, finished: 14 },
      { startMs: 3 * M5, endMs: 4 * M5, failed: 4, finished: 4 },
    ]);
    assert.deepEqual(mergeFailureBuckets([]), []);
  });

  it('describes incidents in words', () => {
    assert.deepEqual(describeFailureIncident({ startMs: 0, endMs: 2 * M5, failed: 8, finished: 14 }), {
      title: 'Incident: job failure rate 57%',
      text: '8 of 14 finished jobs failed between 00:00:00 and 00:10:00 UTC (5-minute buckets with a failure rate over 20% and at least 3 failures).',
    });
    assert.deepEqual(describeHeartbeatGap({ workerId: 'w1', startMs: 0, endMs: 90_000, jobId: null, open: false }), {
      title: 'Incident: worker w1 silent',
      text: 'No heartbeat from worker w1 for 90.0 s (00:00:00 → 00:01:30 UTC).',
    });
    assert.match(
      describeHeartbeatGap({ workerId: 'w1', startMs: 0, endMs: 600_000, jobId: 'j', open: true }).text,
      /since 00:00:00 UTC \(10\.0 min\) while running j; still silent/
    );
  });
});
