/**
 * Annotations plan → SQL: the point events (escalations, job failures, budget overruns) of the window, the bad
 * 5-minute failure-rate buckets, and worker heartbeat gaps. Every statement uses the window bounds and the plan's
 * dimension filters as parameters.
 */
import type { Filter } from '../../../contract/query';
import { EVENT_COLUMNS_SQL } from '../logs/eventRow';
import { filtersSql } from '../metrics/filtersSql';
import type { TimeWindow } from '../plan';
import { Params, type Sql } from '../sql';
import { HEARTBEAT_GAP_MS, INCIDENT_BUCKET_MS, INCIDENT_FAILURE_RATE, INCIDENT_MIN_FAILURES } from './incidents';

/** Most annotations of one kind a query returns (more gives a notice). */
export const MAX_ANNOTATIONS = 5_000;

/** How far before the range a heartbeat gap may start and still be found. */
export const HEARTBEAT_LOOKBACK_MS = 3_600_000;

const iso = (ms: number) => new Date(ms).toISOString();
const epochMs = (expr: string) => `floor(extract(epoch FROM ${expr}) * 1000)::float8`;

/** Events of `kinds` in the window, oldest first (MAX_ANNOTATIONS + 1 rows at most). */
export function pointEventsSql(kinds: readonly string[], window: TimeWindow, filters: readonly Filter[]): Sql {
  const params = new Params();
  const text = `SELECT ${EVENT_COLUMNS_SQL}
FROM ledger_events e
WHERE e.kind = ANY(${params.add([...kinds], 'text[]')})
  AND e.occurred_at >= ${params.add(iso(window.fromMs), 'timestamptz')} AND e.occurred_at < ${params.add(iso(window.toMs), 'timestamptz')}${filtersSql(filters, params)}
ORDER BY e.occurred_at, e.seq
LIMIT ${params.add(MAX_ANNOTATIONS + 1, 'int8')}`;
  return { text, values: params.values };
}

/** Bad failure-rate buckets: columns `start_ms`, `failed`, `finished` (buckets cover the whole window). */
export function failureBucketsSql(window: TimeWindow, filters: readonly Filter[]): Sql {
  const params = new Params();
  const width = params.add(`${INCIDENT_BUCKET_MS / 1000} seconds`, 'interval');
  const from = params.add(iso(Math.floor(window.fromMs / INCIDENT_BUCKET_MS) * INCIDENT_BUCKET_MS), 'timestamptz');
  const to = params.add(iso(window.toMs), 'timestamptz');
  const failed = `count(*) FILTER (WHERE e.kind = 'job.failed')`;
  const text = `SELECT ${epochMs(`date_bin(${width}, e.occurred_at, TIMESTAMPTZ '1970-01-01 00:00:00+00')`)} AS start_ms,
       ${failed}::int4 AS failed, count(*)::int4 AS finished
FROM ledger_events e
WHERE e.kind IN ('job.completed', 'job.failed') AND e.occurred_at >= ${from} AND e.occurred_at < ${to}${filtersSql(filters, params)}
GROUP BY 1
HAVING ${failed} >= ${params.add(INCIDENT_MIN_FAILURES, 'int8')} AND ${failed}::float8 / count(*) > ${params.add(INCIDENT_FAILURE_RATE, 'float8')}
ORDER BY 1
LIMIT ${params.add(MAX_ANNOTATIONS + 1, 'int8')}`;
  return { text, values: params.values };
}

/**
 * Heartbeat gaps: columns `worker_id`, `start_ms`, `end_ms`, `job_id`, `open`. Closed gaps end inside the window;
 * an open gap is a busy worker's last heartbeat followed by silence (and no finish) until the window's end or now.
 */
export function heartbeatGapsSql(window: TimeWindow, filters: readonly Filter[]): Sql {
  const params = new Params();
  const lookback = params.add(iso(window.fromMs - HEARTBEAT_LOOKBACK_MS), 'timestamptz');
  const from = params.add(iso(window.fromMs), 'timestamptz');
  const to = params.add(iso(window.toMs), 'timestamptz');
  const gap = params.add(`${HEARTBEAT_GAP_MS / 1000} seconds`, 'interval');
  const heartbeats = `FROM ledger_events e
    WHERE e.kind = 'worker.heartbeat' AND e.worker_id = w.worker_id AND e.occurred_at >= ${lookback} AND e.occurred_at < ${to}${filtersSql(filters, params)}`;
  // Per worker, its heartbeats in time order straight from the heartbeat index (worker_id, occurred_at): no sort of
  // every heartbeat of the range, and no plan that rests on row estimates, which a ledger bulk-loaded a moment ago
  // does not have (#12).
  const text = `SELECT w.worker_id, ${epochMs('h.prev_at')} AS start_ms, ${epochMs('h.occurred_at')} AS end_ms, h.prev_job AS job_id, false AS open
FROM workers w CROSS JOIN LATERAL (
  SELECT e.occurred_at, lag(e.occurred_at) OVER by_time AS prev_at, lag(e.job_id) OVER by_time AS prev_job
  ${heartbeats}
  WINDOW by_time AS (ORDER BY e.occurred_at)
) h
WHERE h.prev_at IS NOT NULL AND h.occurred_at - h.prev_at > ${gap} AND h.occurred_at >= ${from}
UNION ALL
SELECT w.worker_id, ${epochMs('l.occurred_at')}, ${epochMs(`least(${to}, now())`)}, l.job_id, true
FROM workers w CROSS JOIN LATERAL (SELECT e.occurred_at, e.job_id ${heartbeats} ORDER BY e.occurred_at DESC LIMIT 1) l
WHERE l.job_id IS NOT NULL AND l.occurred_at < least(${to}, now()) - ${gap}
  AND NOT EXISTS (
    SELECT 1 FROM ledger_events x
    WHERE x.kind IN ('job.completed', 'job.failed') AND x.worker_id = w.worker_id
      AND x.occurred_at > l.occurred_at AND x.occurred_at >= ${lookback} AND x.occurred_at < ${to})
ORDER BY 2
LIMIT ${params.add(MAX_ANNOTATIONS + 1, 'int8')}`;
  return { text, values: params.values };
}
