/**
 * How each catalog metric is computed. The catalog (src/contract/metrics.ts) says what a metric is; this table says
 * where its numbers come from. A test checks that both list the same ids. SQL fragments here are fixed code, never
 * input: `e` is ledger_events, `j` is jobs.
 */
import type { Dimension } from '../../../contract/query';

/** An aggregate over ledger events of some kinds (counts, sums, distributions, ratios). */
export interface EventsSource {
  type: 'events';
  /** Event kinds; empty means every kind. */
  kinds: readonly string[];
  /** Numeric expression for sum/avg/min/max/percentiles. */
  value?: string;
  /** Ratio metrics: condition counted in the numerator; the denominator is every matching row. */
  ratioOf?: string;
  /** `count` counts distinct values of this expression (conversations) instead of rows. */
  distinct?: string;
  /** Ratio of rows to distinct values of this expression (messages per conversation). */
  perDistinct?: string;
  /** Dimension expressions that differ from the default column map. */
  dimensions?: Partial<Record<Dimension, string>>;
  /** Extra fixed condition. */
  where?: string;
  /** Divides the sum by a daily budget from the datasource settings, prorated to the bucket or window. */
  budget?: 'tokens' | 'cost';
  /** Which hourly-rollup columns hold `value` (rollupSql.ts); without it the metric always reads raw rows. */
  measure?: Measure;
}

/** A value the hourly rollup keeps counts, sums, minima and maxima of (migration 0014). */
export type Measure = 'duration' | 'tokens' | 'tokensIn' | 'tokensOut' | 'cost' | 'value';

/** An aggregate over jobs, bucketed by one of their timestamps. */
export interface JobsSource {
  type: 'jobs';
  /** Timestamp column that places a job in a bucket. */
  time: 'claimed_at' | 'finished_at';
  value: string;
  where?: string;
}

/** Metrics computed by a dedicated builder. */
export interface SpecialSource {
  type:
    | 'queueDepth'
    | 'running'
    | 'jobsByStatus'
    | 'overTokenCap'
    | 'workersAlive'
    | 'heartbeatAge'
    | 'entries'
    | 'entries24h'
    | 'storage'
    | 'ingestLag'
    | 'databaseLatency'
    | 'snapshot';
}

/** Any metric source. */
export type MetricSource = EventsSource | JobsSource | SpecialSource;

const TOKENS = '(coalesce(e.tokens_in, 0) + coalesce(e.tokens_out, 0))';
const FINISHED = ['job.completed', 'job.failed'];
/** The status dimension of finished jobs: derived from the kind, so the rollups (keyed by kind) can answer it. */
export const FINISHED_STATUS = `CASE e.kind WHEN 'job.completed' THEN 'completed' ELSE 'failed' END`;

const events = (kinds: readonly string[], extra: Omit<EventsSource, 'type' | 'kinds'> = {}): EventsSource => ({
  type: 'events',
  kinds,
  ...extra,
});

/** Source of every metric id. */
export const METRIC_SOURCES: Readonly<Record<string, MetricSource>> = {
  'job.created': events(['job.created']),
  'job.claimed': events(['job.claimed']),
  'job.completed': events(['job.completed']),
  'job.failed': events(['job.failed']),
  'job.requeued': events(['job.requeued']),
  'job.finished': events(FINISHED, { dimensions: { status: FINISHED_STATUS } }),
  'job.success_rate': events(FINISHED, { ratioOf: `e.kind = 'job.completed'` }),
  'job.failure_rate': events(FINISHED, { ratioOf: `e.kind = 'job.failed'` }),
  'job.duration_ms': events(FINISHED, {
    value: 'e.duration_ms',
    measure: 'duration',
    dimensions: { status: FINISHED_STATUS },
  }),
  'job.queue_wait_ms': {
    type: 'jobs',
    time: 'claimed_at',
    value: 'extract(epoch FROM j.claimed_at - j.created_at) * 1000',
    where: 'j.claimed_at >= j.created_at',
  },
  'job.running': { type: 'running' },
  'queue.depth': { type: 'queueDepth' },
  'jobs.by_status': { type: 'jobsByStatus' },

  'agent.events': events([]),
  'llm.calls': events(['llm.call']),
  'llm.latency_ms': events(['llm.call'], { value: 'e.duration_ms', measure: 'duration' }),
  'llm.error_rate': events(['llm.call'], { ratioOf: `e.status = 'error'` }),
  'tool.calls': events(['tool.call']),
  'tool.duration_ms': events(['tool.call'], { value: 'e.duration_ms', measure: 'duration' }),
  'tool.error_rate': events(['tool.call'], { ratioOf: `e.status = 'error'` }),
  'agent.loop_duration_ms': events(['agent.loop'], { value: 'e.duration_ms', measure: 'duration' }),

  'tokens.used': events(['llm.call'], { value: TOKENS, measure: 'tokens' }),
  'tokens.in': events(['llm.call'], { value: 'coalesce(e.tokens_in, 0)', measure: 'tokensIn' }),
  'tokens.out': events(['llm.call'], { value: 'coalesce(e.tokens_out, 0)', measure: 'tokensOut' }),
  'cost.usd': events(['llm.call'], { value: 'coalesce(e.cost_usd, 0)', measure: 'cost' }),
  'tokens.per_job': {
    type: 'jobs',
    time: 'finished_at',
    value: 'j.tokens_used',
    where: `j.status IN ('completed', 'failed')`,
  },
  'budget.exceeded': events(['budget.exceeded']),
  'jobs.over_token_cap': { type: 'overTokenCap' },
  'budget.tokens_utilization': events(['llm.call'], { value: TOKENS, measure: 'tokens', budget: 'tokens' }),
  'budget.cost_utilization': events(['llm.call'], {
    value: 'coalesce(e.cost_usd, 0)',
    measure: 'cost',
    budget: 'cost',
  }),

  'escalation.total': events(['escalation']),
  'error.total': events(['error']),

  'workers.alive': { type: 'workersAlive' },
  'worker.heartbeat_age_s': { type: 'heartbeatAge' },
  'worker.jobs_processed': events(FINISHED, { dimensions: { status: FINISHED_STATUS } }),

  'conversation.count': events(['conversation.message'], { distinct: 'e.conversation_id' }),
  'conversation.messages': events(['conversation.message']),
  'conversation.avg_messages': events(['conversation.message'], { perDistinct: 'e.conversation_id' }),
  'insight.count': events(['insight']),
  'insight.confidence': events(['insight'], { value: 'e.value', measure: 'value' }),

  'ledger.entries': { type: 'entries' }, // time series: events per bucket; instant: every entry before the window end
  'ledger.entries_24h': { type: 'entries24h' },
  'ledger.storage_bytes': { type: 'storage' },
  'ledger.ingest_lag_s': { type: 'ingestLag' },
  'ledger.ingest_delay_ms': events([], { value: 'extract(epoch FROM e.recorded_at - e.occurred_at) * 1000' }),
  'database.latency_ms': { type: 'databaseLatency' },
  snapshot: { type: 'snapshot' },
};

/** Dimension columns of the jobs table. */
export const JOBS_DIMENSION_COLUMNS: Partial<Record<Dimension, string>> = {
  mode: 'j.mode',
  agent: 'j.agent',
  worker: 'j.worker_id',
  status: 'j.status',
  job: 'j.id',
};
