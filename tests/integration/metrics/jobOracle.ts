/**
 * Independent job and worker state for value tests: replays the fixture's lifecycle events per job in plain
 * TypeScript (no SQL, nothing shared with the ledger's triggers).
 */
import type { LedgerEvent } from '../../../src/ledger/ledgerEvent';

type Event = LedgerEvent & { occurredAt: Date };

/** A job as the oracle sees it after replaying events before a moment. */
export interface OracleJob {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  mode: string | null;
  agent: string | null;
  createdAt: number;
  claimedAt: number | null;
  finishedAt: number | null;
  tokensUsed: number;
  tokenCap: number | null;
}

/** Job states considering only events that occurred before `before` (ms). */
export function jobStates(events: readonly LedgerEvent[], before = Infinity): Map<string, OracleJob> {
  const jobs = new Map<string, OracleJob>();
  for (const e of events as Event[]) {
    const at = e.occurredAt.getTime();
    if (at >= before || !e.jobId) {
      continue;
    }
    let job = jobs.get(e.jobId);
    if (!job) {
      job = {
        id: e.jobId,
        status: 'queued',
        mode: e.mode ?? null,
        agent: e.agent ?? null,
        createdAt: at,
        claimedAt: null,
        finishedAt: null,
        tokensUsed: 0,
        tokenCap: null,
      };
      jobs.set(e.jobId, job);
    }
    switch (e.kind) {
      case 'job.created':
        job.createdAt = at;
        job.tokenCap = typeof e.payload?.token_cap === 'number' ? e.payload.token_cap : null;
        break;
      case 'job.claimed':
        job.status = 'running';
        job.claimedAt = at;
        break;
      case 'job.requeued':
        job.status = 'queued';
        break;
      case 'job.completed':
      case 'job.failed':
        job.status = e.kind === 'job.completed' ? 'completed' : 'failed';
        job.finishedAt = at;
        break;
      case 'llm.call':
        job.tokensUsed += (e.tokensIn ?? 0) + (e.tokensOut ?? 0);
        break;
      default:
        break;
    }
  }
  return jobs;
}

/** Counts jobs per status (optionally only one status). */
export function countByStatus(jobs: Map<string, OracleJob>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const job of jobs.values()) {
    counts[job.status] = (counts[job.status] ?? 0) + 1;
  }
  return counts;
}

/** Latest heartbeat per worker before `before` (ms). */
export function lastHeartbeats(events: readonly LedgerEvent[], before: number): Map<string, number> {
  const last = new Map<string, number>();
  for (const e of events as Event[]) {
    const at = e.occurredAt.getTime();
    if (e.kind === 'worker.heartbeat' && at < before && e.workerId) {
      last.set(e.workerId, Math.max(last.get(e.workerId) ?? 0, at));
    }
  }
  return last;
}
