/**
 * Duration percentiles over windows longer than EXACT_FROM_RAW_MS, where sorting every raw value (1.5M tool calls in
 * 30 days) is too slow for a dashboard:
 * - time series of p95/p99 with hourly-aligned buckets: exact, from the 64 largest durations kept per hour
 *   (ledger_duration_top_hourly, migration 0016) plus the raw values of the partial hours at the edges. A group whose
 *   needed rank is beyond the 64 kept values (more than ~1,260 events for p95, ~6,300 for p99 in one bucket) is
 *   computed from its raw rows instead, so the answer is always exact.
 * - instants: approximate, from the daily logarithmic histograms (ledger_duration_histogram_daily, migration 0015)
 *   for whole UTC days plus the raw values of the partial days, interpolated within a bin: within a bin's width
 *   (4.4%) of the exact value.
 * Everything else (shorter windows, other dimensions or filters) is exact from raw rows (aggregateSql.ts).
 * The dimensions these paths accept (tool, model, and the finished-job status derived from the kind) are never
 * NULL, so groups are joined with plain equality, which PostgreSQL can hash.
 */
import type { Dimension } from '../../../contract/query';
import type { MetricsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { bucketSql, windowBounds, type BucketSql } from '../timeBucketSql';
import { FINISHED_STATUS, type EventsSource } from './definitions';
import { DIMENSION_COLUMNS } from './dimensions';
import { filtersSql } from './filtersSql';
import { bucketsOnHours, DAY_MS, HOUR_MS, splitHours, type HourSplit } from './hours';
import { filledSeriesSql, groupColumns, type GroupColumn, type RowLayout } from './seriesSql';

/** Windows up to this long compute percentiles exactly from raw rows. */
export const EXACT_FROM_RAW_MS = 48 * HOUR_MS;
/** Durations kept per hour and name in ledger_duration_top_hourly (migration 0016). */
export const TOP_KEPT = 64;

const PERCENTILE: Readonly<Record<string, number>> = { p50: 0.5, p95: 0.95, p99: 0.99 };
const NAMED_KINDS = ['tool.call', 'llm.call']; // the duration tables keep name only for these (migration 0017)

function dimensionKept(source: EventsSource, dimension: Dimension): boolean {
  const custom = source.dimensions?.[dimension];
  if (custom !== undefined) {
    return custom === FINISHED_STATUS;
  }
  return DIMENSION_COLUMNS[dimension] === 'name' && source.kinds.every((kind) => NAMED_KINDS.includes(kind));
}

interface Context {
  plan: MetricsPlan;
  source: EventsSource;
  p: number;
  split: HourSplit;
  params: Params;
  dims: GroupColumn[];
  kinds: string;
  filters: string;
  /** Window bounds, added as parameters on first read (an unreferenced parameter is an error). */
  bounds: { readonly from: string; readonly to: string };
  /** The whole hours (top-64 series) or whole days (histogram instants) read from the rollup table. */
  wholeFrom: string;
  wholeTo: string;
  /** The window cut at whole hours, for the groups that exist (ledger_rollup_hourly counts every event). */
  hours: HourSplit;
}

/**
 * The groups (bucket and labels, or labels) that have events without a duration in the window: on raw rows a group
 * whose events all lack one still appears, with a NULL value, and so it must here (groups with durations come from
 * the percentile itself). From the hourly rollup (which counts every event: rows with duration_n < events) for the
 * whole hours, raw rows for the partial ones; usually empty.
 */
function presentGroups(c: Context, buckets?: BucketSql): string {
  const at = (ms: number) => c.params.add(new Date(ms).toISOString(), 'timestamptz');
  const keys = (time: string) =>
    [...(buckets ? [`${buckets.bucketOf(time)} AS t`] : []), ...c.dims.map((d) => `${d.expr} AS ${d.alias}`)].join(
      ', '
    ) || '1 AS one';
  const raw = (lower: string, upper: string) =>
    `SELECT DISTINCT ${keys('e.occurred_at')} FROM ledger_events e WHERE e.kind = ANY(${c.kinds}) AND e.duration_ms IS NULL AND e.occurred_at >= ${lower} AND e.occurred_at < ${upper}${c.filters}`;
  const from = at(c.hours.whole.from);
  const to = at(c.hours.whole.to);
  return [
    ...(c.hours.head ? [raw(c.bounds.from, from)] : []),
    `SELECT DISTINCT ${keys('e.bucket')} FROM ledger_rollup_hourly e WHERE e.kind = ANY(${c.kinds}) AND e.duration_n < e.events AND e.bucket >= ${from} AND e.bucket < ${to}${c.filters}`,
    ...(c.hours.tail ? [raw(to, c.bounds.to)] : []),
  ]
    .map((part) => `(${part})`)
    .join(' UNION ');
}

/** Raw rows of the partial hours at the window's edges, for the given select list and grouping. */
function edgeParts(c: Context, select: string, group: string): string[] {
  const part = (lower: string, upper: string) =>
    `SELECT ${select} FROM ledger_events e WHERE e.kind = ANY(${c.kinds}) AND e.duration_ms IS NOT NULL AND e.occurred_at >= ${lower} AND e.occurred_at < ${upper}${c.filters}${group}`;
  return [
    ...(c.split.head ? [part(c.bounds.from, c.wholeFrom)] : []),
    ...(c.split.tail ? [part(c.wholeTo, c.bounds.to)] : []),
  ];
}

const positions = (n: number, first = 1) =>
  n > 0 ? ` GROUP BY ${Array.from({ length: n }, (_, i) => i + first).join(', ')}` : '';

/** Exact p95/p99 series from the top-64 table (and raw rows for groups beyond it). */
function topSeriesSql(c: Context, buckets: BucketSql): string {
  const dims = c.dims.map((d) => `${d.expr} AS ${d.alias}`).join(', ');
  const aliases = c.dims.map((d) => d.alias);
  const keyList = (prefix: string) => ['t', ...aliases].map((a) => `${prefix}${a}`).join(', ');
  const sameGroup = (a: string, b: string) => ['t', ...aliases].map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');
  const top = `SELECT ${buckets.bucketOf('e.bucket')} AS t${dims ? `, ${dims}` : ''}, e.events AS n, e.top FROM ledger_duration_top_hourly e WHERE e.kind = ANY(${c.kinds}) AND e.bucket >= ${c.wholeFrom} AND e.bucket < ${c.wholeTo}${c.filters}`;
  const edges = edgeParts(
    c,
    `${buckets.bucketOf('e.occurred_at')} AS t${dims ? `, ${dims}` : ''}, count(*) AS n, array_agg(e.duration_ms ORDER BY e.duration_ms DESC) AS top`,
    positions(1 + c.dims.length)
  );
  const dimMatch = c.dims.map((d) => ` AND ${d.expr} = g.${d.alias}`).join('');
  return `WITH parts AS (
  ${[top, ...edges].map((part) => `(${part})`).join('\n  UNION ALL ')}
), need AS (
  SELECT ${keyList('')}, pos, (n - 1 - floor(pos))::int AS lo, (n - 1 - ceil(pos))::int AS hi
  FROM (SELECT ${keyList('')}, sum(n)::float8 AS n, ${c.p}::float8 * (sum(n) - 1)::float8 AS pos FROM parts${positions(1 + aliases.length)}) g
), ranked AS (
  SELECT ${keyList('g.')}, g.pos, g.lo, g.hi, u.v,
    row_number() OVER (PARTITION BY ${keyList('g.')} ORDER BY u.v DESC) - 1 AS r
  FROM need g JOIN parts p ON ${sameGroup('p', 'g')} CROSS JOIN LATERAL unnest(p.top[1:g.lo + 1]) AS u(v)
  WHERE g.lo < ${TOP_KEPT}
)
SELECT ${keyList('')},
  min(v) FILTER (WHERE r = lo) + (min(pos) - floor(min(pos))) * (min(v) FILTER (WHERE r = hi) - min(v) FILTER (WHERE r = lo)) AS v
FROM ranked WHERE r = lo OR r = hi${positions(1 + aliases.length)}
UNION ALL
SELECT ${keyList('g.')}, (SELECT percentile_cont(${c.p}::float8) WITHIN GROUP (ORDER BY e.duration_ms) FROM ledger_events e
  WHERE e.kind = ANY(${c.kinds}) AND e.occurred_at >= greatest(g.t, ${c.bounds.from}) AND e.occurred_at < ${c.bounds.to}
    AND e.occurred_at < g.t + ${buckets.width} + interval '1 hour' AND ${buckets.bucketOf('e.occurred_at')} = g.t${dimMatch}${c.filters}) AS v
FROM need g WHERE g.lo >= ${TOP_KEPT}
UNION ALL
SELECT ${keyList('p.')}, NULL::float8 FROM (${presentGroups(c, buckets)}) p
WHERE NOT EXISTS (SELECT FROM need g WHERE ${sameGroup('p', 'g')})`;
}

/** Approximate percentile instants from the daily histograms. */
function histogramInstantSql(c: Context): string {
  const dims = c.dims.map((d) => `${d.expr} AS ${d.alias}`);
  const aliases = c.dims.map((d) => d.alias);
  const lead = aliases.map((a) => `${a}, `).join('');
  const partition = aliases.length > 0 ? `PARTITION BY ${aliases.join(', ')} ` : '';
  const hist = `SELECT ${[...dims, 'e.bin', 'e.events AS n'].join(', ')} FROM ledger_duration_histogram_daily e WHERE e.kind = ANY(${c.kinds}) AND e.bucket >= ${c.wholeFrom} AND e.bucket < ${c.wholeTo}${c.filters}`;
  const edges = edgeParts(
    c,
    [...dims, 'ledger_duration_bin(e.duration_ms) AS bin', 'count(*) AS n'].join(', '),
    positions(dims.length + 1)
  );
  // As percentile_cont: the values at ranks floor(pos) and ceil(pos), each placed within its bin (ranks spread
  // evenly in log space), then interpolated. Each is within its bin's width of the true value, so the result is too.
  const at = (rank: string) =>
    `max(ledger_duration_at(bin::smallint, (${rank} - below + 0.5) / n)) FILTER (WHERE below <= ${rank} AND below + n > ${rank})`;
  const estimate = `WITH bins AS (
  SELECT ${lead}bin, sum(n)::float8 AS n FROM (
  ${[hist, ...edges].map((part) => `(${part})`).join('\n  UNION ALL ')}
  ) h${positions(aliases.length + 1)}
), cum AS (
  SELECT ${lead}bin, n, sum(n) OVER (${partition}ORDER BY bin) - n AS below,
    ${c.p}::float8 * (sum(n) OVER (${partition.trim()}) - 1) AS pos
  FROM bins
), ends AS (
  SELECT ${lead}${at('floor(pos)')} AS v_lo, ${at('ceil(pos)')} AS v_hi, min(pos) AS pos
  FROM cum${positions(aliases.length)}
)
SELECT ${lead}v_lo + (pos - floor(pos)) * (v_hi - v_lo) AS v FROM ends${
    aliases.length > 0
      ? `
UNION ALL
SELECT ${aliases.map((a) => `p.${a}, `).join('')}NULL::float8 FROM (${presentGroups(c)}) p
WHERE NOT EXISTS (SELECT FROM ends g WHERE ${aliases.map((a) => `g.${a} = p.${a}`).join(' AND ')})`
      : ''
  }`;
  // without a group-by, an instant always has its one row (NULL when there is no data), as on raw rows
  return aliases.length > 0 ? estimate : `SELECT (${estimate.replace(/\n/g, '\n  ')}) AS v`;
}

/** The statement for a long-window duration percentile, or undefined when raw rows must answer it. */
export function percentileSql(plan: MetricsPlan, source: EventsSource, layout: RowLayout): Sql | undefined {
  const p = PERCENTILE[plan.aggregation];
  const range = plan.window.toMs - plan.window.fromMs;
  const dimensions = [...plan.groupBy, ...plan.filters.map((f) => f.key)];
  if (p === undefined || source.measure !== 'duration' || range <= EXACT_FROM_RAW_MS) {
    return undefined;
  }
  const series = layout === 'series';
  if (!dimensions.every((d) => dimensionKept(source, d)) || (series && (p === 0.5 || !bucketsOnHours(plan.window)))) {
    return undefined;
  }
  // series: whole hours from the top-64 table; instants: whole days from the daily histogram
  const split = splitHours(plan.window.fromMs, plan.window.toMs, series ? HOUR_MS : DAY_MS);
  if (!split) {
    return undefined;
  }
  const params = new Params();
  const columnOf = (d: Dimension) => source.dimensions?.[d] ?? `e.${DIMENSION_COLUMNS[d]}`;
  const bounds = windowBounds(plan.window, params);
  const context: Context = {
    plan,
    source,
    p,
    split,
    params,
    dims: groupColumns(plan, columnOf),
    kinds: params.add([...source.kinds], 'text[]'),
    filters: filtersSql(plan.filters, params, columnOf),
    bounds,
    wholeFrom: params.add(new Date(split.whole.from).toISOString(), 'timestamptz'),
    wholeTo: params.add(new Date(split.whole.to).toISOString(), 'timestamptz'),
    hours: splitHours(plan.window.fromMs, plan.window.toMs)!, // a window longer than 48 h has whole hours
  };
  if (!series) {
    return { text: histogramInstantSql(context), values: params.values };
  }
  const buckets = bucketSql(plan.window, params);
  return {
    text: filledSeriesSql(topSeriesSql(context, buckets), context.dims, buckets, 'null'),
    values: params.values,
  };
}
