/**
 * Every metric whose value is a state at an instant (job.running, queue.depth, workers.alive), as time series of
 * several bucket widths and as instants at many window ends, against an independent per-job replay
 * (metrics/stateOracle.ts). Ledgers: hand-built lifecycles with retries after failures, stale and zombie requeues,
 * ties, late events and jobs open at the window's edges (fixtures/lifecycleLedger.ts), and simulated teams with
 * retries and dead workers (src/ledger/simulator).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Dimension, Filter } from '../../src/contract/query';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import { simulate } from '../../src/ledger/simulator/engine';
import { resolveScenario } from '../../src/ledger/simulator/scenario';
import { SCENARIO_LIBRARY } from '../../src/ledger/simulator/scenarios/index';
import { appendEvents, copyEvents } from '../../src/ledger/writer';
import { lifecycleLedger, START, WINDOW } from './fixtures/lifecycleLedger';
import type { OracleSeries } from './metrics/metricOracle';
import { jobHistories, jobsInStatus, lastHeartbeatBefore, workersAlive, type JobStatus } from './metrics/stateOracle';
import { runQuery, seriesOf, sortSeries, targetFor } from './support/runQuery';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ORIGIN = Date.UTC(2001, 0, 1); // buckets are bins from 2001-01-01 00:00 UTC
const STATE_METRICS: Array<[string, JobStatus]> = [
  ['job.running', 'running'],
  ['queue.depth', 'queued'],
];

/** Bucket starts of [from, to) and the instant each point reports: its bucket's end, the last one at `to`. */
function bucketEnds(from: number, to: number, widthMs: number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let t = ORIGIN + Math.floor((from - ORIGIN) / widthMs) * widthMs; t < to; t += widthMs) {
    points.push([t, Math.min(t + widthMs, to)]);
  }
  return points;
}

function assertSameSeries(actual: OracleSeries[], expected: OracleSeries[], context: string): void {
  assert.deepEqual(sortSeries(actual), sortSeries(expected), context);
}

/** Checks both state metrics on one ledger: series at every bucket width, grouped and filtered, and instants. */
function checkStates(
  target: () => ReturnType<typeof targetFor>,
  events: () => LedgerEvent[],
  cases: { windows: Array<{ from: number; to: number }>; widthsMs: number[]; instantsAt: number[] }
) {
  const shapes: Array<{ groupBy: Dimension[]; filters: Filter[] }> = [
    { groupBy: [], filters: [] },
    { groupBy: ['mode'], filters: [] },
    { groupBy: ['mode', 'agent'], filters: [] },
    { groupBy: [], filters: [{ key: 'mode', operator: '=', value: 'genius' }] },
    { groupBy: ['agent'], filters: [{ key: 'mode', operator: 'not in', value: ['genius'] }] },
  ];
  for (const [metric, status] of STATE_METRICS) {
    it(`${metric} per bucket equals the per-job replay at each bucket end`, async () => {
      const histories = jobHistories(events());
      let nonZero = 0;
      for (const window of cases.windows) {
        for (const widthMs of cases.widthsMs) {
          for (const { groupBy, filters } of shapes) {
            const json = { queryType: 'metrics', metric, groupBy, filters, format: 'timeseries' };
            const actual = seriesOf(await runQuery(target(), json, { ...window, intervalMs: widthMs }));
            const expected = jobsInStatus(histories, {
              status,
              groupBy,
              filters,
              points: bucketEnds(window.from, window.to, widthMs),
            }).filter((s) => groupBy.length === 0 || s.points.some(([, v]) => v !== 0));
            const context = `${metric} ${widthMs / MINUTE} min ${JSON.stringify({ groupBy, filters, window })}`;
            assertSameSeries(actual, expected, context);
            nonZero += expected.flatMap((s) => s.points).filter(([, v]) => v !== 0).length;
          }
        }
      }
      assert.ok(nonZero > 0, `${metric}: the ledger has jobs in ${status} at some bucket end`);
    });

    it(`${metric} as an instant equals the per-job replay at the window's end`, async () => {
      const histories = jobHistories(events());
      for (const to of cases.instantsAt) {
        for (const { groupBy, filters } of shapes) {
          const json = { queryType: 'metrics', metric, groupBy, filters, format: 'instant' };
          const actual = seriesOf(await runQuery(target(), json, { from: to - HOUR, to }), to);
          const expected = jobsInStatus(histories, { status, groupBy, filters, points: [[to, to]] }).filter(
            (s) => groupBy.length === 0 || s.points[0]![1] !== 0
          );
          assertSameSeries(actual, expected, `${metric} at ${new Date(to).toISOString()} ${JSON.stringify(groupBy)}`);
        }
      }
    });
  }
}

