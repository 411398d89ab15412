/**
 * A job's attempts: each claim of the job by a worker is one `process-job` root span, from the claim to the
 * job.completed / job.failed that ended it (or the job.requeued that abandoned it). Events are matched to an
 * attempt by trace id when both carry one, otherwise by time (the latest claim before the event).
 */
import type { EventRow } from '../logs/eventRow';

/** One processing attempt of a job. */
export interface Attempt {
  /** 1-based attempt number (claim order). */
  number: number;
  jobId: string;
  traceId: string;
  spanId: string;
  claim?: EventRow;
  finish?: EventRow;
  requeue?: EventRow;
  /** Start and end in epoch ms (fractional: sub-millisecond parts kept). */
  startMs: number;
  endMs: number;
  /** True when neither a finish nor a requeue ended it: the span ends at its latest event. */
  open: boolean;
}

/** Epoch ms of an event including its sub-millisecond part. */
export const timeOf = (e: EventRow): number => e.ms + e.nanos / 1e6;

const isFinish = (e: EventRow) => e.kind === 'job.completed' || e.kind === 'job.failed';

interface Draft {
  claim?: EventRow;
  finish?: EventRow;
  requeue?: EventRow;
  traceId: string | null;
  spanId: string | null;
  startMs?: number;
}

// The latest draft that started at or before `ms` (drafts are in start order); the first one otherwise.
function draftAt(drafts: Draft[], ms: number, matches: (d: Draft) => boolean = () => true): Draft | undefined {
  let found: Draft | undefined;
  for (const draft of drafts) {
    if ((draft.startMs ?? Number.NEGATIVE_INFINITY) <= ms && matches(draft)) {
      found = draft;
    }
  }
  return found;
}

/**
 * A worker may log its claim and finish without a trace id while the agent work inside carries one. Such an attempt
 * takes the trace of the first traced event within it that no other attempt owns; otherwise its process-job root
 * would stand in a trace of its own (the job id) and the work would form a second, parentless root.
 */
function adoptInnerTraces(drafts: Draft[], events: readonly EventRow[]): void {
  const owned = new Set(drafts.map((d) => d.traceId).filter((id): id is string => id !== null));
  drafts.forEach((draft, i) => {
    if (draft.traceId !== null) {
      return;
    }
    const from = draft.startMs ?? Number.NEGATIVE_INFINITY;
    const to = drafts[i + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    const inner = events.find((e) => e.traceId && !owned.has(e.traceId) && timeOf(e) >= from && timeOf(e) < to);
    if (inner?.traceId) {
      draft.traceId = inner.traceId;
      owned.add(inner.traceId);
    }
  });
}

/** Builds the attempts of one job from its events (sorted by time). Always returns at least one attempt. */
export function buildAttempts(jobId: string, events: readonly EventRow[]): Attempt[] {
  const drafts: Draft[] = events
    .filter((e) => e.kind === 'job.claimed')
    .map((claim) => ({ claim, traceId: claim.traceId, spanId: claim.spanId, startMs: timeOf(claim) }));

  for (const finish of events.filter(isFinish)) {
    const unfinished = (d: Draft) => !d.finish;
    const byTrace = finish.traceId ? drafts.find((d) => d.traceId === finish.traceId && unfinished(d)) : undefined;
    // Clock skew can put a finish before its claim: then it ends the first attempt still open.
    const draft = byTrace ?? draftAt(drafts, timeOf(finish), unfinished) ?? drafts.find(unfinished);
    if (!draft && drafts.length > 0) {
      continue; // a second finish for an attempt that already has one: it shows as a log line of that attempt
    }
    if (draft) {
      draft.finish = finish;
      draft.traceId ??= finish.traceId;
      draft.spanId ??= finish.spanId;
    } else {
      // Finished without a claim in the ledger: the finish's duration says when the work started.
      const end = timeOf(finish);
      drafts.push({ finish, traceId: finish.traceId, spanId: finish.spanId, startMs: end - (finish.durationMs ?? 0) });
    }
  }
  for (const requeue of events.filter((e) => e.kind === 'job.requeued')) {
    const draft = draftAt(drafts, timeOf(requeue));
    if (draft && !draft.finish && !draft.requeue) {
      draft.requeue = requeue;
    }
  }
  if (drafts.length === 0) {
    const first = events.find((e) => e.traceId);
    drafts.push({ traceId: first?.traceId ?? null, spanId: null, startMs: events[0] ? timeOf(events[0]) : 0 });
  }
  drafts.sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
  adoptInnerTraces(drafts, events);

  return drafts.map((draft, i) => {
    const end = draft.finish ?? draft.requeue;
    const startMs = draft.startMs ?? 0;
    const nextStart = drafts[i + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    // An open attempt ends at its latest event: the last one before the next claim.
    let openEnd = startMs;
    for (const e of events) {
      const t = timeOf(e);
      if (t >= startMs && t < nextStart) {
        openEnd = Math.max(openEnd, t);
      }
    }
    return {
      number: i + 1,
      jobId,
      traceId: draft.traceId ?? jobId,
      spanId: draft.spanId ?? `${jobId}:attempt-${i + 1}`,
      claim: draft.claim,
      finish: draft.finish,
      requeue: draft.requeue,
      startMs,
      endMs: end ? Math.max(startMs, timeOf(end)) : openEnd,
      open: !end,
    };
  });
}

/** The attempt an event belongs to: same trace id when it has one, else the latest attempt started before it. */
export function attemptOf(attempts: readonly Attempt[], event: EventRow): Attempt {
  if (event.traceId) {
    const byTrace = attempts.find((a) => a.traceId === event.traceId);
    if (byTrace) {
      return byTrace;
    }
  }
  const t = timeOf(event);
  let found = attempts[0]!;
  for (const attempt of attempts) {
    if (attempt.startMs <= t) {
      found = attempt;
    }
  }
  return found;
}
