/** What every generator of one job attempt needs to know: whose job, on which worker, in which trace. */
import type { ModeSpec } from '../scenario';

/** A job as the queue holds it, across attempts. */
export interface SimJob {
  id: string;
  mode: ModeSpec;
  agent: string;
  tokenCap: number;
  priority: number;
  createdAt: number;
  /** 1-based number of the next claim. */
  attempt: number;
  /** Tokens used by earlier attempts (the cap applies to the whole job). */
  tokensUsed: number;
  conversationId: string;
}

/** The identifiers one attempt's events share. */
export interface AttemptIds {
  job: SimJob;
  workerId: string;
  traceId: string;
  /** The process-job span (carried by job.claimed / job.completed / job.failed). */
  jobSpanId: string;
}

/** Columns every event of an attempt carries. */
export function attemptColumns(ids: AttemptIds) {
  return {
    jobId: ids.job.id,
    workerId: ids.workerId,
    mode: ids.job.mode.name,
    agent: ids.job.agent,
    traceId: ids.traceId,
  };
}

/** Whole milliseconds, at least 1: durations and the end times derived from them stay consistent. */
export const wholeMs = (ms: number): number => Math.max(1, Math.round(ms));