describe('state metrics on hand-built lifecycles (retries, requeues, ties, late events)', () => {
  let ledger: LedgerTestDatabase;
  let target: ReturnType<typeof targetFor>;
  const { events, late } = lifecycleLedger();
  const all = [...events, ...late];

  before(async () => {
    ledger = await createLedgerTestDatabase('state_replay_built');
    const client = await ledger.connect();
    await appendEvents(client, events);
    await appendEvents(client, late);
    target = targetFor(ledger.url);
  });
  after(async () => {
    await target?.close();
    await ledger?.drop();
  });

  // every 5 minutes over the whole story (ties, hour ends, bucket ends and events at the same instant included)
  const instants = Array.from({ length: 125 }, (_, i) => START + i * 5 * MINUTE);
  checkStates(
    () => target,
    () => all,
    {
      windows: [
        WINDOW,
        { from: START + 3 * HOUR, to: START + 6 * HOUR },
        { from: START - HOUR, to: START + 10 * HOUR },
      ],
      widthsMs: [MINUTE, 10 * MINUTE, HOUR, 3 * HOUR, 24 * HOUR],
      instantsAt: [...instants, WINDOW.from, WINDOW.to, START + 330 * MINUTE, START + 370 * MINUTE],
    }
  );

  it('the stories differ from a replay by event kind: retries after failures are not running', () => {
    // A guard on the fixture: the kind-by-kind count (+claimed −completed −failed −requeued) must disagree with the
    // per-job replay somewhere, or this file could not catch the defect it was written for.
    const histories = jobHistories(all);
    const instant = START + 230 * MINUTE; // after two retries of retried-twice and one of retried-into-window
    const delta: Record<string, number> = {
      'job.claimed': 1,
      'job.completed': -1,
      'job.failed': -1,
      'job.requeued': -1,
    };
    const byKind = all
      .filter((e) => new Date(e.occurredAt).getTime() < instant)
      .reduce((n, e) => n + (delta[e.kind] ?? 0), 0);
    const replayed = jobsInStatus(histories, { status: 'running', points: [[instant, instant]] })[0]!.points[0]![1];
    assert.notEqual(byKind, replayed);
  });

  it('workers.alive: workers with a heartbeat in the minute before the instant, or in each bucket', async () => {
    for (const to of instants) {
      const [alive] = seriesOf(
        await runQuery(
          target,
          { queryType: 'metrics', metric: 'workers.alive', format: 'instant' },
          { from: to - HOUR, to }
        )
      );
      assert.equal(alive!.points[0]![1], workersAlive(all, to, MINUTE), `alive at ${new Date(to).toISOString()}`);
    }
    for (const widthMs of [MINUTE, 10 * MINUTE, HOUR, 3 * HOUR]) {
      const [series] = seriesOf(
        await runQuery(target, { queryType: 'metrics', metric: 'workers.alive' }, { ...WINDOW, intervalMs: widthMs })
      );
      const expected = bucketEnds(WINDOW.from, WINDOW.to, widthMs).map(
        ([t]) => [t, workersAlive(all, t + widthMs, Math.max(widthMs, MINUTE))] as [number, number]
      );
      assert.deepEqual(series!.points, expected, `alive per ${widthMs / MINUTE} min`);
    }
  });
  it("worker.heartbeat_age_s: seconds from each worker's latest heartbeat to the instant, or to each bucket end", async () => {
    const DAY = 24 * HOUR;
    for (const to of instants) {
      const ages = seriesOf(
        await runQuery(
          target,
          { queryType: 'metrics', metric: 'worker.heartbeat_age_s', format: 'instant' },
          { from: to - HOUR, to }
        ),
        to
      );
      const expected = [...lastHeartbeatBefore(all, to)]
        .filter(([, last]) => last >= to - DAY)
        .map(([worker, last]) => ({
          labels: { worker },
          points: [[to, (to - last) / 1000]] as Array<[number, number]>,
        }));
      assertSameSeries(ages, expected, `heartbeat age at ${new Date(to).toISOString()}`);
    }
    // a window ending on a bucket boundary, and one ending inside its last bucket (measured at the window's end)
    for (const window of [
      { from: WINDOW.from, to: START + 9 * HOUR },
      { from: WINDOW.from, to: START + 9 * HOUR - 7 * MINUTE - 30_000 },
    ]) {
      for (const widthMs of [MINUTE, 10 * MINUTE, HOUR]) {
        const ages = seriesOf(
          await runQuery(
            target,
            { queryType: 'metrics', metric: 'worker.heartbeat_age_s' },
            { ...window, intervalMs: widthMs }
          )
        );
        const known = [...lastHeartbeatBefore(all, window.to)].filter(([, last]) => last >= window.from - DAY);
        const expected = known.map(([worker]) => ({
          labels: { worker },
          points: bucketEnds(window.from, window.to, widthMs).map(([t, end]): [number, number | null] => {
            const last = lastHeartbeatBefore(all, end).get(worker);
            return [t, last === undefined ? null : (end - last) / 1000];
          }),
        }));
        assertSameSeries(
          ages,
          expected,
          `heartbeat age per ${widthMs / MINUTE} min up to ${new Date(window.to).toISOString()}`
        );
      }
    }
  });
});

