import { REQUEUE_STALE_JOBS, type Runbook } from './runbookTypes';

/** Failure rate above 20% over 5 minutes. */
export const highFailureRate: Runbook = {
  id: 'high-failure-rate',
  title: 'High job failure rate',
  alert: 'Job failure rate > 20% over 5 minutes',
  severity: 'critical',
  summary:
    'More than one job in five is failing. Find out whether one mode, one error type or one worker is behind it.',
  symptoms: [
    'The "High failure rate" alert fires; the Jobs dashboard shows job.failed climbing against job.completed.',
    'Escalations to humans often follow within minutes.',
    'Operators see jobs ending in failed in the jobs table, usually with the same error_type.',
  ],
  diagnosis: [
    {
      title: 'Which modes are failing?',
      text: 'Failure rate per mode over the last 15 minutes. A single mode points at its agent or its model; every mode at once points at shared infrastructure (LLM provider, database, tools).',
      query: {
        sql: `SELECT mode,
       count(*) FILTER (WHERE kind = 'job.failed') AS failed,
       count(*) AS finished,
       round(100.0 * count(*) FILTER (WHERE kind = 'job.failed') / count(*), 1) AS failure_pct
FROM ledger_events
WHERE kind IN ('job.completed', 'job.failed')
  AND occurred_at > now() - interval '15 minutes'
GROUP BY mode
ORDER BY failure_pct DESC`,
        readingHint:
          'failure_pct above 20 in one row only: go to that mode; in every row: check the next steps for a shared cause.',
      },
    },
    {
      title: 'What are the errors?',
      text: 'The error types of recent failures. One dominant type is the usual case.',
      query: {
        sql: `SELECT name AS error_type, mode, count(*) AS failures, max(occurred_at) AS last_seen
FROM ledger_events
WHERE kind = 'job.failed'
  AND occurred_at > now() - interval '15 minutes'
GROUP BY name, mode
ORDER BY failures DESC
LIMIT 20`,
        readingHint:
          'rate_limit / timeout / provider errors: the LLM provider. tool errors: see "slow or failing tools". Anything else: open a failed job below.',
      },
    },
    {
      title: 'Is it one worker?',
      text: 'Failures per worker. A single bad worker (disk full, lost credentials, bad deploy) shows up as one row with most failures.',
      query: {
        sql: `SELECT worker_id,
       count(*) FILTER (WHERE kind = 'job.failed') AS failed,
       count(*) AS finished
FROM ledger_events
WHERE kind IN ('job.completed', 'job.failed')
  AND occurred_at > now() - interval '15 minutes'
GROUP BY worker_id
ORDER BY failed DESC`,
      },
    },
    {
      title: 'Are LLM or tool calls failing underneath?',
      text: 'Errors and failed calls by kind and name: the upstream cause of failing jobs.',
      query: {
        sql: `SELECT kind, name, count(*) AS errors
FROM ledger_events
WHERE occurred_at > now() - interval '15 minutes'
  AND (kind = 'error' OR (kind IN ('llm.call', 'tool.call') AND status = 'error'))
GROUP BY kind, name
ORDER BY errors DESC
LIMIT 20`,
      },
    },
    {
      title: 'Open a failed job',
      text: 'The most recent failures; open one to read its trace, events and conversation.',
      query: {
        sql: `SELECT id AS job_id, mode, worker_id, error_type, attempts, finished_at
FROM jobs
WHERE status = 'failed'
  AND finished_at > now() - interval '15 minutes'
ORDER BY finished_at DESC
LIMIT 20`,
      },
    },
  ],
  remediation: [
    {
      title: 'Upstream provider errors',
      text: 'If rate limits or timeouts dominate, lower the concurrency of the affected mode or switch it to a fallback model, and check the provider status page.',
    },
    {
      title: 'One bad worker',
      text: 'Drain and restart it. Once its heartbeats stop, the jobs it held go back to the queue with the stale-job sweep (run as a ledger_writer member, not through Grafana):',
      command: REQUEUE_STALE_JOBS,
    },
    {
      title: 'A recent deploy',
      text: 'If failures started with a deploy of an agent or tool, roll it back; the failure rate should fall within one alert window (5 minutes).',
    },
    {
      title: 'Confirm recovery',
      text: 'Run the first query again: every mode should be back under 20% before the alert resolves.',
    },
  ],
  related: ['error-spike', 'escalation-storm', 'slow-tools'],
};
