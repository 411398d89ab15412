/**
 * Ledger events → spans of Grafana's trace view (the seed's "Trace Context"):
 *
 *   process-job (one per attempt: job.claimed → job.completed / job.failed / job.requeued)
 *     └ agent-loop (agent.loop)
 *         ├ llm-call (llm.call: model, tokens, cost)
 *         └ tool-execution (tool.call: tool)
 *
 * A span event is appended when its span ends: `occurred_at` is the END of the span and `duration_ms` its length, so
 * it started at occurred_at − duration_ms (docs/ledger.md, "Trace tree of a job"); the job span runs from its claim
 * to the finish event, whose `duration_ms` is claim → finish. A span's
 * parent is its `parent_span_id` when that span is in the trace; otherwise the innermost agent loop of the attempt
 * that contains it in time, otherwise the attempt's process-job span. Other events of the job (errors,
 * escalations, budget, conversation, insights, duplicate lifecycle events) become span logs of the span they belong
 * to; heartbeats are counted, not listed. The rows themselves are built in spanRows.ts.
 */
import type { EventRow } from '../logs/eventRow';
import { attemptOf, buildAttempts, timeOf, type Attempt } from './attempts';
import { CALL_SPANS, callSpan, logOf, markError, rootSpan, type Span } from './spanRows';

export type { Span, SpanLog } from './spanRows';

interface Draft {
  span: Span;
  event?: EventRow;
  attempt?: Attempt;
  declaredParent: string | null;
}

const key = (traceId: string, spanId: string) => `${traceId}\u0000${spanId}`;

/** Builds the spans of the events (sorted by time); `onlyTrace` keeps the spans of one trace id. */
export function buildSpans(events: readonly EventRow[], onlyTrace?: string): Span[] {
  const byJob = new Map<string, EventRow[]>();
  for (const e of events) {
    if (e.jobId !== null) {
      const list = byJob.get(e.jobId);
      list ? list.push(e) : byJob.set(e.jobId, [e]);
    }
  }
  const attempts: Attempt[] = [];
  const drafts = new Map<string, Draft>();
  const lifecycle = new Set<EventRow>();
  for (const [jobId, jobEvents] of byJob) {
    const jobAttempts = buildAttempts(jobId, jobEvents);
    const created = jobEvents.find((e) => e.kind === 'job.created');
    for (const attempt of jobAttempts) {
      attempts.push(attempt);
      [attempt.claim, attempt.finish, attempt.requeue].forEach((e) => e && lifecycle.add(e));
      const span = rootSpan(attempt, attempt.number === 1 ? created : undefined);
      drafts.set(key(span.traceId, span.spanId), { span, attempt, declaredParent: null });
    }
    if (created) {
      lifecycle.add(created);
    }
  }
  const attemptFor = (e: EventRow): Attempt | undefined => {
    const candidates = attempts.filter((a) => (e.jobId !== null ? a.jobId === e.jobId : a.traceId === e.traceId));
    return candidates.length > 0 ? attemptOf(candidates, e) : undefined;
  };

  const others: EventRow[] = [];
  for (const e of events) {
    if (lifecycle.has(e)) {
      continue;
    }
    if (!CALL_SPANS[e.kind]) {
      others.push(e);
      continue;
    }
    const attempt = attemptFor(e);
    const traceId = e.traceId ?? attempt?.traceId ?? e.jobId ?? 'unknown';
    let spanId = e.spanId ?? `ev-${e.seq}`;
    if (drafts.has(key(traceId, spanId))) {
      spanId = `${spanId}.${e.seq}`; // two events claim one span id: keep both, tell them apart
    }
    drafts.set(key(traceId, spanId), {
      span: callSpan(e, traceId, spanId),
      event: e,
      attempt,
      declaredParent: e.parentSpanId,
    });
  }

  const loops = [...drafts.values()].filter((d) => d.span.operationName === 'agent-loop');
  const innermostLoop = (attempt: Attempt | undefined, traceId: string, t: number, self?: Span): Span | undefined => {
    let best: Span | undefined;
    for (const { span, attempt: a } of loops) {
      if (
        span !== self &&
        a === attempt &&
        span.traceId === traceId &&
        span.startMs <= t + 1e-3 &&
        t <= span.startMs + span.durationMs + 1e-3
      ) {
        best = !best || span.startMs >= best.startMs ? span : best;
      }
    }
    return best;
  };
  const rootOf = (attempt: Attempt | undefined) =>
    attempt ? drafts.get(key(attempt.traceId, attempt.spanId))?.span : undefined;

  for (const draft of drafts.values()) {
    const { span, event, attempt, declaredParent } = draft;
    if (!event) {
      continue;
    }
    const declared =
      declaredParent && declaredParent !== span.spanId
        ? drafts.get(key(span.traceId, declaredParent))?.span
        : undefined;
    // The middle of a call lies inside the loop that made it, whichever end the writer's clock is nearer to.
    const loop =
      span.operationName === 'agent-loop'
        ? undefined
        : innermostLoop(attempt, span.traceId, span.startMs + span.durationMs / 2, span);
    const root = rootOf(attempt);
    span.parentSpanId = (declared ?? loop ?? (root && root.traceId === span.traceId ? root : undefined))?.spanId ?? '';
  }

  for (const e of others) {
    const attempt = attemptFor(e);
    const traceId = e.traceId ?? attempt?.traceId ?? '';
    if (e.kind === 'worker.heartbeat') {
      // Heartbeats belong to the attempt, not to whatever loop was running: counted on its process-job span.
      const root = rootOf(attempt);
      const tag = root?.tags.find((t) => t.key === 'heartbeats');
      tag ? (tag.value = Number(tag.value) + 1) : root?.tags.push({ key: 'heartbeats', value: 1 });
      continue;
    }
    const own = e.spanId ? drafts.get(key(traceId, e.spanId))?.span : undefined;
    const owner =
      own ??
      (e.parentSpanId ? drafts.get(key(traceId, e.parentSpanId))?.span : undefined) ??
      innermostLoop(attempt, traceId, timeOf(e)) ??
      rootOf(attempt);
    if (!owner) {
      continue;
    }
    owner.logs.push(logOf(e));
    if (e.kind === 'error' && own) {
      markError(own, e);
    }
  }

  const spans = [...drafts.values()]
    .map((d) => d.span)
    .filter((s) => onlyTrace === undefined || s.traceId === onlyTrace);
  return uniqueSpanIds(spans).sort((a, b) => a.startMs - b.startMs || (a.parentSpanId === '' ? -1 : 1));
}

/** Span ids are unique per trace only; when two traces of one job reuse one, qualify it with its trace id. */
function uniqueSpanIds(spans: Span[]): Span[] {
  const traces = new Map<string, Set<string>>();
  for (const span of spans) {
    traces.set(span.spanId, (traces.get(span.spanId) ?? new Set()).add(span.traceId));
  }
  const qualify = (traceId: string, spanId: string) =>
    (traces.get(spanId)?.size ?? 0) > 1 ? `${spanId}@${traceId}` : spanId;
  return spans.map((span) => ({
    ...span,
    spanId: qualify(span.traceId, span.spanId),
    parentSpanId: span.parentSpanId ? qualify(span.traceId, span.parentSpanId) : '',
  }));
}
