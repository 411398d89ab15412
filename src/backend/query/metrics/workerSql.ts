/**
 * Worker liveness from heartbeats.
 * - workers.alive: distinct workers with a heartbeat in the minute before the instant, or in the last
 *   max(bucket, 1 min) of each bucket.
 * - worker.heartbeat_age_s: per worker, seconds from its latest heartbeat to the instant (or to each bucket's end).
 *   Workers silent for more than RETIRED_AFTER are considered retired and left out, so a decommissioned worker does
 *   not page forever.
 */
import type { MetricsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { bucketSql, windowBounds } from '../timeBucketSql';
import { filtersSql } from './filtersSql';
import { bucketsOnGrain, ROLLUP_GRAINS } from './hours';
import { seriesArraysSql, type RowLayout } from './seriesSql';

/** A worker with no heartbeat for this long is not reported by heartbeat age. */
export const RETIRED_AFTER = '24 hours';
const ALIVE_WITHIN = '1 minute';

/** workers.alive */
export function workersAliveSql(plan: MetricsPlan, layout: RowLayout): Sql {
  const params = new Params();
  const bounds = windowBounds(plan.window, params);
  const filters = filtersSql(plan.filters, params);
  if (layout === 'instant') {
    return {
      text: `SELECT count(DISTINCT e.worker_id)::float8 AS v FROM ledger_events e
WHERE e.kind = 'worker.heartbeat' AND e.occurred_at >= ${bounds.to} - interval '${ALIVE_WITHIN}' AND e.occurred_at < ${bounds.to}${filters}`,
      values: params.values,
    };
  }
  const buckets = bucketSql(plan.window, params);
  const lookback = `greatest(${buckets.width}, interval '${ALIVE_WITHIN}')`;
  // One index range scan per bucket (a correlated subquery), never a join of buckets with heartbeats: with a range
  // join the planner must guess how many heartbeats fall in a bucket, and on a ledger without statistics (a bulk load
  // a moment ago) it guessed a handful and chose a nested loop over every bucket × every heartbeat (#12: 30 s and
  // more). Here the only choice is which index serves the range, so the plan is the same with or without ANALYZE.
  // A bucket of whole hours (or whole 5 minutes) looks back over exactly its own rollup rows: their heartbeat rows
  // (which keep worker_id) answer it without reading a single heartbeat. The coarsest such rollup has fewest rows.
  const grain = ROLLUP_GRAINS.find((g) => bucketsOnGrain(plan.window, g.ms));
  const [table, time] = grain ? [grain.table, 'bucket'] : ['ledger_events', 'occurred_at'];
  return {
    text: seriesArraysSql(
      `SELECT grid.t, (SELECT count(DISTINCT e.worker_id) FROM ${table} e WHERE e.kind = 'worker.heartbeat'
  AND e.${time} >= grid.t + ${buckets.width} - ${lookback} AND e.${time} < grid.t + ${buckets.width}${filters})::float8 AS v
FROM ${buckets.grid}`,
      []
    ),
    values: params.values,
  };
}

/** worker.heartbeat_age_s (the only dimension is worker, always present as the series label). */
export function heartbeatAgeSql(plan: MetricsPlan, layout: RowLayout): Sql {
  const params = new Params();
  const bounds = windowBounds(plan.window, params);
  const workerFilter = filtersSql(plan.filters, params, (d) => (d === 'worker' ? 'w.worker_id' : 'NULL'));
  // Latest heartbeat of each known worker before `to` (an index on heartbeats by worker keeps this a lookup).
  const latest = `SELECT w.worker_id, (SELECT max(h.occurred_at) FROM ledger_events h
      WHERE h.kind = 'worker.heartbeat' AND h.worker_id = w.worker_id AND h.occurred_at < ${bounds.to}) AS last_at
    FROM workers w WHERE w.first_seen_at < ${bounds.to}${workerFilter}`;
  if (layout === 'instant') {
    return {
      text: `SELECT l.worker_id AS d0, extract(epoch FROM ${bounds.to} - l.last_at)::float8 AS v
FROM (${latest}) l
WHERE l.last_at >= ${bounds.to} - interval '${RETIRED_AFTER}'
ORDER BY l.worker_id`,
      values: params.values,
    };
  }
  const buckets = bucketSql(plan.window, params);
  // Per bucket and worker, one backward probe of the heartbeat index for the latest heartbeat before the bucket's end
  // (the next bucket's start, which a 23- or 25-hour local day gets right; the window's end for the last), and the age
  // measured at that same end (never later than now). No join of buckets with heartbeats whose plan rests on
  // row estimates: on a ledger without statistics those are guesses (#12).
  const rows = `WITH known AS (${latest}),
active AS (SELECT k.worker_id FROM known k WHERE k.last_at >= ${bounds.from} - interval '${RETIRED_AFTER}'),
ends AS (SELECT grid.t, coalesce(lead(grid.t) OVER (ORDER BY grid.t), ${bounds.to}) AS end_at FROM ${buckets.grid})
SELECT ends.t, a.worker_id AS d0, extract(epoch FROM least(ends.end_at, now()) - (SELECT max(h.occurred_at)
  FROM ledger_events h WHERE h.kind = 'worker.heartbeat' AND h.worker_id = a.worker_id AND h.occurred_at < ends.end_at))::float8 AS v
FROM ends CROSS JOIN active a`;
  return { text: seriesArraysSql(rows, ['d0']), values: params.values };
}
