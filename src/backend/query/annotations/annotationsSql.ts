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
  const text = `WITH hb AS (
  SELECT e.worker_id, e.occurred_at, e.job_id,
         lag(e.occurred_at) OVER w AS prev_at, lag(e.job_id) OVER w AS prev_job
  FROM ledger_events e
  WHERE e.kind = 'worker.heartbeat' AND e.occurred_at >= ${lookback} AND e.occurred_at < ${to}${filtersSql(filters, params)}
  WINDOW w AS (PARTITION BY e.worker_id ORDER BY e.occurred_at)
), latest AS (
  SELECT DISTINCT ON (worker_id) worker_id, occurred_at, job_id FROM hb ORDER BY worker_id, occurred_at DESC
)
SELECT worker_id, ${epochMs('prev_at')} AS start_ms, ${epochMs('occurred_at')} AS end_ms, prev_job AS job_id, false AS open
FROM hb
WHERE prev_at IS NOT NULL AND occurred_at - prev_at > ${gap} AND occurred_at >= ${from}
UNION ALL
SELECT l.worker_id, ${epochMs('l.occurred_at')}, ${epochMs(`least(${to}, now())`)}, l.job_id, true
FROM latest l
WHERE l.job_id IS NOT NULL AND l.occurred_at < least(${to}, now()) - ${gap}
  AND NOT EXISTS (
    SELECT 1 FROM ledger_events x
    WHERE x.kind IN ('job.completed', 'job.failed') AND x.worker_id = l.worker_id
      AND x.occurred_at > l.occurred_at AND x.occurred_at >= ${lookback} AND x.occurred_at < ${to})
ORDER BY 2
LIMIT ${params.add(MAX_ANNOTATIONS + 1, 'int8')}`;
  return { text, values: params.values };
}
