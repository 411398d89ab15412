import { REQUEUE_STALE_JOBS, type Runbook } from './runbookTypes';

/** A worker stopped sending heartbeats for more than a minute. */
export const workerHeartbeatMissing: Runbook = {
  id: 'worker-heartbeat-missing',
  title: 'Worker heartbeat missing',
  alert: 'A worker sent no heartbeat for 1 minute',
  severity: 'critical',
  summary: 'A worker died or hung. Its running job is stuck until it is requeued.',
  symptoms: ['workers.alive drops on the Health dashboard.', 'A job stays running without progress.'],
  diagnosis: [
    {
      title: 'Silent workers and what they were doing',
      text: 'Workers whose last heartbeat is more than a minute old, with the job they held.',
      query: {
        sql: `SELECT worker_id, last_heartbeat_at,
       date_trunc('second', now() - last_heartbeat_at) AS silent_for,
       current_job_id AS job_id
FROM workers
WHERE last_heartbeat_at < now() - interval '1 minute'
ORDER BY last_heartbeat_at DESC
LIMIT 20`,
      },
    },
  ],
  remediation: [
    {
      title: 'Restart the worker',
      text: 'Check the host or container of the worker (out of memory, crash loop) and restart it.',
    },
    {
      title: 'Requeue its job',
      text: 'After 5 minutes without heartbeat, give its job back to the queue (ledger_writer, psql):',
      command: REQUEUE_STALE_JOBS,
    },
  ],
  related: ['queue-backlog'],
};

/** The plugin's probe of PostgreSQL takes longer than a second at p99. */
export const databaseLatency: Runbook = {
  id: 'database-latency',
  title: 'Database latency',
  alert: 'Database latency p99 > 1 s',
  severity: 'warning',
  summary: 'PostgreSQL answers slowly: dashboards lag, and workers may time out writing to the ledger.',
  symptoms: ['Panels load slowly or time out.', 'ledger.ingest_lag_s grows: events are recorded late.'],
  diagnosis: [
    {
      title: 'What is running now?',
      text: "Active statements, longest first (needs pg_read_all_stats or the owner role to see other users' queries).",
      query: {
        sql: `SELECT pid, usename, state, wait_event_type, wait_event,
       date_trunc('second', now() - query_start) AS running_for,
       left(query, 120) AS query
FROM pg_stat_activity
WHERE state <> 'idle' AND pid <> pg_backend_pid()
ORDER BY query_start
LIMIT 20`,
      },
    },
    {
      title: 'Is ingestion keeping up?',
      text: 'Delay between an event happening and the ledger recording it, over the last 15 minutes.',
      query: {
        sql: `SELECT kind, count(*) AS events,
       round(avg(extract(epoch FROM recorded_at - occurred_at))::numeric, 3) AS avg_delay_s,
       round(max(extract(epoch FROM recorded_at - occurred_at))::numeric, 3) AS max_delay_s
FROM ledger_events
WHERE recorded_at > now() - interval '15 minutes'
GROUP BY kind
ORDER BY max_delay_s DESC`,
      },
    },
  ],
  remediation: [
    {
      title: 'Long or blocked queries',
      text: 'Cancel runaway statements (pg_cancel_backend) and look for locks; dashboards with very long time ranges are a common cause.',
    },
    {
      title: 'Capacity',
      text: 'Check CPU, I/O and connections of the database host; lower the datasource pool size if connections are exhausted.',
    },
  ],
  related: ['slow-jobs'],
};
