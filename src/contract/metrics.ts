/**
 * The metrics catalog as the editor shows it: id, area, title, unit, meaning, and what it can be aggregated and
 * grouped by. The backend owns how each metric is computed (src/backend/query/metrics/definitions.ts); a test keeps
 * the two in step, and docs/metrics.md describes each entry.
 */
import type { Aggregation, Dimension, Format } from './query';

/** Catalog areas, in the order the metric picker groups them. */
export const METRIC_AREAS = [
  'Jobs',
  'Agents',
  'Budget',
  'Escalations & errors',
  'Workers',
  'Conversations & insights',
  'System',
] as const;
export type MetricArea = (typeof METRIC_AREAS)[number];

/** One catalog entry. */
export interface MetricDescriptor {
  id: string;
  area: MetricArea;
  title: string;
  description: string;
  /** Grafana unit id of the value (e.g. `short`, `ms`, `percentunit`, `currencyUSD`). */
  unit: string;
  aggregations: readonly Aggregation[];
  defaultAggregation: Aggregation;
  dimensions: readonly Dimension[];
  /** Formats the metric supports (state "now" metrics have no history, so no time series). */
  formats: readonly Format[];
}

const ALL_FORMATS: readonly Format[] = ['timeseries', 'table', 'instant'];
const NOW_FORMATS: readonly Format[] = ['instant', 'table'];
const COUNTS: readonly Aggregation[] = ['count', 'rate'];
const DISTRIBUTION: readonly Aggregation[] = ['avg', 'p50', 'p95', 'p99', 'min', 'max', 'count'];
const SUMS: readonly Aggregation[] = ['sum', 'rate', 'avg', 'max'];
const RATIO: readonly Aggregation[] = ['avg'];

const JOB: readonly Dimension[] = ['mode', 'agent', 'worker'];
const CALL: readonly Dimension[] = ['mode', 'agent', 'worker', 'status'];

type Entry = Omit<MetricDescriptor, 'formats' | 'defaultAggregation'> &
  Partial<Pick<MetricDescriptor, 'formats' | 'defaultAggregation'>>;

function metric(entry: Entry): MetricDescriptor {
  return { formats: ALL_FORMATS, defaultAggregation: entry.aggregations[0]!, ...entry };
}

