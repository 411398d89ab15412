/** A trace frame (Grafana's trace data frame) as an ordered span tree, for the job page's timeline. */
import type { DataFrame } from '@grafana/data';

import { fieldValues, findField } from '../../data/frameValues';

/** One span, placed in the tree. */
export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  service?: string;
  startMs: number;
  durationMs: number;
  /** True when the span reports an error status. */
  error: boolean;
  depth: number;
}

function toMs(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string') {
    const number = Number(value);
    return Number.isFinite(number) ? number : Date.parse(value);
  }
  return value instanceof Date ? value.getTime() : NaN;
}

function isErrorStatus(value: unknown): boolean {
  return value === 2 || value === 'error' || value === 'ERROR' || value === 'STATUS_CODE_ERROR';
}

/** Reads the spans of a trace frame (field names as Grafana's trace view expects them). */
export function spansFromFrame(frame: DataFrame): Array<Omit<TraceSpan, 'depth'>> {
  const column = (...names: string[]) => {
    const field = findField(frame, ...names);
    return field ? fieldValues(field) : [];
  };
  const ids = column('spanID', 'spanId', 'span_id');
  const parents = column('parentSpanID', 'parentSpanId', 'parent_span_id');
  const names = column('operationName', 'name');
  const services = column('serviceName', 'service');
  const starts = column('startTime', 'start_time', 'startTimeUnixNano');
  const durations = column('duration', 'duration_ms');
  const statuses = column('statusCode', 'status');
  return ids.map((id, i) => ({
    spanId: String(id),
    parentSpanId: parents[i] ? String(parents[i]) : undefined,
    name: String(names[i] ?? 'span'),
    service: services[i] ? String(services[i]) : undefined,
    startMs: toMs(starts[i]),
    durationMs: Number(durations[i] ?? 0),
    error: isErrorStatus(statuses[i]),
  }));
}

/** Orders spans depth-first (children by start time under their parent) and sets each one's depth. */
export function orderSpans(spans: ReadonlyArray<Omit<TraceSpan, 'depth'>>): TraceSpan[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, Array<Omit<TraceSpan, 'depth'>>>();
  for (const span of spans) {
    // A parent missing from the trace makes the span a root, so nothing is lost.
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const ordered: TraceSpan[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | undefined, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.startMs - b.startMs);
    for (const span of list) {
      if (seen.has(span.spanId)) {
        continue; // a cycle in bad data must not hang the page
      }
      seen.add(span.spanId);
      ordered.push({ ...span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return ordered;
}

/** Start and end of the whole trace. */
export function traceBounds(spans: readonly TraceSpan[]): { start: number; end: number } {
  const start = Math.min(...spans.map((span) => span.startMs));
  const end = Math.max(...spans.map((span) => span.startMs + span.durationMs));
  return { start, end: Math.max(end, start + 1) };
}
