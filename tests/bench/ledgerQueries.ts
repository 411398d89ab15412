/**
 * The queries behind the Jobs, Performance, Resources and Health views and the alert rules, twice: as our metrics
 * builders generate them (planQuery → metricsSql, the statement QueryData runs), and as the plain SQL a Grafana user
 * would type into the built-in PostgreSQL datasource for the same panel (raw ledger_events, macros expanded the way
 * Grafana expands them: `$__timeGroupAlias(occurred_at, '2m')` → `floor(extract(epoch from occurred_at)/120)*120`,
 * `$__timeFilter(occurred_at)` → `occurred_at BETWEEN '…' AND '…'`).
 *
 * Panels get Grafana's interval for a 1000-point panel (range / 1000, snapped up: 1 h → 5 s, 24 h → 2 min,
 * 30 d → 1 h), "tokens per hour" always hourly buckets; alert rules are instants over the range.
 */
import type { DataQuery } from '../../src/backend/plugin/types';
import { metricsSql } from '../../src/backend/query/metrics/metricsSql';
import { planQuery, type MetricsPlan } from '../../src/backend/query/plan';
import type { Sql } from '../../src/backend/query/sql';
import { parseSettings } from '../../src/backend/settings/parseSettings';

/** One benchmarked panel or alert query. */
export interface BenchQuery {
  id: string;
  title: string;
  format: 'timeseries' | 'instant';
  /** The metrics query JSON our datasource receives. */
  json: Record<string, unknown>;
  /** Fixed bucket width in seconds (tokens per hour); otherwise the panel interval of the range. */
  bucketSeconds?: number;
  /**
   * The Grafana user's SQL: `$from`, `$to` (quoted timestamps) and `$s` (bucket seconds) are substituted. Columns:
   * time (series only), the labels in our group-by order, the value.
   */
  baseline: string;
  /** What our series holds in buckets the baseline has no row for (it does not fill gaps): 0, NULL, or anything. */
  gaps?: 'zero' | 'null' | 'any';
}

const FINISHED = `kind IN ('job.completed', 'job.failed')`;
const TIME = `floor(extract(epoch from occurred_at)/$s)*$s AS "time"`;
const RANGE = `occurred_at BETWEEN $from AND $to`;

