/**
 * Catalog metrics computed by dedicated builders (state replay, workers, budgets, system, snapshot), checked by value
 * against independent computations over the fixture ledger, plus time-zone bucketing and per-query errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { appendEvents } from '../../src/ledger/writer';
import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { buildRollingLedger, type RollingLedger } from './fixtures/rollingLedger';
import { countByStatus, jobStates, lastHeartbeats } from './metrics/jobOracle';
import { oracle, percentileCont } from './metrics/metricOracle';
import { jobHistories, jobsInStatus, type JobStatus } from './metrics/stateOracle';
import { runQuery, seriesOf, targetFor } from './support/runQuery';

const MINUTE = 60_000;
const TEN_MIN = 10 * MINUTE;
const at = (e: LedgerEvent) => (e.occurredAt as Date).getTime();

describe('state, worker, budget and system metrics', () => {
  let ledger: LedgerTestDatabase;
  let fixture: RollingLedger;
  let target: ReturnType<typeof targetFor>;
  let from: number;
  let to: number;
  const metric = (id: string, extra: Record<string, unknown> = {}) => ({ queryType: 'metrics', metric: id, ...extra });
  const single = async (json: Record<string, unknown>, range = { from, to }) => {
    const series = seriesOf(await runQuery(target, json, { ...range, intervalMs: TEN_MIN }));
    assert.equal(series.length, 1, `one series for ${JSON.stringify(json)}`);
    return series[0]!;
  };

  before(async () => {
    ledger = await createLedgerTestDatabase('metrics_state');
    fixture = buildRollingLedger(Date.now(), 7);
    const client = await ledger.connect();
    await appendEvents(client, fixture.events);
    target = targetFor(ledger.url, { tokenBudgetDaily: 2_000_000, costBudgetDailyUsd: 50 });
    from = Math.ceil(fixture.start / TEN_MIN) * TEN_MIN;
    to = Math.floor(fixture.end / TEN_MIN) * TEN_MIN;
  });

  after(async () => {
    await target?.close();
    await ledger?.drop();
  });

  it('queue depth and running jobs: now, and at every bucket end, as the per-job replay gives them', async () => {
    const histories = jobHistories(fixture.events);
    const countAt = (status: JobStatus, instant: number) =>
      jobsInStatus(histories, { status, points: [[instant, instant]] })[0]!.points[0]![1];
    for (const [id, status] of [
      ['queue.depth', 'queued'],
      ['job.running', 'running'],
    ] as const) {
      const now = await single(metric(id, { format: 'instant' }), { from, to: Date.now() + MINUTE });
      assert.equal(now.points[0]![1], countByStatus(jobStates(fixture.events))[status] ?? 0, `${id} now (jobs table)`);
      assert.equal(now.points[0]![1], countAt(status, Date.now() + MINUTE), `${id} now (replay)`);
      const series = await single(metric(id, { format: 'timeseries' }));
      for (const [bucket, value] of series.points) {
        assert.equal(value, countAt(status, bucket + TEN_MIN), `${id} at ${new Date(bucket + TEN_MIN).toISOString()}`);
      }
      const byMode = seriesOf(
        await runQuery(target, metric(id, { format: 'instant', groupBy: ['mode'] }), { from, to: Date.now() + MINUTE })
      );
      const total = byMode.reduce((sum, s) => sum + (s.points[0]![1] ?? 0), 0);
      assert.equal(total, now.points[0]![1], `${id} by mode adds up`);
    }
  });

  it('jobs by status and jobs over their token cap, now', async () => {
    const jobs = jobStates(fixture.events);
    const byStatus = seriesOf(
      await runQuery(target, metric('jobs.by_status', { format: 'instant', groupBy: ['status'] }), { from, to })
    );
    assert.deepEqual(Object.fromEntries(byStatus.map((s) => [s.labels.status, s.points[0]![1]])), countByStatus(jobs));
    const over = await single(metric('jobs.over_token_cap', { format: 'instant' }));
    assert.equal(
      over.points[0]![1],
      [...jobs.values()].filter((j) => j.tokenCap !== null && j.tokensUsed > j.tokenCap).length
    );
    assert.ok((over.points[0]![1] ?? 0) > 0, 'the fixture has jobs over their cap');
  });

  it('time in queue and tokens per job come from the jobs table', async () => {
    const jobs = [...jobStates(fixture.events).values()];
    const wait = await single(metric('job.queue_wait_ms', { format: 'instant', aggregation: 'p95' }));
    const waits = jobs
      .filter((j) => j.claimedAt !== null && j.claimedAt >= from && j.claimedAt < to)
      .map((j) => j.claimedAt! - j.createdAt);
    assert.ok(Math.abs(wait.points[0]![1]! - percentileCont(waits, 0.95)) < 1e-6);
    const perJob = await single(metric('tokens.per_job', { format: 'instant', aggregation: 'avg' }));
    const finished = jobs.filter((j) => j.finishedAt !== null && j.finishedAt >= from && j.finishedAt < to);
    assert.ok(
      Math.abs(perJob.points[0]![1]! - finished.reduce((s, j) => s + j.tokensUsed, 0) / finished.length) < 1e-6
    );
  });

  it('workers alive and heartbeat age, per worker, now and over time', async () => {
    const alive = await single(metric('workers.alive', { format: 'instant' }));
    const lastAtTo = lastHeartbeats(fixture.events, to);
    assert.equal(alive.points[0]![1], [...lastAtTo.values()].filter((t) => t >= to - MINUTE).length);
    const aliveSeries = await single(metric('workers.alive'));
    for (const [bucket, value] of aliveSeries.points) {
      const end = bucket + TEN_MIN;
      const workers = new Set(
        fixture.events
          .filter((e) => e.kind === 'worker.heartbeat' && at(e) >= end - TEN_MIN && at(e) < end)
          .map((e) => e.workerId)
      );
      assert.equal(value, workers.size, `alive at ${new Date(end).toISOString()}`);
    }

    const ages = seriesOf(
      await runQuery(target, metric('worker.heartbeat_age_s', { format: 'instant' }), { from, to })
    );
    assert.deepEqual(ages.map((s) => s.labels.worker).sort(), ['w1', 'w2', 'w3']);
    for (const s of ages) {
      assert.ok(
        Math.abs(s.points[0]![1]! - (to - lastAtTo.get(s.labels.worker!)!) / 1000) < 1e-6,
        `age of ${s.labels.worker}`
      );
    }
    const w3 = ages.find((s) => s.labels.worker === 'w3')!;
    assert.ok(w3.points[0]![1]! > 60, 'w3 went silent: its heartbeat is older than a minute');

    const ageSeries = seriesOf(
      await runQuery(target, metric('worker.heartbeat_age_s'), { from, to, intervalMs: TEN_MIN })
    );
    for (const s of ageSeries) {
      for (const [bucket, value] of s.points) {
        const last = lastHeartbeats(fixture.events, bucket + TEN_MIN).get(s.labels.worker!);
        assert.ok(
          last !== undefined && Math.abs(value! - (bucket + TEN_MIN - last) / 1000) < 1e-6,
          `${s.labels.worker} at ${bucket}`
        );
      }
    }
  });

  it('budget utilisation divides by the daily budget prorated to the window; without a budget it says what to set', async () => {
    const used = oracle(fixture.events, {
      metric: 'tokens.used',
      aggregation: 'sum',
      groupBy: [],
      filters: [],
      from,
      to,
    })[0]!.points[0]![1]!;
    const share = await single(metric('budget.tokens_utilization', { format: 'instant' }));
    assert.ok(Math.abs(share.points[0]![1]! - used / (2_000_000 * ((to - from) / 86_400_000))) < 1e-9);
    const noBudget = targetFor(ledger.url);
    try {
      await assert.rejects(
        runQuery(noBudget, metric('budget.cost_utilization', { format: 'instant' }), { from, to }),
        /set "Daily cost budget"/
      );
    } finally {
      await noBudget.close();
    }
  });

  it('ledger entries, size, ingest lag and database latency', async () => {
    const entries = await single(metric('ledger.entries', { format: 'instant' }));
    assert.equal(entries.points[0]![1], fixture.events.filter((e) => at(e) < to).length);
    const perBucket = await single(metric('ledger.entries'));
    assert.equal(
      perBucket.points.reduce((sum, [, v]) => sum + v!, 0),
      fixture.events.filter((e) => at(e) >= from && at(e) < to).length
    );
    const day = await single(metric('ledger.entries_24h', { format: 'instant' }));
    assert.equal(day.points[0]![1], fixture.events.length);
    const size = await single(metric('ledger.storage_bytes', { format: 'instant' }));
    assert.ok(size.points[0]![1]! > 100_000, 'the ledger tables take space');
    const lag = await single(metric('ledger.ingest_lag_s', { format: 'instant' }));
    assert.ok(lag.points[0]![1]! >= 0 && lag.points[0]![1]! < 600, `ingest lag ${lag.points[0]![1]} s`);
    const latency = await single(metric('database.latency_ms', { format: 'instant', aggregation: 'p99' }));
    assert.ok(latency.points[0]![1]! > 0 && latency.points[0]![1]! < 5_000);
  });

  it('the snapshot row matches the individual metrics', async () => {
    const [frame] = await runQuery(target, metric('snapshot', { format: 'table' }), { from, to });
    const column = (name: string) => (frame!.fields.find((f) => f.name === name)!.values as ArrayLike<number>)[0];
    const sum = (id: string, aggregation: 'count' | 'sum' = 'count') =>
      oracle(fixture.events, { metric: id, aggregation, groupBy: [], filters: [], from, to })[0]!.points[0]![1];
    assert.equal(column('jobs_completed'), sum('job.completed'));
    assert.equal(column('jobs_failed'), sum('job.failed'));
    assert.equal(column('escalations'), sum('escalation.total'));
    assert.ok(Math.abs(column('tokens_used')! - sum('tokens.used', 'sum')!) < 1e-6);
    assert.equal(column('queue_depth_now'), countByStatus(jobStates(fixture.events)).queued ?? 0);
  });

  it('buckets days at local midnight in the dashboard time zone', async () => {
    const range = { from: fixture.start - 2 * 86_400_000, to: fixture.end + 86_400_000 };
    const frames = await runQuery(target, metric('job.created', { timezone: 'Asia/Kolkata' }), {
      ...range,
      intervalMs: 86_400_000,
    });
    const [series] = seriesOf(frames);
    for (const [time] of series!.points) {
      assert.equal((time + 5.5 * 3_600_000) % 86_400_000, 0, `${new Date(time).toISOString()} is midnight in Kolkata`);
    }
    assert.equal(
      series!.points.reduce((s, [, v]) => s + v!, 0),
      fixture.events.filter((e) => e.kind === 'job.created').length
    );
  });

  it('rejects what a metric cannot do with a clear 400', async () => {
    await assert.rejects(
      runQuery(target, metric('job.completed', { aggregation: 'p99' }), { from, to }),
      /job\.completed cannot be aggregated by p99 — use one of: count, rate/
    );
    await assert.rejects(
      runQuery(target, metric('job.completed', { groupBy: ['tool'] }), { from, to }),
      /has no dimension "tool"/
    );
    await assert.rejects(
      runQuery(target, metric('job.completed', { groupBy: ["mode'; DROP TABLE jobs; --"] }), { from, to }),
      /groupBy/
    );
    await assert.rejects(
      runQuery(target, metric('job.completed'), { from: to, to: from }),
      /time range is empty or inverted/
    );
    await assert.rejects(
      runQuery(target, metric('job.completed', { timezone: 'Mars/Olympus' }), { from, to }),
      /unknown time zone/
    );
  });
});
