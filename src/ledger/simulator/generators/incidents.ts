/** Facts that are not spans: escalations, errors, budget breaches and insights. */
import type { LedgerEvent } from '../../ledgerEvent';
import { attemptColumns, type AttemptIds } from './context';

/** escalation: a human is paged. */
export function escalation(ids: AttemptIds, at: number, reason: string): LedgerEvent {
  return { kind: 'escalation', occurredAt: new Date(at), ...attemptColumns(ids), name: reason };
}

/** error reported during a job (a failing tool, or the failure that ends the attempt). */
export function jobError(ids: AttemptIds, at: number, errorType: string, message: string): LedgerEvent {
  return { kind: 'error', occurredAt: new Date(at), ...attemptColumns(ids), name: errorType, payload: { message } };
}

/** error reported by a worker outside any job (an upstream outage). */
export function workerError(workerId: string, at: number, errorType: string, message: string): LedgerEvent {
  return { kind: 'error', occurredAt: new Date(at), workerId, name: errorType, payload: { message } };
}

/** budget.exceeded: the job went over its token cap; value = tokens used so far. */
export function budgetExceeded(ids: AttemptIds, at: number, tokensUsed: number): LedgerEvent {
  return {
    kind: 'budget.exceeded',
    occurredAt: new Date(at),
    ...attemptColumns(ids),
    value: tokensUsed,
    payload: { token_cap: ids.job.tokenCap },
  };
}

/** insight: something the agent learned, with its confidence (0..1). */
export function insight(ids: AttemptIds, at: number, category: string, confidence: number): LedgerEvent {
  return {
    kind: 'insight',
    occurredAt: new Date(at),
    ...attemptColumns(ids),
    name: category,
    value: confidence,
    payload: { text: `${category} noticed while working on ${ids.job.id}` },
  };
}
