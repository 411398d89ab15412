/**
 * One ledger event as the logs, traces and annotations queries read it: the SELECT list and the row parser, kept
 * in one place so the three agree on names and on time precision.
 *
 * Times are read as epoch milliseconds plus the sub-millisecond part (PostgreSQL keeps microseconds; a JS Date
 * would drop them, and log lines or spans written within one millisecond would lose their order).
 */
import type { Dimension } from '../../../contract/query';
import type { JsonValue } from '../../frames/frame';

/** A ledger_events row, camelCased; optional columns are null when the writer left them out. */
export interface EventRow {
  seq: string;
  /** occurred_at as integer epoch milliseconds. */
  ms: number;
  /** The sub-millisecond part of occurred_at in nanoseconds (0..999000). */
  nanos: number;
  kind: string;
  jobId: string | null;
  workerId: string | null;
  mode: string | null;
  agent: string | null;
  traceId: string | null;
  spanId: string | null;
  parentSpanId: string | null;
  name: string | null;
  status: string | null;
  durationMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  conversationId: string | null;
  value: number | null;
  payload: Record<string, JsonValue>;
}

/** The SELECT list producing an EventRow from `ledger_events` aliased `e` (seq as text: int8 exceeds 2^53 in theory). */
export const EVENT_COLUMNS_SQL = `e.seq::text AS seq,
  floor(extract(epoch FROM e.occurred_at) * 1000)::float8 AS ms,
  (extract(microseconds FROM e.occurred_at)::int8 % 1000)::int4 AS micros,
  e.kind, e.job_id, e.worker_id, e.mode, e.agent, e.trace_id, e.span_id, e.parent_span_id, e.name, e.status,
  e.duration_ms, e.tokens_in, e.tokens_out, e.cost_usd, e.conversation_id, e.value, e.payload`;

/** The raw row shape of EVENT_COLUMNS_SQL as pg returns it. */
export interface RawEventRow {
  seq: string;
  ms: number;
  micros: number;
  kind: string;
  job_id: string | null;
  worker_id: string | null;
  mode: string | null;
  agent: string | null;
  trace_id: string | null;
  span_id: string | null;
  parent_span_id: string | null;
  name: string | null;
  status: string | null;
  duration_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_usd: number | null;
  conversation_id: string | null;
  value: number | null;
  payload: unknown;
}

/** Converts a pg row of EVENT_COLUMNS_SQL. */
export function toEventRow(raw: RawEventRow): EventRow {
  const payload = raw.payload;
  return {
    seq: raw.seq,
    ms: Number(raw.ms),
    nanos: Number(raw.micros) * 1000,
    kind: raw.kind,
    jobId: raw.job_id,
    workerId: raw.worker_id,
    mode: raw.mode,
    agent: raw.agent,
    traceId: raw.trace_id,
    spanId: raw.span_id,
    parentSpanId: raw.parent_span_id,
    name: raw.name,
    status: raw.status,
    durationMs: raw.duration_ms,
    tokensIn: raw.tokens_in,
    tokensOut: raw.tokens_out,
    costUsd: raw.cost_usd,
    conversationId: raw.conversation_id,
    value: raw.value,
    payload:
      typeof payload === 'object' && payload !== null && !Array.isArray(payload)
        ? (payload as Record<string, JsonValue>)
        : {},
  };
}

/** Keys a writer may use for a human-readable message in `payload`, in order of preference. */
const MESSAGE_KEYS = ['message', 'error', 'text', 'content', 'summary', 'detail'] as const;

/** The event's free-text message from its payload (first string of MESSAGE_KEYS), trimmed to `max` characters. */
export function payloadMessage(event: EventRow, max = 500): string | undefined {
  for (const key of MESSAGE_KEYS) {
    const value = event.payload[key];
    if (typeof value === 'string' && value.trim() !== '') {
      const text = value.trim().replace(/\s+/g, ' ');
      return text.length > max ? `${text.slice(0, max - 1)}…` : text;
    }
  }
  return undefined;
}

/** Statuses that mean the call or step did not succeed (case-insensitive). */
const FAILED_STATUSES = new Set([
  'error',
  'failed',
  'failure',
  'fail',
  'timeout',
  'timed_out',
  'cancelled',
  'canceled',
  'denied',
  'exception',
  'aborted',
]);

/** True when a call's status says it failed. */
export function isFailedStatus(status: string | null): boolean {
  return status !== null && FAILED_STATUSES.has(status.trim().toLowerCase());
}

/** A duration for people: `40 ms`, `1.2 s`, `61.2 s`, `3.0 min`, `2.5 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 120_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  if (ms < 7_200_000) {
    return `${(ms / 60_000).toFixed(1)} min`;
  }
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/**
 * What `name` means for each kind, as a dimension (docs/ledger.md; the column comment of ledger_events.name). The
 * dimensions that read `name` (tool, model, …) only make sense for these kinds.
 */
export const NAME_DIMENSION_BY_KIND: Readonly<Record<string, Dimension>> = {
  'tool.call': 'tool',
  'llm.call': 'model',
  'job.failed': 'error_type',
  error: 'error_type',
  'conversation.message': 'role',
  insight: 'category',
  escalation: 'reason',
  'job.requeued': 'reason',
};

/** The kinds whose `name` holds a dimension's values (undefined for dimensions that have their own column). */
export function kindsNamedBy(dimension: Dimension): string[] | undefined {
  const kinds = Object.entries(NAME_DIMENSION_BY_KIND)
    .filter(([, meaning]) => meaning === dimension)
    .map(([kind]) => kind);
  return kinds.length > 0 ? kinds : undefined;
}
