/** Test helper: an EventRow with defaults, for the pure builders' unit tests. */
import type { EventRow } from './eventRow';

/** Builds an event; `at` is seconds after 2026-11-20T10:00:00Z. */
export function event(kind: string, at: number, fields: Partial<EventRow> = {}): EventRow {
  return {
    seq: String(Math.round(at * 1000)),
    ms: Date.UTC(2026, 10, 20, 10) + Math.floor(at * 1000),
    nanos: 0,
    kind,
    jobId: null,
    workerId: null,
    mode: null,
    agent: null,
    traceId: null,
    spanId: null,
    parentSpanId: null,
    name: null,
    status: null,
    durationMs: null,
    tokensIn: null,
    tokensOut: null,
    costUsd: null,
    conversationId: null,
    value: null,
    payload: {},
    ...fields,
  };
}
