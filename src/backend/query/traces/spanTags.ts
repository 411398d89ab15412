/**
 * Span tags (Grafana `TraceKeyValuePair`s): the event's dimensions and measures under stable keys, its payload's
 * scalar entries as `payload.<key>`, and `error: true` on failed spans (what the trace view marks red).
 */
import type { JsonValue } from '../../frames/frame';
import type { EventRow } from '../logs/eventRow';
import { timeOf, type Attempt } from './attempts';

/** A tag or log field. */
export interface KeyValue {
  key: string;
  value: JsonValue;
}

/** Most payload entries copied into tags (a payload is free-form; a span should stay readable). */
const MAX_PAYLOAD_TAGS = 20;
const MAX_TAG_CHARS = 500;

/** A tag, or undefined when the value is missing. */
export function kv(key: string, value: string | number | boolean | null | undefined): KeyValue | undefined {
  if (value === null || value === undefined || value === '') {
    return undefined;
  }
  return {
    key,
    value: typeof value === 'string' && value.length > MAX_TAG_CHARS ? `${value.slice(0, MAX_TAG_CHARS - 1)}…` : value,
  };
}

function defined(tags: Array<KeyValue | undefined>): KeyValue[] {
  return tags.filter((tag): tag is KeyValue => tag !== undefined);
}

function payloadTags(e: EventRow | undefined): KeyValue[] {
  if (!e) {
    return [];
  }
  const tags: KeyValue[] = [];
  for (const [name, value] of Object.entries(e.payload)) {
    if (tags.length >= MAX_PAYLOAD_TAGS) {
      break;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const tag = kv(`payload.${name}`, value);
      if (tag) {
        tags.push(tag);
      }
    }
  }
  return tags;
}

/** Tags of a process-job span: the job, attempt, worker, outcome and, for the first attempt, its queue wait. */
export function attemptTags(attempt: Attempt, created: EventRow | undefined, failed: boolean): KeyValue[] {
  const who = attempt.claim ?? attempt.finish;
  const status =
    attempt.finish?.kind === 'job.completed'
      ? 'completed'
      : attempt.finish
        ? 'failed'
        : attempt.requeue
          ? 'requeued'
          : 'running';
  const queuedMs = created && attempt.claim ? Math.max(0, timeOf(attempt.claim) - timeOf(created)) : undefined;
  return defined([
    kv('job', attempt.jobId),
    kv('attempt', attempt.number),
    kv('worker', who?.workerId),
    kv('mode', who?.mode ?? created?.mode),
    kv('agent', who?.agent ?? created?.agent),
    kv('status', status),
    kv('error_type', attempt.finish?.kind === 'job.failed' ? attempt.finish.name : undefined),
    kv('requeue_reason', attempt.requeue?.name),
    kv('queued_ms', queuedMs),
    kv('duration_ms', attempt.finish?.durationMs),
    kv('ledger.seq', attempt.claim?.seq ?? attempt.finish?.seq),
    ...payloadTags(attempt.finish),
    failed ? { key: 'error', value: true } : undefined,
  ]);
}

/** Tags of an agent-loop, llm-call or tool-execution span. */
export function callTags(e: EventRow, failed: boolean): KeyValue[] {
  return defined([
    kv('job', e.jobId),
    kv('agent', e.agent),
    kv('mode', e.mode),
    kv(e.kind === 'llm.call' ? 'model' : e.kind === 'tool.call' ? 'tool' : 'name', e.name),
    kv('status', e.status),
    kv('tokens_in', e.tokensIn),
    kv('tokens_out', e.tokensOut),
    kv('cost_usd', e.costUsd),
    kv('ledger.seq', e.seq),
    ...payloadTags(e),
    failed ? { key: 'error', value: true } : undefined,
  ]);
}
