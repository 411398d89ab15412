/** Job lifecycle events: created, claimed, completed, failed, requeued. Pure: values in, one event out. */
import type { LedgerEvent } from '../../ledgerEvent';
import { attemptColumns, type AttemptIds, type SimJob } from './context';

/** job.created: the job enters the queue with its token cap. */
export function jobCreated(job: SimJob): LedgerEvent {
  return {
    kind: 'job.created',
    occurredAt: new Date(job.createdAt),
    jobId: job.id,
    mode: job.mode.name,
    agent: job.agent,
    payload: { token_cap: job.tokenCap, priority: job.priority },
  };
}

/** job.claimed: a worker takes the job; opens the process-job span. */
export function jobClaimed(ids: AttemptIds, at: number): LedgerEvent {
  return {
    kind: 'job.claimed',
    occurredAt: new Date(at),
    ...attemptColumns(ids),
    spanId: ids.jobSpanId,
    payload: { attempt: ids.job.attempt },
  };
}

/** Token and cost totals of an attempt, reported on its completion. */
export interface AttemptTotals {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** job.completed: closes the process-job span (duration = claim → finish) with the attempt's totals. */
export function jobCompleted(ids: AttemptIds, at: number, durationMs: number, totals: AttemptTotals): LedgerEvent {
  return {
    kind: 'job.completed',
    occurredAt: new Date(at),
    ...attemptColumns(ids),
    spanId: ids.jobSpanId,
    durationMs,
    tokensIn: totals.tokensIn,
    tokensOut: totals.tokensOut,
    costUsd: totals.costUsd,
  };
}

/** job.failed: closes the process-job span with the error type. */
export function jobFailed(ids: AttemptIds, at: number, durationMs: number, errorType: string): LedgerEvent {
  return {
    kind: 'job.failed',
    occurredAt: new Date(at),
    ...attemptColumns(ids),
    spanId: ids.jobSpanId,
    durationMs,
    name: errorType,
    payload: { message: `${errorType} on attempt ${ids.job.attempt}` },
  };
}

/** job.requeued by the worker itself, to retry after a failure. */
export function jobRetried(ids: AttemptIds, at: number): LedgerEvent {
  return {
    kind: 'job.requeued',
    occurredAt: new Date(at),
    ...attemptColumns(ids),
    name: 'retry',
    payload: { previous_worker_id: ids.workerId },
  };
}

/**
 * job.requeued by the stale-heartbeat sweeper (as requeue_stale_jobs() writes it): no worker_id, because the
 * sweeper is not a worker and the dead one must not look alive.
 */
export function jobRequeuedStale(
  ids: AttemptIds,
  at: number,
  lastHeartbeatAt: number,
  staleAfterMs: number
): LedgerEvent {
  return {
    kind: 'job.requeued',
    occurredAt: new Date(at),
    jobId: ids.job.id,
    mode: ids.job.mode.name,
    agent: ids.job.agent,
    traceId: ids.traceId,
    name: 'stale heartbeat',
    payload: {
      previous_worker_id: ids.workerId,
      last_heartbeat_at: new Date(lastHeartbeatAt).toISOString(),
      stale_after_s: staleAfterMs / 1000,
    },
  };
}
