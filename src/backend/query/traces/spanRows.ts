/**
 * One span row of the trace frame, built from the ledger: the job span of an attempt, the span of an agent loop,
 * LLM call or tool call, a span log from any other event, and how an error event marks the span it names.
 */
import type { JsonValue } from '../../frames/frame';
import { isFailedStatus, payloadMessage, type EventRow } from '../logs/eventRow';
import { bodyOf, severityOf } from '../logs/eventText';
import { timeOf, type Attempt } from './attempts';
import { attemptTags, callTags, kv, type KeyValue } from './spanTags';

/** One log entry of a span (Grafana `TraceLog`). */
export interface SpanLog {
  timestamp: number;
  name: string;
  fields: KeyValue[];
}

/** One row of the trace frame. */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  operationName: 'process-job' | 'agent-loop' | 'llm-call' | 'tool-execution';
  serviceName: string;
  serviceTags: KeyValue[];
  startMs: number;
  durationMs: number;
  tags: KeyValue[];
  kind: 'server' | 'internal' | 'client';
  /** OpenTelemetry status: 0 unset, 1 ok, 2 error. */
  statusCode: 0 | 1 | 2;
  statusMessage: string;
  logs: SpanLog[];
  warnings: string[];
}

/** The span each span-event kind becomes. */
export const CALL_SPANS: Readonly<Record<string, Span['operationName']>> = {
  'agent.loop': 'agent-loop',
  'llm.call': 'llm-call',
  'tool.call': 'tool-execution',
};

/** The process-job span of an attempt. */
export function rootSpan(attempt: Attempt, created: EventRow | undefined): Span {
  const end = attempt.finish ?? attempt.requeue;
  const failed = attempt.finish?.kind === 'job.failed' || (!attempt.finish && attempt.requeue !== undefined);
  const who = attempt.claim ?? attempt.finish;
  let statusMessage = '';
  if (attempt.finish?.kind === 'job.failed') {
    const text = payloadMessage(attempt.finish);
    statusMessage = `${attempt.finish.name ?? 'failed'}${text ? `: ${text}` : ''}`;
  } else if (failed && attempt.requeue) {
    statusMessage = `requeued: ${attempt.requeue.name ?? 'no reason given'}`;
  }
  return {
    traceId: attempt.traceId,
    spanId: attempt.spanId,
    parentSpanId: '',
    operationName: 'process-job',
    serviceName: who?.workerId ?? 'worker',
    serviceTags: [kv('worker', who?.workerId), kv('mode', who?.mode), kv('agent', who?.agent)].filter(isKv),
    startMs: attempt.startMs,
    durationMs: attempt.endMs - attempt.startMs,
    tags: attemptTags(attempt, created, failed),
    kind: 'server',
    statusCode: failed ? 2 : end ? 1 : 0,
    statusMessage,
    logs: [],
    warnings: attempt.open
      ? [
          'the job has not finished: no job.completed, job.failed or job.requeued yet; the span ends at its latest event',
        ]
      : [],
  };
}

/** The span of an agent.loop, llm.call or tool.call event (occurred_at = its end, docs/ledger.md). */
export function callSpan(e: EventRow, traceId: string, spanId: string): Span {
  const operationName = CALL_SPANS[e.kind]!;
  const duration = e.durationMs ?? 0;
  const failed = isFailedStatus(e.status);
  const text = failed ? payloadMessage(e) : undefined;
  return {
    traceId,
    spanId,
    parentSpanId: '',
    operationName,
    serviceName: operationName === 'agent-loop' ? (e.agent ?? 'agent') : operationName === 'llm-call' ? 'llm' : 'tools',
    serviceTags: [kv('worker', e.workerId), kv('mode', e.mode), kv('agent', e.agent)].filter(isKv),
    // The event is appended when the call returns: it started duration_ms before occurred_at.
    startMs: timeOf(e) - duration,
    durationMs: duration,
    tags: callTags(e, failed),
    kind: operationName === 'llm-call' ? 'client' : 'internal',
    statusCode: failed ? 2 : e.status ? 1 : 0,
    statusMessage: failed ? `${e.status}${text ? `: ${text}` : ''}` : '',
    logs: [],
    warnings: e.durationMs === null ? ['the event has no duration_ms; shown as an instant'] : [],
  };
}

function isKv(value: KeyValue | undefined): value is KeyValue {
  return value !== undefined;
}

/** An event as a span log. */
export function logOf(e: EventRow): SpanLog {
  const fields: KeyValue[] = [
    { key: 'event', value: e.kind },
    { key: 'message', value: bodyOf(e) },
    { key: 'level', value: severityOf(e) },
  ];
  if (e.name) {
    fields.push({ key: 'name', value: e.name });
  }
  return { timestamp: timeOf(e), name: e.kind, fields };
}

/** Marks a span failed by an error event that names it. */
export function markError(span: Span, e: EventRow): void {
  span.statusCode = 2;
  span.statusMessage ||= `${e.name ?? 'error'}${payloadMessage(e) ? `: ${payloadMessage(e)}` : ''}`;
  if (!span.tags.some((tag) => tag.key === 'error')) {
    span.tags.push({ key: 'error', value: true as JsonValue });
  }
}
