/**
 * Traces plan → SQL, in two statements: first what the id is (a job id, a trace id, both or neither), then every
 * event of the job(s) and trace(s) involved, oldest first. `= ANY(ARRAY(subquery))` keeps both halves of the OR on
 * their partial indexes (job_id, occurred_at) and (trace_id).
 */
import type { Sql } from '../sql';
import { EVENT_COLUMNS_SQL } from '../logs/eventRow';

/** Most events one trace reads; a longer job is cut (with a notice). */
export const MAX_TRACE_EVENTS = 20_000;

/** What the requested id is in the ledger. */
export interface TraceIdentity {
  is_job: boolean;
  is_trace: boolean;
  /** Jobs whose events carry the id as trace id (usually one). */
  trace_jobs: string[];
}

/**
 * Finds out whether `id` is a job id and/or a trace id. The jobs of a trace are found through the trace_id index
 * first (OFFSET 0 keeps that subquery whole): written as one `DISTINCT … ORDER BY job_id LIMIT 10`, a ledger without
 * statistics had the planner walk the whole job_id index for matching trace ids (101-153 ms on 510k events, growing
 * with the ledger; 0.1-0.3 ms this way, analyzed or not).
 */
export function identitySql(id: string): Sql {
  return {
    text: `SELECT EXISTS (SELECT 1 FROM ledger_events WHERE job_id = $1::text) AS is_job,
       EXISTS (SELECT 1 FROM ledger_events WHERE trace_id = $1::text) AS is_trace,
       ARRAY(SELECT t.job_id FROM (SELECT DISTINCT job_id FROM ledger_events WHERE trace_id = $1::text AND job_id IS NOT NULL OFFSET 0) t
         ORDER BY t.job_id LIMIT 10) AS trace_jobs`,
    values: [id],
  };
}

/** Every event of the job `jobId`, plus events of the traces its events carry. */
export function jobEventsSql(jobId: string): Sql {
  return {
    text: `SELECT ${EVENT_COLUMNS_SQL}
FROM ledger_events e
WHERE e.job_id = $1::text
   OR e.trace_id = ANY(ARRAY(SELECT DISTINCT trace_id FROM ledger_events WHERE job_id = $1::text AND trace_id IS NOT NULL))
ORDER BY e.occurred_at, e.seq
LIMIT $2::int8`,
    values: [jobId, MAX_TRACE_EVENTS + 1],
  };
}

/** Every event of the trace `traceId`, plus the events of the jobs it belongs to (to find its attempt's bounds). */
export function traceEventsSql(traceId: string, jobIds: readonly string[]): Sql {
  return {
    text: `SELECT ${EVENT_COLUMNS_SQL}
FROM ledger_events e
WHERE e.trace_id = $1::text OR e.job_id = ANY($2::text[])
ORDER BY e.occurred_at, e.seq
LIMIT $3::int8`,
    values: [traceId, [...jobIds], MAX_TRACE_EVENTS + 1],
  };
}
