/**
 * Queue depth and running jobs: how many jobs are in a status (queued or running) at an instant, replayed per job by
 * the ledger's own status rule (docs/ledger.md, "jobs and workers state rules") over the events before the instant:
 * a job's status is that of its lifecycle event with the latest occurred_at (at equal times the stronger status:
 * completed > failed > running > queued); a job seen only through other events is running.
 *
 * Why per job and not by event kind: a requeue moves a job to queued from whatever it was, and after a failure it
 * was not running, so "−1 running per requeue" overstated running by every retry after the instant (#12). Each
 * lifecycle event contributes [its status = S] − [the job's previous status = S], the previous status coming from
 * the job's preceding lifecycle event.
 *
 * Series: the count at the window's start (`at_start`), plus the running sum of those contributions in [from, to),
 * per bucket, so each point is the count at its bucket's end (the last one at `to`). Instants: the count at `to`.
 * The status of a job at an instant t comes from the jobs table when its status last changed before t, else from
 * its latest lifecycle event before t (one index lookup, for the few jobs that changed since t).
 */
import type { Dimension } from '../../../contract/query';
import { QueryError } from '../../errors';
import type { MetricsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { bucketSql, windowBounds } from '../timeBucketSql';
import { JOBS_DIMENSION_COLUMNS } from './definitions';
import { filtersSql } from './filtersSql';
import { groupColumns, groupPositions, seriesArraysSql, type RowLayout } from './seriesSql';

const STATUS_OF = {
  queueDepth: 'queued',
  running: 'running',
} as const;

const LIFECYCLE_KINDS = ['job.created', 'job.requeued', 'job.claimed', 'job.failed', 'job.completed'];
const STATUS_OF_EVENT = `CASE e.kind WHEN 'job.created' THEN 'queued' WHEN 'job.requeued' THEN 'queued'
    WHEN 'job.claimed' THEN 'running' WHEN 'job.failed' THEN 'failed' WHEN 'job.completed' THEN 'completed' END`;
// ledger_job_status_rank (migration 0007), spelled out so the reader role needs no function privilege
const RANK_OF_EVENT = `CASE e.kind WHEN 'job.created' THEN 0 WHEN 'job.requeued' THEN 0
    WHEN 'job.claimed' THEN 1 WHEN 'job.failed' THEN 2 WHEN 'job.completed' THEN 3 END`;

/** Builds queue depth or running jobs, at the window's end or at the end of each bucket. */
export function lifecycleSql(plan: MetricsPlan, which: keyof typeof STATUS_OF, layout: RowLayout): Sql {
  const params = new Params();
  const jobsColumn = (d: Dimension) => {
    const column = JOBS_DIMENSION_COLUMNS[d];
    if (!column) {
      throw QueryError.badQuery(`[query] ${plan.metric.id} cannot use the dimension "${d}"`);
    }
    return column;
  };
  const dims = groupColumns(plan, jobsColumn);
  const aliases = dims.map((d) => d.alias);
  const dimSelect = dims.map((d) => `, ${d.expr} AS ${d.alias}`).join('');
  const dimList = (prefix: string) => aliases.map((a) => `, ${prefix}${a}`).join('');
  const groupBy = (first: number) =>
    aliases.length > 0 ? ` GROUP BY ${aliases.map((_, i) => i + first).join(', ')}` : '';
  const bounds = windowBounds(plan.window, params);
  const kinds = params.add(LIFECYCLE_KINDS, 'text[]');
  const status = params.add(STATUS_OF[which], 'text');
  const filters = filtersSql(plan.filters, params, jobsColumn);

  // Jobs (with their labels) in the status at `instant`. Only jobs created before it can be in any status. A job whose
  // status last changed before it (or never: running, rule 4) is in its current status; any other job's status is
  // that of its latest lifecycle event before the instant. Two branches rather than one CASE, so the planner counts
  // the lookup only for the jobs that changed since (a per-row subplan estimate on every job made JIT kick in).
  const inStatusAt = (instant: string) => `SELECT j.id${dimSelect} FROM jobs j
  WHERE j.created_at < ${instant} AND j.status = ${status}
    AND (j.status_changed_at < ${instant} OR j.status_changed_at IS NULL)${filters}
  UNION ALL
  SELECT j.id${dimSelect} FROM jobs j LEFT JOIN LATERAL (
    SELECT ${STATUS_OF_EVENT} AS status FROM ledger_events e
    WHERE e.job_id = j.id AND e.kind = ANY(${kinds}) AND e.occurred_at < ${instant}
    ORDER BY e.occurred_at DESC, ${RANK_OF_EVENT} DESC LIMIT 1
  ) before_instant ON true
  WHERE j.created_at < ${instant} AND j.status_changed_at >= ${instant}${filters}
    AND coalesce(before_instant.status, 'running') = ${status}`;

  if (layout === 'instant') {
    const text = `SELECT ${aliases.map((a) => `${a}, `).join('')}count(*)::float8 AS v FROM (${inStatusAt(bounds.to)}) s${groupBy(1)}${aliases.length > 0 ? ' HAVING count(*) > 0' : ''}`;
    return { text, values: params.values };
  }

  const buckets = bucketSql(plan.window, params);
  const series = aliases.length > 0 ? aliases.join(', ') : '1 AS one';
  // a grouped series whose count is 0 at every point is left out: it would only list a label set seen in the window
  const partition = aliases.length > 0 ? aliases.map((a) => `filled.${a}`).join(', ') : '1';
  const on = (left: string, right: string) =>
    aliases.length > 0 ? aliases.map((a) => `${left}.${a} IS NOT DISTINCT FROM ${right}.${a}`).join(' AND ') : 'true';
  // Each job's steps in the window, in the order the status rule applies them: its lifecycle events, and its first
  // sighting (running until a lifecycle event says otherwise) when that falls in the window.
  const text = `WITH at_start AS (${inStatusAt(bounds.from)}),
steps AS (
  SELECT s.job_id, s.at, s.status = ${status} AS is_in,
    lag(s.status = ${status}) OVER (PARTITION BY s.job_id ORDER BY s.at, s.rank, s.seq) AS was_in
  FROM (
    SELECT e.job_id, e.occurred_at AS at, ${RANK_OF_EVENT} AS rank, e.seq, ${STATUS_OF_EVENT} AS status
    FROM ledger_events e
    WHERE e.kind = ANY(${kinds}) AND e.job_id IS NOT NULL AND e.occurred_at >= ${bounds.from} AND e.occurred_at < ${bounds.to}
    UNION ALL
    SELECT j.id, j.created_at, -1, 0, 'running' FROM jobs j WHERE j.created_at >= ${bounds.from} AND j.created_at < ${bounds.to}
  ) s
),
deltas AS (
  SELECT ${buckets.bucketOf('steps.at')} AS t${dimSelect},
    sum(steps.is_in::int - coalesce(steps.was_in, a.id IS NOT NULL)::int)::float8 AS d
  FROM steps JOIN jobs j ON j.id = steps.job_id LEFT JOIN at_start a ON a.id = steps.job_id
  WHERE true${filters} GROUP BY 1${groupPositions(dims)}
),
initial AS (SELECT ${aliases.map((a) => `${a}, `).join('')}count(*)::float8 AS n FROM at_start${groupBy(1)}),
series AS (SELECT ${series} FROM initial UNION SELECT ${series} FROM deltas),
filled AS (
  SELECT grid.t${dimList('series.')}, coalesce(deltas.d, 0) AS d
  FROM ${buckets.grid} CROSS JOIN series LEFT JOIN deltas ON deltas.t = grid.t AND ${on('deltas', 'series')}
),
counts AS (
  SELECT filled.t${dimList('filled.')}, coalesce(initial.n, 0)
    + sum(filled.d) OVER (PARTITION BY ${partition} ORDER BY filled.t) AS v
  FROM filled LEFT JOIN initial ON ${on('initial', 'filled')}
)
SELECT t${dimList('')}, v FROM (SELECT counts.*, max(v) OVER (PARTITION BY ${partition.replaceAll('filled.', '')}) AS peak FROM counts) c
WHERE ${aliases.length > 0 ? 'peak > 0' : 'true'}`;
  return { text: seriesArraysSql(text, aliases), values: params.values };
}
