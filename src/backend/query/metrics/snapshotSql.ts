/**
 * The `collectAllMetrics()` snapshot: every key figure over the window in one row, one statement (the window's
 * events are read once through the kind index; "now" figures come from the state tables).
 */
import type { FieldConfig } from '../../frames/frame';
import type { MetricsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { windowBounds } from '../timeBucketSql';
import { filtersSql } from './filtersSql';

/** One column of the snapshot row: output name, SQL expression, unit. */
interface SnapshotColumn {
  name: string;
  expr: string;
  config: FieldConfig;
}

const FINISHED = `e.kind IN ('job.completed', 'job.failed')`;
const count = (kind: string) => `count(*) FILTER (WHERE e.kind = '${kind}')`;

/** Columns of the snapshot, in order. */
export const SNAPSHOT_COLUMNS: readonly SnapshotColumn[] = [
  { name: 'jobs_created', expr: count('job.created'), config: { unit: 'short' } },
  { name: 'jobs_claimed', expr: count('job.claimed'), config: { unit: 'short' } },
  { name: 'jobs_completed', expr: count('job.completed'), config: { unit: 'short' } },
  { name: 'jobs_failed', expr: count('job.failed'), config: { unit: 'short' } },
  { name: 'jobs_requeued', expr: count('job.requeued'), config: { unit: 'short' } },
  {
    name: 'success_rate',
    expr: `${count('job.completed')}::float8 / nullif(count(*) FILTER (WHERE ${FINISHED}), 0)`,
    config: { unit: 'percentunit' },
  },
  { name: 'avg_job_duration_ms', expr: `avg(e.duration_ms) FILTER (WHERE ${FINISHED})`, config: { unit: 'ms' } },
  {
    name: 'p95_job_duration_ms',
    expr: `percentile_cont(0.95) WITHIN GROUP (ORDER BY e.duration_ms) FILTER (WHERE ${FINISHED})`,
    config: { unit: 'ms' },
  },
  { name: 'llm_calls', expr: count('llm.call'), config: { unit: 'short' } },
  {
    name: 'p95_llm_latency_ms',
    expr: `percentile_cont(0.95) WITHIN GROUP (ORDER BY e.duration_ms) FILTER (WHERE e.kind = 'llm.call')`,
    config: { unit: 'ms' },
  },
  { name: 'tool_calls', expr: count('tool.call'), config: { unit: 'short' } },
  {
    name: 'p99_tool_duration_ms',
    expr: `percentile_cont(0.99) WITHIN GROUP (ORDER BY e.duration_ms) FILTER (WHERE e.kind = 'tool.call')`,
    config: { unit: 'ms' },
  },
  {
    name: 'tokens_used',
    expr: `coalesce(sum(coalesce(e.tokens_in, 0) + coalesce(e.tokens_out, 0)) FILTER (WHERE e.kind = 'llm.call'), 0)`,
    config: { unit: 'short' },
  },
  {
    name: 'cost_usd',
    expr: `coalesce(sum(e.cost_usd) FILTER (WHERE e.kind = 'llm.call'), 0)`,
    config: { unit: 'currencyUSD' },
  },
  { name: 'escalations', expr: count('escalation'), config: { unit: 'short' } },
  { name: 'errors', expr: count('error'), config: { unit: 'short' } },
  { name: 'budget_exceeded', expr: count('budget.exceeded'), config: { unit: 'short' } },
  {
    name: 'conversations',
    expr: `count(DISTINCT e.conversation_id) FILTER (WHERE e.kind = 'conversation.message')`,
    config: { unit: 'short' },
  },
  { name: 'insights', expr: count('insight'), config: { unit: 'short' } },
  { name: 'queue_depth_now', expr: `(SELECT count(*) FROM jobs WHERE status = 'queued')`, config: { unit: 'short' } },
  { name: 'running_now', expr: `(SELECT count(*) FROM jobs WHERE status = 'running')`, config: { unit: 'short' } },
  {
    name: 'workers_alive_now',
    expr: `(SELECT count(*) FROM workers WHERE last_heartbeat_at >= now() - interval '1 minute')`,
    config: { unit: 'short' },
  },
];

const KINDS = [
  'job.created',
  'job.claimed',
  'job.completed',
  'job.failed',
  'job.requeued',
  'llm.call',
  'tool.call',
  'escalation',
  'error',
  'budget.exceeded',
  'conversation.message',
  'insight',
];

/** One row, columns as SNAPSHOT_COLUMNS. */
export function snapshotSql(plan: MetricsPlan): Sql {
  const params = new Params();
  const bounds = windowBounds(plan.window, params);
  const select = SNAPSHOT_COLUMNS.map((c) => `(${c.expr})::float8 AS ${c.name}`).join(',\n  ');
  return {
    text: `SELECT
  ${select}
FROM ledger_events e
WHERE e.kind = ANY(${params.add(KINDS, 'text[]')}) AND e.occurred_at >= ${bounds.from} AND e.occurred_at < ${bounds.to}${filtersSql(plan.filters, params)}`,
    values: params.values,
  };
}
