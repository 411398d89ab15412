/**
 * An independent computation of catalog metrics over the fixture's events, in plain TypeScript (no SQL, no code
 * shared with the backend's builders). Value tests compare the backend's frames with these numbers.
 */
import type { Aggregation, Dimension, Filter } from '../../../src/contract/query';
import type { LedgerEvent } from '../../../src/ledger/ledgerEvent';

/** A series: labels (dimension → value) and points (bucket start ms → value, or one value for instants). */
export interface OracleSeries {
  labels: Record<string, string>;
  points: Array<[number, number | null]>;
}

type Event = LedgerEvent & { occurredAt: Date };
const t = (e: Event) => e.occurredAt.getTime();
const FINISHED = ['job.completed', 'job.failed'];

/** How the oracle computes an events-based metric. */
interface OracleSpec {
  kinds: string[];
  value?: (e: Event) => number | null | undefined;
  ratio?: (e: Event) => boolean;
  distinct?: (e: Event) => string | null | undefined;
  perDistinct?: (e: Event) => string | null | undefined;
  dimension?: Partial<Record<Dimension, (e: Event) => string | null | undefined>>;
}

const finishedStatus = (e: Event) => (e.kind === 'job.completed' ? 'completed' : 'failed');
const tokens = (e: Event) => (e.tokensIn ?? 0) + (e.tokensOut ?? 0);

/** Oracle specs of the events-based metrics. */
export const ORACLE_SPECS: Record<string, OracleSpec> = {
  'job.created': { kinds: ['job.created'] },
  'job.claimed': { kinds: ['job.claimed'] },
  'job.completed': { kinds: ['job.completed'] },
  'job.failed': { kinds: ['job.failed'] },
  'job.requeued': { kinds: ['job.requeued'] },
  'job.finished': { kinds: FINISHED, dimension: { status: finishedStatus } },
  'job.success_rate': { kinds: FINISHED, ratio: (e) => e.kind === 'job.completed' },
  'job.failure_rate': { kinds: FINISHED, ratio: (e) => e.kind === 'job.failed' },
  'job.duration_ms': { kinds: FINISHED, value: (e) => e.durationMs, dimension: { status: finishedStatus } },
  'agent.events': { kinds: [] },
  'llm.calls': { kinds: ['llm.call'] },
  'llm.latency_ms': { kinds: ['llm.call'], value: (e) => e.durationMs },
  'llm.error_rate': { kinds: ['llm.call'], ratio: (e) => e.status === 'error' },
  'tool.calls': { kinds: ['tool.call'] },
  'tool.duration_ms': { kinds: ['tool.call'], value: (e) => e.durationMs },
  'tool.error_rate': { kinds: ['tool.call'], ratio: (e) => e.status === 'error' },
  'agent.loop_duration_ms': { kinds: ['agent.loop'], value: (e) => e.durationMs },
  'tokens.used': { kinds: ['llm.call'], value: tokens },
  'tokens.in': { kinds: ['llm.call'], value: (e) => e.tokensIn ?? 0 },
  'tokens.out': { kinds: ['llm.call'], value: (e) => e.tokensOut ?? 0 },
  'cost.usd': { kinds: ['llm.call'], value: (e) => e.costUsd ?? 0 },
  'budget.exceeded': { kinds: ['budget.exceeded'] },
  'escalation.total': { kinds: ['escalation'] },
  'error.total': { kinds: ['error'] },
  'worker.jobs_processed': { kinds: FINISHED, dimension: { status: finishedStatus } },
  'conversation.count': { kinds: ['conversation.message'], distinct: (e) => e.conversationId },
  'conversation.messages': { kinds: ['conversation.message'] },
  'conversation.avg_messages': { kinds: ['conversation.message'], perDistinct: (e) => e.conversationId },
  'insight.count': { kinds: ['insight'] },
  'insight.confidence': { kinds: ['insight'], value: (e) => e.value },
};

const DEFAULT_DIMENSION: Record<Dimension, (e: Event) => string | null | undefined> = {
  mode: (e) => e.mode,
  agent: (e) => e.agent,
  worker: (e) => e.workerId,
  tool: (e) => e.name,
  model: (e) => e.name,
  error_type: (e) => e.name,
  role: (e) => e.name,
  category: (e) => e.name,
  reason: (e) => e.name,
  status: (e) => e.status,
  kind: (e) => e.kind,
  job: (e) => e.jobId,
};

/** percentile_cont: linear interpolation between closest ranks. */
export function percentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

