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
import type { RowLayout } from './seriesSql';

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
  return {
    text: `SELECT grid.t, count(DISTINCT e.worker_id)::float8 AS v
FROM ${buckets.grid}
LEFT JOIN ledger_events e ON e.kind = 'worker.heartbeat'
  AND e.occurred_at >= grid.t + ${buckets.width} - ${lookback} AND e.occurred_at < grid.t + ${buckets.width}${filters}
GROUP BY grid.t ORDER BY grid.t`,
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
  return {
    text: `WITH known AS (${latest}),
before AS (
  SELECT k.worker_id, (SELECT max(h.occurred_at) FROM ledger_events h
    WHERE h.kind = 'worker.heartbeat' AND h.worker_id = k.worker_id AND h.occurred_at < ${bounds.from}) AS last_at
  FROM known k WHERE k.last_at >= ${bounds.from} - interval '${RETIRED_AFTER}'
),
per_bucket AS (
  SELECT ${buckets.bucketOf('e.occurred_at')} AS t, e.worker_id, max(e.occurred_at) AS last_at
  FROM ledger_events e
  WHERE e.kind = 'worker.heartbeat' AND e.occurred_at >= ${bounds.from} AND e.occurred_at < ${bounds.to}
    AND e.worker_id IN (SELECT worker_id FROM before)
  GROUP BY 1, 2
),
filled AS (
  SELECT grid.t, b.worker_id,
    greatest(b.last_at, max(p.last_at) OVER (PARTITION BY b.worker_id ORDER BY grid.t)) AS last_at
  FROM ${buckets.grid} CROSS JOIN before b LEFT JOIN per_bucket p ON p.t = grid.t AND p.worker_id = b.worker_id
)
SELECT t, worker_id AS d0, extract(epoch FROM least(t + ${buckets.width}, now()) - last_at)::float8 AS v
FROM filled
ORDER BY worker_id, t`,
    values: params.values,
  };
}
