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
import { bucketSql, windowBounds, type BucketSql } from '../timeBucketSql';
import { filtersSql } from './filtersSql';
import { bucketsOnHours, splitHours } from './hours';
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
  if (bucketsOnHours(plan.window)) {
    // A bucket of whole hours looks back over exactly its own hours: the rollup's heartbeat rows (which keep
    // worker_id) answer it without reading a single heartbeat.
    return {
      text: seriesArraysSql(
        `SELECT grid.t, count(DISTINCT e.worker_id)::float8 AS v
FROM ${buckets.grid}
LEFT JOIN ledger_rollup_hourly e ON e.kind = 'worker.heartbeat'
  AND e.bucket >= grid.t + ${buckets.width} - ${lookback} AND e.bucket < grid.t + ${buckets.width}${filters}
GROUP BY grid.t`,
        []
      ),
      values: params.values,
    };
  }
  return {
    text: seriesArraysSql(
      `SELECT grid.t, count(DISTINCT e.worker_id)::float8 AS v
FROM ${buckets.grid}
LEFT JOIN ledger_events e ON e.kind = 'worker.heartbeat'
  AND e.occurred_at >= grid.t + ${buckets.width} - ${lookback} AND e.occurred_at < grid.t + ${buckets.width}${filters}
GROUP BY grid.t`,
      []
    ),
    values: params.values,
  };
}

/**
 * Each worker's latest heartbeat per bucket of [from, to), as rows `t, worker_id, last_at` (several per bucket and
 * worker: take the max). Whole hours come from the rollup (its heartbeat rows keep worker_id and last_at) when the
 * buckets are whole hours; the partial hours at the edges, or everything otherwise, from heartbeats.
 */
function latestPerBucket(
  plan: MetricsPlan,
  params: Params,
  bounds: { readonly from: string; readonly to: string },
  buckets: BucketSql
): string {
  const raw = (from: string, to: string) =>
    `(SELECT ${buckets.bucketOf('e.occurred_at')} AS t, e.worker_id, max(e.occurred_at) AS last_at FROM ledger_events e
  WHERE e.kind = 'worker.heartbeat' AND e.occurred_at >= ${from} AND e.occurred_at < ${to} GROUP BY 1, 2)`;
  const split = bucketsOnHours(plan.window) ? splitHours(plan.window.fromMs, plan.window.toMs) : undefined;
  if (!split) {
    return raw(bounds.from, bounds.to);
  }
  const at = (ms: number) => params.add(new Date(ms).toISOString(), 'timestamptz');
  const wholeFrom = at(split.whole.from);
  const wholeTo = at(split.whole.to);
  return [
    ...(split.head ? [raw(bounds.from, wholeFrom)] : []),
    `(SELECT ${buckets.bucketOf('e.bucket')} AS t, e.worker_id, max(e.last_at) AS last_at FROM ledger_rollup_hourly e
  WHERE e.kind = 'worker.heartbeat' AND e.bucket >= ${wholeFrom} AND e.bucket < ${wholeTo} GROUP BY 1, 2)`,
    ...(split.tail ? [raw(wholeTo, bounds.to)] : []),
  ].join('\n  UNION ALL ');
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
  const rows = `WITH known AS (${latest}),
before AS (
  SELECT k.worker_id, (SELECT max(h.occurred_at) FROM ledger_events h
    WHERE h.kind = 'worker.heartbeat' AND h.worker_id = k.worker_id AND h.occurred_at < ${bounds.from}) AS last_at
  FROM known k WHERE k.last_at >= ${bounds.from} - interval '${RETIRED_AFTER}'
),
per_bucket AS (
  SELECT t, worker_id, max(last_at) AS last_at FROM (
  ${latestPerBucket(plan, params, bounds, buckets)}
  ) x WHERE worker_id IN (SELECT worker_id FROM before) GROUP BY 1, 2
),
filled AS (
  SELECT grid.t, b.worker_id,
    greatest(b.last_at, max(p.last_at) OVER (PARTITION BY b.worker_id ORDER BY grid.t)) AS last_at
  FROM ${buckets.grid} CROSS JOIN before b LEFT JOIN per_bucket p ON p.t = grid.t AND p.worker_id = b.worker_id
)
SELECT t, worker_id AS d0, extract(epoch FROM least(t + ${buckets.width}, now()) - last_at)::float8 AS v
FROM filled`;
  return { text: seriesArraysSql(rows, ['d0']), values: params.values };
}