function aggregate(events: Event[], spec: OracleSpec, aggregation: Aggregation, seconds: number): number | null {
  if (spec.ratio) {
    return events.length === 0 ? null : events.filter(spec.ratio).length / events.length;
  }
  if (spec.perDistinct) {
    const distinct = new Set(events.map(spec.perDistinct).filter((x) => x != null)).size;
    return distinct === 0 ? null : events.length / distinct;
  }
  if (spec.distinct) {
    return new Set(events.map(spec.distinct).filter((x) => x != null)).size;
  }
  const values = spec.value ? events.map(spec.value).filter((v): v is number => v !== null && v !== undefined) : [];
  switch (aggregation) {
    case 'count':
      return spec.value ? values.length : events.length;
    case 'rate':
      return (spec.value ? values.reduce((a, b) => a + b, 0) : events.length) / seconds;
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return values.length === 0 ? null : Math.min(...values);
    case 'max':
      return values.length === 0 ? null : Math.max(...values);
    case 'p50':
    case 'p95':
    case 'p99':
      return values.length === 0 ? null : percentileCont(values, Number(aggregation.slice(1)) / 100);
    default:
      throw new Error(`oracle has no ${aggregation}`);
  }
}

function matches(
  e: Event,
  filter: Filter,
  dimensionOf: (d: Dimension, e: Event) => string | null | undefined
): boolean {
  return filterMatches(dimensionOf(filter.key, e), filter);
}

/** Whether a dimension value (null or undefined: none) passes a filter, by the documented operator semantics. */
export function filterMatches(value: string | null | undefined, filter: Filter): boolean {
  const list = Array.isArray(filter.value) ? filter.value : [filter.value];
  switch (filter.operator) {
    case '=':
      return value === list[0];
    case '!=':
      return value !== list[0];
    case '=~':
      return value != null && new RegExp(list[0]!).test(value);
    case '!~':
      return value == null || !new RegExp(list[0]!).test(value);
    case 'in':
      return value != null && list.includes(value);
    case 'not in':
      return value == null || !list.includes(value);
  }
}

/** Parameters of one oracle computation. */
export interface OracleQuery {
  metric: string;
  aggregation: Aggregation;
  groupBy: Dimension[];
  filters: Filter[];
  from: number;
  to: number;
  /** Bucket width in ms; omit for an instant over the window. */
  bucketMs?: number;
}

const ORIGIN = Date.UTC(2001, 0, 1);

/** Computes an events-based metric over `events`, as series keyed by their labels. */
export function oracle(events: readonly LedgerEvent[], query: OracleQuery): OracleSeries[] {
  const spec = ORACLE_SPECS[query.metric];
  if (!spec) {
    throw new Error(`no oracle spec for ${query.metric}`);
  }
  const dimensionOf = (d: Dimension, e: Event) => (spec.dimension?.[d] ?? DEFAULT_DIMENSION[d])(e);
  const selected = (events as Event[]).filter(
    (e) =>
      (spec.kinds.length === 0 || spec.kinds.includes(e.kind)) &&
      t(e) >= query.from &&
      t(e) < query.to &&
      query.filters.every((f) => matches(e, f, dimensionOf))
  );
  const keyOf = (e: Event) => query.groupBy.map((d) => dimensionOf(d, e) ?? '(none)');
  const groups = new Map<string, Event[]>();
  for (const e of selected) {
    const key = JSON.stringify(keyOf(e));
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  if (query.groupBy.length === 0 && groups.size === 0) {
    groups.set('[]', []);
  }
  const zeroFill = !spec.ratio && !spec.perDistinct && ['count', 'rate', 'sum'].includes(query.aggregation);
  return [...groups].map(([key, members]) => {
    const labelValues = JSON.parse(key) as string[];
    const labels = Object.fromEntries(query.groupBy.map((d, i) => [d, labelValues[i]!]));
    if (query.bucketMs === undefined) {
      return {
        labels,
        points: [[query.from, aggregate(members, spec, query.aggregation, (query.to - query.from) / 1000)]],
      };
    }
    const width = query.bucketMs;
    const first = ORIGIN + Math.floor((query.from - ORIGIN) / width) * width;
    const points: Array<[number, number | null]> = [];
    for (let bucket = first; bucket < query.to; bucket += width) {
      const inBucket = members.filter((e) => t(e) >= bucket && t(e) < bucket + width);
      const value =
        inBucket.length === 0 && zeroFill
          ? 0
          : inBucket.length === 0 && !spec.distinct
            ? null
            : aggregate(inBucket, spec, query.aggregation, width / 1000);
      points.push([bucket, value]);
    }
    return { labels, points };
  });
}