/** The view and alert queries of issue #4. */
export const BENCH_QUERIES: readonly BenchQuery[] = [
  {
    id: 'jobs',
    title: 'job counts by status and mode',
    format: 'timeseries',
    json: { metric: 'job.finished', aggregation: 'count', groupBy: ['status', 'mode'] },
    gaps: 'zero',
    baseline: `SELECT ${TIME}, CASE kind WHEN 'job.completed' THEN 'completed' ELSE 'failed' END AS status, mode, count(*) AS jobs
FROM ledger_events WHERE ${RANGE} AND ${FINISHED} GROUP BY 1, 2, 3 ORDER BY 1`,
  },
  {
    id: 'failure-rate',
    title: 'failure rate',
    format: 'timeseries',
    json: { metric: 'job.failure_rate', aggregation: 'avg' },
    baseline: `SELECT ${TIME}, count(*) FILTER (WHERE kind = 'job.failed')::float8 / count(*) AS failure_rate
FROM ledger_events WHERE ${RANGE} AND ${FINISHED} GROUP BY 1 ORDER BY 1`,
  },
  {
    id: 'job-p95',
    title: 'p95 job duration',
    format: 'timeseries',
    json: { metric: 'job.duration_ms', aggregation: 'p95' },
    baseline: `SELECT ${TIME}, percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
FROM ledger_events WHERE ${RANGE} AND ${FINISHED} GROUP BY 1 ORDER BY 1`,
  },
  {
    id: 'tokens-hourly',
    title: 'tokens per hour',
    format: 'timeseries',
    bucketSeconds: 3_600,
    json: { metric: 'tokens.used', aggregation: 'sum' },
    gaps: 'zero',
    baseline: `SELECT ${TIME}, sum(tokens_in + tokens_out) AS tokens
FROM ledger_events WHERE ${RANGE} AND kind = 'llm.call' GROUP BY 1 ORDER BY 1`,
  },
  {
    id: 'tool-p99',
    title: 'tool p99 by tool',
    format: 'timeseries',
    json: { metric: 'tool.duration_ms', aggregation: 'p99', groupBy: ['tool'] },
    baseline: `SELECT ${TIME}, name AS tool, percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
FROM ledger_events WHERE ${RANGE} AND kind = 'tool.call' GROUP BY 1, 2 ORDER BY 1`,
  },
  {
    id: 'queue-depth',
    title: 'queue depth',
    format: 'timeseries',
    json: { metric: 'queue.depth', aggregation: 'last' },
    gaps: 'any',
    // Without a state table a user replays the queue from the first event of the ledger.
    baseline: `SELECT "time", depth FROM (
  SELECT ${TIME},
    sum(sum(CASE kind WHEN 'job.claimed' THEN -1 ELSE 1 END)) OVER (ORDER BY floor(extract(epoch from occurred_at)/$s)*$s) AS depth
  FROM ledger_events WHERE kind IN ('job.created', 'job.requeued', 'job.claimed') AND occurred_at <= $to GROUP BY 1
) q WHERE "time" >= floor(extract(epoch from $from::timestamptz)/$s)*$s ORDER BY 1`,
  },
  {
    id: 'heartbeat-age',
    title: 'heartbeat age (per worker)',
    format: 'instant',
    json: { metric: 'worker.heartbeat_age_s', aggregation: 'last' },
    baseline: `SELECT worker_id, extract(epoch from $to::timestamptz - max(occurred_at)) AS age_s
FROM ledger_events WHERE kind = 'worker.heartbeat' AND ${RANGE} GROUP BY 1`,
  },
  {
    id: 'failure-rate-alert',
    title: 'failure rate (alert: instant)',
    format: 'instant',
    json: { metric: 'job.failure_rate', aggregation: 'avg' },
    baseline: `SELECT count(*) FILTER (WHERE kind = 'job.failed')::float8 / count(*) AS failure_rate
FROM ledger_events WHERE ${RANGE} AND ${FINISHED}`,
  },
  {
    id: 'tool-p99-alert',
    title: 'tool p99 by tool (alert: instant)',
    format: 'instant',
    json: { metric: 'tool.duration_ms', aggregation: 'p99', groupBy: ['tool'] },
    baseline: `SELECT name AS tool, percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
FROM ledger_events WHERE ${RANGE} AND kind = 'tool.call' GROUP BY 1`,
  },
  {
    id: 'tokens-alert',
    title: 'tokens used (alert: instant)',
    format: 'instant',
    json: { metric: 'tokens.used', aggregation: 'sum' },
    baseline: `SELECT sum(tokens_in + tokens_out) AS tokens FROM ledger_events WHERE ${RANGE} AND kind = 'llm.call'`,
  },
];

/** Bucket width Grafana's interval gives a 1000-point panel over `rangeMs`, snapped as our planner snaps it. */
export const PANEL_POINTS = 1_000;

const SETTINGS = parseSettings({
  id: 1,
  uid: 'bench',
  name: 'Ledger',
  url: 'localhost:5432',
  user: 'bench',
  database: '',
  jsonData: { database: 'bench', sslmode: 'disable' },
  secureJsonData: { password: 'x' },
  lastUpdatedMS: 1,
});

/** Our statement for a query over [from, to), and the plan it came from. */
export function ourStatement(query: BenchQuery, from: number, to: number): { sql: Sql; plan: MetricsPlan } {
  const dataQuery: DataQuery = {
    refId: 'A',
    queryType: 'metrics',
    maxDataPoints: PANEL_POINTS,
    intervalMs: query.bucketSeconds ? query.bucketSeconds * 1000 : (to - from) / PANEL_POINTS,
    timeRange: { fromMs: from, toMs: to },
    json: Buffer.from(JSON.stringify({ queryType: 'metrics', format: query.format, ...query.json })),
  };
  const plan = planQuery(dataQuery);
  if (plan.kind !== 'metrics') {
    throw new Error(`${query.id} is not a metrics query`);
  }
  const statement = metricsSql(plan, SETTINGS);
  return { sql: statement.sql, plan: statement.plan };
}

/** The baseline SQL with Grafana's macros expanded for [from, to) and the same bucket width as ours. */
export function baselineStatement(query: BenchQuery, from: number, to: number, bucketSeconds: number): string {
  const quote = (ms: number) => `'${new Date(ms).toISOString()}'`;
  return query.baseline
    .replaceAll('$from', quote(from))
    .replaceAll('$to', quote(to))
    .replaceAll('$s', String(bucketSeconds));
}