describe('state metrics on simulated teams with retries and dead workers', () => {
  for (const name of ['failure-spike', 'worker-down']) {
    describe(name, () => {
      let ledger: LedgerTestDatabase;
      let target: ReturnType<typeof targetFor>;
      let events: LedgerEvent[];
      const begin = Date.UTC(2026, 10, 3);
      // heartbeats every minute: they are not what this test is about, and they would be most rows
      const scenario = resolveScenario(`${name}-quiet`, {
        ...SCENARIO_LIBRARY,
        [`${name}-quiet`]: { extends: name, name: `${name}-quiet`, team: { heartbeatEvery: '1m' } },
      });

      before(async () => {
        ledger = await createLedgerTestDatabase(`state_replay_${name.replace('-', '_')}`);
        events = [...simulate({ scenario, seed: 5, scale: 0.3, start: begin, end: begin + 8 * HOUR })];
        await copyEvents(await ledger.connect(), events);
        target = targetFor(ledger.url);
      });
      after(async () => {
        await target?.close();
        await ledger?.drop();
      });

      it('has retries after failures and stale requeues to replay', () => {
        const requeues = events.filter((e) => e.kind === 'job.requeued').map((e) => e.name);
        assert.ok(requeues.length > 0, `${name} requeues jobs`);
      });

      const window = { from: begin + 97 * MINUTE, to: begin + 7 * HOUR + 11 * MINUTE };
      checkStates(
        () => target,
        () => events,
        {
          windows: [window],
          widthsMs: [MINUTE, 15 * MINUTE, HOUR],
          instantsAt: Array.from({ length: 17 }, (_, i) => begin + i * 29 * MINUTE),
        }
      );
    });
  }
});
