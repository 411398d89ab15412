/**
 * Independent state replay for the metrics whose value is a state at an instant (job.running, queue.depth,
 * workers.alive), in plain TypeScript: nothing here is shared with the SQL under test or the ledger's triggers.
 *
 * Jobs follow docs/ledger.md ("jobs and workers state rules"), applied to the events that occurred before the
 * instant: a job's status is that of its lifecycle event with the latest occurred_at (at equal times the stronger
 * status: completed > failed > running > queued); a job seen only through other events so far is running; a job with
 * no event yet does not exist. So a requeue after a failure moves a job failed → queued (it was not running), a stale
 * requeue running → queued, and a completion dated after a requeue queued → completed.
 */
import type { Dimension, Filter } from '../../../src/contract/query';
import type { LedgerEvent } from '../../../src/ledger/ledgerEvent';
import { filterMatches, type OracleSeries } from './metricOracle';

/** A job status as the jobs table spells it. */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

const LIFECYCLE_STATUS: Record<string, JobStatus> = {
  'job.created': 'queued',
  'job.requeued': 'queued',
  'job.claimed': 'running',
  'job.failed': 'failed',
  'job.completed': 'completed',
};
const STRENGTH: Record<JobStatus, number> = { queued: 0, running: 1, failed: 2, completed: 3 };

interface Step {
  at: number;
  status: JobStatus;
}

/** One job's history: when it was first seen, its lifecycle steps in order, and its labels. */
interface JobHistory {
  firstSeen: number;
  steps: Step[];
  mode: string | null;
  agent: string | null;
}

const ms = (e: LedgerEvent) => new Date(e.occurredAt).getTime();

/** Every job's history (events may come in any order). */
export function jobHistories(events: readonly LedgerEvent[]): Map<string, JobHistory> {
  const jobs = new Map<string, JobHistory>();
  const chronological = [...events].sort((a, b) => ms(a) - ms(b));
  for (const e of chronological) {
    if (!e.jobId) {
      continue;
    }
    let job = jobs.get(e.jobId);
    if (!job) {
      job = { firstSeen: ms(e), steps: [], mode: null, agent: null };
      jobs.set(e.jobId, job);
    }
    job.mode ??= e.mode ?? null; // first value seen describes the job
    job.agent ??= e.agent ?? null;
    const status = LIFECYCLE_STATUS[e.kind];
    if (status) {
      job.steps.push({ at: ms(e), status });
    }
  }
  for (const job of jobs.values()) {
    job.steps.sort((a, b) => a.at - b.at || STRENGTH[a.status] - STRENGTH[b.status]);
  }
  return jobs;
}

/** A job's status at `instant`, from its events before it (undefined: the job did not exist yet). */
export function statusAt(job: JobHistory, instant: number): JobStatus | undefined {
  if (job.firstSeen >= instant) {
    return undefined;
  }
  let status: JobStatus = 'running'; // seen, but no lifecycle event yet
  for (const step of job.steps) {
    if (step.at >= instant) {
      break;
    }
    status = step.status;
  }
  return status;
}

function labelOf(job: JobHistory, d: Dimension): string | null {
  if (d === 'mode') {
    return job.mode;
  }
  if (d === 'agent') {
    return job.agent;
  }
  throw new Error(`the state oracle has no dimension ${d}`);
}

/** What to count: jobs in `status`, by dimensions and filters, at each of `instants`. */
export interface JobCountQuery {
  status: JobStatus;
  groupBy?: Dimension[];
  filters?: Filter[];
  /** [label time, instant] pairs: a series point at `time` holds the count at `instant`. */
  points: Array<[number, number]>;
}

/**
 * Jobs in a status at each instant, as series. A series exists for every label set of a job that is in the status
 * at some instant of the query, and is 0 where none is.
 */
export function jobsInStatus(histories: Map<string, JobHistory>, query: JobCountQuery): OracleSeries[] {
  const groupBy = query.groupBy ?? [];
  const counts = new Map<string, number[]>();
  for (const job of histories.values()) {
    if (!(query.filters ?? []).every((f) => filterMatches(labelOf(job, f.key), f))) {
      continue;
    }
    const key = JSON.stringify(groupBy.map((d) => labelOf(job, d) ?? '(none)'));
    query.points.forEach(([, instant], i) => {
      if (statusAt(job, instant) === query.status) {
        const row = counts.get(key) ?? query.points.map(() => 0);
        row[i]! += 1;
        counts.set(key, row);
      }
    });
  }
  if (groupBy.length === 0 && counts.size === 0) {
    counts.set(
      '[]',
      query.points.map(() => 0)
    );
  }
  return [...counts].map(([key, row]) => {
    const values = JSON.parse(key) as string[];
    return {
      labels: Object.fromEntries(groupBy.map((d, i) => [d, values[i]!])),
      points: query.points.map(([time], i) => [time, row[i]!] as [number, number]),
    };
  });
}

/** Workers with a heartbeat in [end − lookback, end) (workers.alive's documented definition). */
export function workersAlive(events: readonly LedgerEvent[], end: number, lookbackMs: number): number {
  const workers = new Set<string>();
  for (const e of events) {
    if (e.kind === 'worker.heartbeat' && e.workerId && ms(e) >= end - lookbackMs && ms(e) < end) {
      workers.add(e.workerId);
    }
  }
  return workers.size;
}

/** Each worker's latest heartbeat before `instant` (workers with none are absent). */
export function lastHeartbeatBefore(events: readonly LedgerEvent[], instant: number): Map<string, number> {
  const last = new Map<string, number>();
  for (const e of events) {
    if (e.kind === 'worker.heartbeat' && e.workerId && ms(e) < instant) {
      last.set(e.workerId, Math.max(last.get(e.workerId) ?? -Infinity, ms(e)));
    }
  }
  return last;
}