/** Every metric the datasource serves. */
export const METRICS: readonly MetricDescriptor[] = [
  // Jobs
  metric({
    id: 'job.created',
    area: 'Jobs',
    title: 'Jobs created',
    description: 'Jobs added to the queue (job.created events).',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: ['mode', 'agent'],
  }),
  metric({
    id: 'job.claimed',
    area: 'Jobs',
    title: 'Jobs claimed',
    description: 'Jobs taken from the queue by a worker (job.claimed events; retries count again).',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: JOB,
  }),
  metric({
    id: 'job.completed',
    area: 'Jobs',
    title: 'Jobs completed',
    description: 'Jobs that finished successfully (job.completed events).',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: JOB,
  }),
  metric({
    id: 'job.failed',
    area: 'Jobs',
    title: 'Jobs failed',
    description: 'Jobs that failed (job.failed events), by error type if grouped.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: [...JOB, 'error_type'],
  }),
  metric({
    id: 'job.requeued',
    area: 'Jobs',
    title: 'Jobs requeued',
    description: 'Jobs put back on the queue (job.requeued events), e.g. after a stale heartbeat.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: [...JOB, 'reason'],
  }),
  metric({
    id: 'job.finished',
    area: 'Jobs',
    title: 'Jobs finished',
    description: 'Completed plus failed jobs; group by status to split them.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: [...JOB, 'status'],
  }),
  metric({
    id: 'job.success_rate',
    area: 'Jobs',
    title: 'Job success rate',
    description: 'Completed ÷ (completed + failed) per bucket. Empty buckets have no value.',
    unit: 'percentunit',
    aggregations: RATIO,
    dimensions: JOB,
  }),
  metric({
    id: 'job.failure_rate',
    area: 'Jobs',
    title: 'Job failure rate',
    description: 'Failed ÷ (completed + failed) per bucket. Empty buckets have no value.',
    unit: 'percentunit',
    aggregations: RATIO,
    dimensions: JOB,
  }),
  metric({
    id: 'job.duration_ms',
    area: 'Jobs',
    title: 'Job duration',
    description: 'Claim-to-finish time of completed and failed jobs (duration_ms of job.completed / job.failed).',
    unit: 'ms',
    aggregations: DISTRIBUTION,
    defaultAggregation: 'p95',
    dimensions: [...JOB, 'status'],
  }),
  metric({
    id: 'job.queue_wait_ms',
    area: 'Jobs',
    title: 'Time in queue',
    description:
      'Creation-to-claim wait of jobs claimed in the bucket (jobs table: claimed_at − created_at of the latest claim).',
    unit: 'ms',
    aggregations: DISTRIBUTION,
    defaultAggregation: 'p95',
    dimensions: JOB,
  }),
  metric({
    id: 'job.running',
    area: 'Jobs',
    title: 'Jobs running',
    description:
      "Jobs in status running at the window's end, or at the end of each bucket (the last one at the window's end): each job replayed from its lifecycle events, so a job is running from a claim to its next lifecycle event, and a retry requeue after a failure moves it failed → queued.",
    unit: 'short',
    aggregations: ['last'],
    dimensions: ['mode', 'agent'],
  }),
  metric({
    id: 'queue.depth',
    area: 'Jobs',
    title: 'Queue depth',
    description:
      "Jobs in status queued at the window's end, or at the end of each bucket (the last one at the window's end): each job replayed from its lifecycle events, so a job is queued from its creation or a requeue to its next lifecycle event.",
    unit: 'short',
    aggregations: ['last'],
    dimensions: ['mode', 'agent'],
  }),
  metric({
    id: 'jobs.by_status',
    area: 'Jobs',
    title: 'Jobs by status (now)',
    description: 'Current number of jobs in each status (queued, running, completed, failed), from the jobs table.',
    unit: 'short',
    aggregations: ['count'],
    dimensions: ['status', 'mode', 'agent', 'worker'],
    formats: NOW_FORMATS,
  }),

  // Agents
  metric({
    id: 'agent.events',
    area: 'Agents',
    title: 'Ledger events',
    description: 'All ledger events; group by agent or kind.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: ['agent', 'kind', 'mode', 'worker'],
  }),
  metric({
    id: 'llm.calls',
    area: 'Agents',
    title: 'LLM calls',
    description: 'LLM calls (llm.call events).',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: [...CALL, 'model'],
  }),
  metric({
    id: 'llm.latency_ms',
    area: 'Agents',
    title: 'LLM latency',
    description: 'Response time of LLM calls (duration_ms of llm.call).',
    unit: 'ms',
    aggregations: DISTRIBUTION,
    defaultAggregation: 'p95',
    dimensions: [...CALL, 'model'],
  }),
  metric({
    id: 'llm.error_rate',
    area: 'Agents',
    title: 'LLM error rate',
    description: 'LLM calls with status error ÷ all LLM calls.',
    unit: 'percentunit',
    aggregations: RATIO,
    dimensions: ['mode', 'agent', 'worker', 'model'],
  }),
  metric({
    id: 'tool.calls',
    area: 'Agents',
    title: 'Tool calls',
    description: 'Tool calls (tool.call events).',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: [...CALL, 'tool'],
  }),
  metric({
    id: 'tool.duration_ms',
    area: 'Agents',
    title: 'Tool latency',
    description: 'Execution time of tool calls (duration_ms of tool.call).',
    unit: 'ms',
    aggregations: DISTRIBUTION,
    defaultAggregation: 'p99',
    dimensions: [...CALL, 'tool'],
  }),
  metric({
    id: 'tool.error_rate',
    area: 'Agents',
    title: 'Tool error rate',
    description: 'Tool calls with status error ÷ all tool calls.',
    unit: 'percentunit',
    aggregations: RATIO,
    dimensions: ['mode', 'agent', 'worker', 'tool'],
  }),
  metric({
    id: 'agent.loop_duration_ms',
    area: 'Agents',
    title: 'Agent loop duration',
    description: 'Duration of agent loops (agent.loop events).',
    unit: 'ms',
    aggregations: DISTRIBUTION,
    defaultAggregation: 'p95',
    dimensions: ['mode', 'agent', 'worker'],
  }),

  // Budget
  metric({
    id: 'tokens.used',
    area: 'Budget',
    title: 'Tokens used',
    description: 'Input + output tokens of LLM calls.',
    unit: 'short',
    aggregations: SUMS,
    dimensions: ['mode', 'agent', 'worker', 'model'],
  }),
  metric({
    id: 'tokens.in',
    area: 'Budget',
    title: 'Input tokens',
    description: 'Prompt tokens of LLM calls (tokens_in).',
    unit: 'short',
    aggregations: SUMS,
    dimensions: ['mode', 'agent', 'worker', 'model'],
  }),
  metric({
    id: 'tokens.out',
    area: 'Budget',
    title: 'Output tokens',
    description: 'Completion tokens of LLM calls (tokens_out).',
    unit: 'short',
    aggregations: SUMS,
    dimensions: ['mode', 'agent', 'worker', 'model'],
  }),
  metric({
    id: 'cost.usd',
    area: 'Budget',
    title: 'Cost',
    description: 'Cost of LLM calls in US dollars (cost_usd).',
    unit: 'currencyUSD',
    aggregations: SUMS,
    dimensions: ['mode', 'agent', 'worker', 'model'],
  }),
  metric({
    id: 'tokens.per_job',
    area: 'Budget',
    title: 'Tokens per job',
    description: 'Tokens used by jobs that finished in the bucket (jobs table tokens_used).',
    unit: 'short',
    aggregations: DISTRIBUTION,
    dimensions: ['mode', 'agent', 'worker', 'status'],
  }),
  metric({
    id: 'budget.exceeded',
    area: 'Budget',
    title: 'Budget exceeded',
    description: 'Jobs that went over their token cap (budget.exceeded events).',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: JOB,
  }),
  metric({
    id: 'jobs.over_token_cap',
    area: 'Budget',
    title: 'Jobs over token cap (now)',
    description: 'Jobs whose tokens_used is above their token_cap, from the jobs table.',
    unit: 'short',
    aggregations: ['count'],
    dimensions: ['mode', 'agent', 'worker', 'status'],
    formats: NOW_FORMATS,
  }),
  metric({
    id: 'budget.tokens_utilization',
    area: 'Budget',
    title: 'Token budget used',
    description: 'Tokens used ÷ the daily token budget (datasource setting) prorated to the time range.',
    unit: 'percentunit',
    aggregations: ['sum'],
    dimensions: ['mode', 'agent', 'model'],
  }),
  metric({
    id: 'budget.cost_utilization',
    area: 'Budget',
    title: 'Cost budget used',
    description: 'Cost ÷ the daily cost budget (datasource setting) prorated to the time range.',
    unit: 'percentunit',
    aggregations: ['sum'],
    dimensions: ['mode', 'agent', 'model'],
  }),

  // Escalations & errors
  metric({
    id: 'escalation.total',
    area: 'Escalations & errors',
    title: 'Escalations',
    description: 'Times a human was paged (escalation events).',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: [...JOB, 'reason'],
  }),
  metric({
    id: 'error.total',
    area: 'Escalations & errors',
    title: 'Errors',
    description: 'Errors reported by agents and workers (error events), by type.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: [...JOB, 'error_type'],
  }),

  // Workers
  metric({
    id: 'workers.alive',
    area: 'Workers',
    title: 'Workers alive',
    description: 'Workers with a heartbeat in the last minute (now), or with a heartbeat in each bucket.',
    unit: 'short',
    aggregations: ['count'],
    dimensions: [],
  }),
  metric({
    id: 'worker.heartbeat_age_s',
    area: 'Workers',
    title: 'Heartbeat age',
    description: "Seconds since each worker's last heartbeat: now, or at the end of each bucket.",
    unit: 's',
    aggregations: ['last'],
    dimensions: ['worker'],
  }),
  metric({
    id: 'worker.jobs_processed',
    area: 'Workers',
    title: 'Jobs processed per worker',
    description: 'Completed plus failed jobs by worker.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: ['worker', 'mode', 'status'],
  }),

  // Conversations & insights
  metric({
    id: 'conversation.count',
    area: 'Conversations & insights',
    title: 'Conversations',
    description: 'Distinct conversations with messages in the bucket.',
    unit: 'short',
    aggregations: ['count'],
    dimensions: ['mode', 'agent'],
  }),
  metric({
    id: 'conversation.messages',
    area: 'Conversations & insights',
    title: 'Conversation messages',
    description: 'Messages (conversation.message events), by role.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: ['mode', 'agent', 'role'],
  }),
  metric({
    id: 'conversation.avg_messages',
    area: 'Conversations & insights',
    title: 'Messages per conversation',
    description: 'Messages ÷ distinct conversations.',
    unit: 'short',
    aggregations: RATIO,
    dimensions: ['mode', 'agent'],
  }),
  metric({
    id: 'insight.count',
    area: 'Conversations & insights',
    title: 'Insights',
    description: 'Insights recorded by agents, by category.',
    unit: 'short',
    aggregations: COUNTS,
    dimensions: ['mode', 'agent', 'category'],
  }),
  metric({
    id: 'insight.confidence',
    area: 'Conversations & insights',
    title: 'Insight confidence',
    description: 'Confidence (0–1) of insights.',
    unit: 'percentunit',
    aggregations: ['avg', 'p50', 'min', 'max'],
    dimensions: ['mode', 'agent', 'category'],
  }),

  // System
  metric({
    id: 'ledger.entries',
    area: 'System',
    title: 'Ledger entries',
    description: 'Events appended in each bucket; as an instant, all entries in the ledger.',
    unit: 'short',
    aggregations: ['count'],
    dimensions: ['kind'],
  }),
  metric({
    id: 'ledger.entries_24h',
    area: 'System',
    title: 'Entries in the last 24 h',
    description: 'Events that occurred in the 24 hours before now.',
    unit: 'short',
    aggregations: ['count'],
    dimensions: ['kind'],
    formats: NOW_FORMATS,
  }),
  metric({
    id: 'ledger.storage_bytes',
    area: 'System',
    title: 'Ledger storage',
    description: 'Disk used by the ledger tables and their indexes.',
    unit: 'bytes',
    aggregations: ['last'],
    dimensions: [],
    formats: NOW_FORMATS,
  }),
  metric({
    id: 'ledger.ingest_lag_s',
    area: 'System',
    title: 'Ingest lag',
    description: 'Seconds since the newest event was recorded (now − newest recorded_at).',
    unit: 's',
    aggregations: ['last'],
    dimensions: [],
    formats: NOW_FORMATS,
  }),
  metric({
    id: 'ledger.ingest_delay_ms',
    area: 'System',
    title: 'Ingest delay',
    description: 'Time from an event happening to the ledger recording it (recorded_at − occurred_at).',
    unit: 'ms',
    aggregations: DISTRIBUTION,
    defaultAggregation: 'p95',
    dimensions: ['kind'],
  }),
  metric({
    id: 'database.latency_ms',
    area: 'System',
    title: 'Database latency',
    description: 'Round-trip time of probe statements from the plugin to PostgreSQL (measured at query time).',
    unit: 'ms',
    aggregations: ['p99', 'p50', 'avg', 'max'],
    dimensions: [],
    formats: NOW_FORMATS,
  }),
  metric({
    id: 'snapshot',
    area: 'System',
    title: 'All key metrics (snapshot)',
    description: 'One row of every key figure over the time range: the collectAllMetrics() snapshot.',
    unit: 'short',
    aggregations: ['last'],
    dimensions: [],
    formats: ['table'],
  }),
];

/** Looks up a metric by id. */
export function findMetric(id: string | undefined): MetricDescriptor | undefined {
  return METRICS.find((metric) => metric.id === id);
}
