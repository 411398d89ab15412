/**
 * Queue depth and running jobs. "Now" comes from the jobs table (maintained by the ledger's trigger). The value at
 * an earlier time t is replayed backwards from now: now − Σ(lifecycle deltas of events after t). Only events from
 * the window start to now are read, never the whole history.
 *
 * Deltas: queue = +created +requeued −claimed; running = +claimed −completed −failed −requeued. A job that fails
 * without ever being claimed would count as −1 running in the replay (docs/metrics.md notes it).
 *
 * Whole hours of the replay come from the hourly rollup (a rollup row counts `events` lifecycle events of one kind),
 * the partial hours at the edges from raw rows: exact, and a 30-day replay reads ~10k rollup rows instead of ~450k
 * events.
 */
import type { Dimension } from '../../../contract/query';
import { QueryError } from '../../errors';
import type { MetricsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { bucketSql, windowBounds } from '../timeBucketSql';
import { JOBS_DIMENSION_COLUMNS } from './definitions';
import { DIMENSION_COLUMNS } from './dimensions';
import { filtersSql } from './filtersSql';
import { bucketsOnHours, HOUR_MS, splitHours } from './hours';
import { groupColumns, seriesArraysSql, type RowLayout } from './seriesSql';

const LIFECYCLE = {
  queueDepth: {
    status: 'queued',
    delta: `CASE e.kind WHEN 'job.created' THEN 1 WHEN 'job.requeued' THEN 1 WHEN 'job.claimed' THEN -1 END`,
    kinds: ['job.created', 'job.requeued', 'job.claimed'],
  },
  running: {
    status: 'running',
    delta: `CASE e.kind WHEN 'job.claimed' THEN 1 ELSE -1 END`,
    kinds: ['job.claimed', 'job.completed', 'job.failed', 'job.requeued'],
  },
} as const;

/** Builds queue depth or running jobs, now or replayed per bucket. */
export function lifecycleSql(plan: MetricsPlan, which: keyof typeof LIFECYCLE, layout: RowLayout): Sql {
  const spec = LIFECYCLE[which];
  const params = new Params();
  const jobsColumn = (d: Dimension) => {
    const column = JOBS_DIMENSION_COLUMNS[d];
    if (!column) {
      throw QueryError.badQuery(`[query] ${plan.metric.id} cannot use the dimension "${d}"`);
    }
    return column;
  };
  const eventColumn = (d: Dimension) => `e.${DIMENSION_COLUMNS[d]}`;
  const jobDims = groupColumns(plan, jobsColumn);
  const eventDims = groupColumns(plan, eventColumn);
  const aliases = jobDims.map((d) => d.alias);
  const list = (prefix: string) => aliases.map((a) => `${prefix}${a}`).join(', ');
  const groupBy = (n: number, offset = 1) =>
    n > 0 ? ` GROUP BY ${Array.from({ length: n }, (_, i) => i + offset).join(', ')}` : '';
  const bounds = windowBounds(plan.window, params);
  const kinds = params.add([...spec.kinds], 'text[]');
  const status = params.add(spec.status, 'text');

  const nowState = `SELECT ${jobDims.map((d) => `${d.expr} AS ${d.alias}, `).join('')}count(*)::float8 AS n
  FROM jobs j WHERE j.status = ${status}${filtersSql(plan.filters, params, jobsColumn)}${groupBy(jobDims.length)}`;
  const eventFilter = filtersSql(plan.filters, params, eventColumn);
  const dimSelect = eventDims.map((d) => `${d.expr} AS ${d.alias}, `).join('');
  // Deltas of a time range, from raw rows or (whole hours) from the hourly rollup, where a row stands for `events`.
  const rawDeltas = (range: string, bucket?: string) =>
    `SELECT ${bucket ? `${bucket} AS t, ` : ''}${dimSelect}sum(${spec.delta})::float8 AS d
  FROM ledger_events e WHERE e.kind = ANY(${kinds}) AND ${range}${eventFilter}${groupBy(eventDims.length + (bucket ? 1 : 0))}`;
  const rolledDeltas = (range: string, bucket?: string) =>
    `SELECT ${bucket ? `${bucket} AS t, ` : ''}${dimSelect}sum(e.events * ${spec.delta})::float8 AS d
  FROM ledger_rollup_hourly e WHERE e.kind = ANY(${kinds}) AND ${range}${eventFilter}${groupBy(eventDims.length + (bucket ? 1 : 0))}`;
  // From the window's end to now: the whole hours in between come from the rollup (now() is only known in SQL).
  const firstHour = params.add(new Date(Math.ceil(plan.window.toMs / HOUR_MS) * HOUR_MS).toISOString(), 'timestamptz');
  const nowHour = `date_bin('1 hour', now(), TIMESTAMPTZ '2001-01-01 00:00:00+00')`;
  const afterTo = `SELECT ${list('')}${aliases.length > 0 ? ', ' : ''}sum(d)::float8 AS d FROM (
  (${rawDeltas(`e.occurred_at >= ${bounds.to} AND e.occurred_at < ${firstHour} AND e.occurred_at <= now()`)})
  UNION ALL (${rolledDeltas(`e.bucket >= ${firstHour} AND e.bucket < ${nowHour}`)})
  UNION ALL (${rawDeltas(`e.occurred_at >= greatest(${firstHour}, ${nowHour}) AND e.occurred_at <= now()`)})
  ) x${groupBy(aliases.length)}`;
  const on = (left: string, right: string) =>
    aliases.length > 0 ? aliases.map((a) => `${left}.${a} IS NOT DISTINCT FROM ${right}.${a}`).join(' AND ') : 'true';
  const seriesKeys = aliases.length > 0 ? list('') : '1 AS one';

  if (layout === 'instant') {
    const text = `WITH now_state AS (${nowState}), after_to AS (${afterTo}),
series AS (SELECT ${seriesKeys} FROM now_state UNION SELECT ${seriesKeys} FROM after_to)
SELECT ${aliases.length > 0 ? `${list('series.')}, ` : ''}coalesce(now_state.n, 0) - coalesce(after_to.d, 0) AS v
FROM series LEFT JOIN now_state ON ${on('now_state', 'series')} LEFT JOIN after_to ON ${on('after_to', 'series')}`;
    return { text, values: params.values };
  }

  const buckets = bucketSql(plan.window, params);
  const split = bucketsOnHours(plan.window) ? splitHours(plan.window.fromMs, plan.window.toMs) : undefined;
  const at = (ms: number) => params.add(new Date(ms).toISOString(), 'timestamptz');
  const rawRange = (from: string, to: string) => `e.occurred_at >= ${from} AND e.occurred_at < ${to}`;
  const windowDeltas = split
    ? [
        ...(split.head
          ? [rawDeltas(rawRange(bounds.from, at(split.whole.from)), buckets.bucketOf('e.occurred_at'))]
          : []),
        rolledDeltas(
          `e.bucket >= ${at(split.whole.from)} AND e.bucket < ${at(split.whole.to)}`,
          buckets.bucketOf('e.bucket')
        ),
        ...(split.tail ? [rawDeltas(rawRange(at(split.whole.to), bounds.to), buckets.bucketOf('e.occurred_at'))] : []),
      ]
    : [rawDeltas(rawRange(bounds.from, bounds.to), buckets.bucketOf('e.occurred_at'))];
  const text = `WITH now_state AS (${nowState}), after_to AS (${afterTo}),
deltas AS (
  SELECT t${aliases.map((a) => `, ${a}`).join('')}, sum(d)::float8 AS d FROM (
  ${windowDeltas.map((part) => `(${part})`).join('\n  UNION ALL ')}
  ) x${groupBy(aliases.length + 1)}
),
series AS (SELECT ${seriesKeys} FROM now_state UNION SELECT ${seriesKeys} FROM after_to UNION SELECT ${seriesKeys} FROM deltas),
filled AS (
  SELECT grid.t${aliases.map((a) => `, series.${a}`).join('')}, coalesce(deltas.d, 0) AS d
  FROM ${buckets.grid} CROSS JOIN series LEFT JOIN deltas ON deltas.t = grid.t${aliases.map((a) => ` AND deltas.${a} IS NOT DISTINCT FROM series.${a}`).join('')}
)
SELECT filled.t${aliases.map((a) => `, filled.${a}`).join('')},
  coalesce(now_state.n, 0) - coalesce(after_to.d, 0)
    - coalesce(sum(filled.d) OVER (PARTITION BY ${aliases.length > 0 ? list('filled.') : '1'} ORDER BY filled.t DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS v
FROM filled LEFT JOIN now_state ON ${on('now_state', 'filled')} LEFT JOIN after_to ON ${on('after_to', 'filled')}`;
  return { text: seriesArraysSql(text, aliases), values: params.values };
}
