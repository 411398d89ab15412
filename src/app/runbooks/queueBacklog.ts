import { REQUEUE_STALE_JOBS, type Runbook } from './runbookTypes';

/** More than 100 jobs waiting. */
export const queueBacklog: Runbook = {
  id: 'queue-backlog',
  title: 'Queue backlog',
  alert: 'Queue depth > 100',
  severity: 'warning',
  summary: 'Jobs arrive faster than workers claim them, or workers stopped claiming. Find which, and for which mode.',
  symptoms: [
    'The "Queue backlog" alert fires; queue.depth keeps rising on the Jobs dashboard.',
    'Time in queue (job.queue_wait_ms) grows; users wait longer for results.',
    'Often together with "Worker heartbeat missing" when workers died.',
  ],
  diagnosis: [
    {
      title: 'What is waiting?',
      text: 'Queued jobs per mode, with the oldest one. One mode only: its workers are missing or slow. Every mode: a general capacity problem.',
      query: {
        sql: `SELECT mode,
       count(*) AS queued,
       min(created_at) AS oldest,
       date_trunc('second', now() - min(created_at)) AS oldest_wait
FROM jobs
WHERE status = 'queued'
GROUP BY mode
ORDER BY queued DESC`,
      },
    },
    {
      title: 'Are the workers alive?',
      text: 'Workers by their last heartbeat. A heartbeat older than a minute means the worker is gone or hung.',
      query: {
        sql: `SELECT worker_id,
       last_heartbeat_at,
       date_trunc('second', now() - last_heartbeat_at) AS heartbeat_age,
       current_job_id,
       jobs_processed
FROM workers
ORDER BY last_heartbeat_at DESC NULLS LAST
LIMIT 50`,
        readingHint:
          'Few rows with a recent heartbeat: start workers. Many alive workers: jobs got slower or arrivals spiked (next step).',
      },
    },
    {
      title: 'Arrivals against claims',
      text: 'Jobs created, claimed and finished per minute over the last 30 minutes. created well above claimed is a burst of work; claimed near zero means workers stopped.',
      query: {
        sql: `SELECT date_trunc('minute', occurred_at) AS minute,
       count(*) FILTER (WHERE kind = 'job.created') AS created,
       count(*) FILTER (WHERE kind = 'job.claimed') AS claimed,
       count(*) FILTER (WHERE kind IN ('job.completed', 'job.failed')) AS finished
FROM ledger_events
WHERE kind IN ('job.created', 'job.claimed', 'job.completed', 'job.failed')
  AND occurred_at > now() - interval '30 minutes'
GROUP BY 1
ORDER BY 1 DESC`,
      },
    },
    {
      title: 'Jobs stuck on dead workers',
      text: 'Running jobs whose worker has been silent for more than 5 minutes. They hold capacity and will not finish on their own.',
      query: {
        sql: `SELECT id AS job_id, mode, worker_id, claimed_at, last_heartbeat_at,
       date_trunc('second', now() - coalesce(last_heartbeat_at, claimed_at)) AS silent_for
FROM jobs
WHERE status = 'running'
  AND coalesce(last_heartbeat_at, claimed_at) < now() - interval '5 minutes'
ORDER BY last_heartbeat_at NULLS FIRST
LIMIT 50`,
      },
    },
  ],
  remediation: [
    {
      title: 'Give stuck jobs back to the queue',
      text: 'Requeue the jobs of silent workers so live workers can claim them. Run it as a member of ledger_writer (psql), not through Grafana: the datasource is read-only on purpose. It only appends job.requeued events.',
      command: REQUEUE_STALE_JOBS,
    },
    {
      title: 'Add capacity',
      text: 'Start more workers for the modes that are backed up. The backlog should shrink at (claimed − created) jobs per minute.',
    },
    {
      title: 'A burst of work',
      text: 'If one agent created far more jobs than usual, check it for a retry loop before adding capacity.',
    },
  ],
  related: ['worker-heartbeat-missing', 'slow-jobs'],
};
