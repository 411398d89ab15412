import type { Runbook } from './runbookTypes';

/** Jobs take longer than a minute at p95. */
export const slowJobs: Runbook = {
  id: 'slow-jobs',
  title: 'Slow jobs',
  alert: 'Job duration p95 > 60 s',
  severity: 'warning',
  summary: 'Jobs take longer than usual from claim to finish. Slow LLM calls or tools are the usual reason.',
  symptoms: [
    'job.duration_ms p95 above 60 s on the Performance dashboard.',
    'The queue grows although workers are alive.',
  ],
  diagnosis: [
    {
      title: 'Which modes are slow?',
      text: 'p95 job duration per mode over the last hour.',
      query: {
        sql: `SELECT mode, count(*) AS jobs,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) / 1000)::numeric, 1) AS p95_s
FROM ledger_events
WHERE kind IN ('job.completed', 'job.failed')
  AND duration_ms IS NOT NULL
  AND occurred_at > now() - interval '1 hour'
GROUP BY mode
ORDER BY p95_s DESC`,
      },
    },
    {
      title: 'Where does the time go?',
      text: 'Time spent in LLM calls and tool calls per mode in the last hour.',
      query: {
        sql: `SELECT mode, kind, count(*) AS calls,
       round((sum(duration_ms) / 1000)::numeric, 1) AS total_s,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms))::numeric) AS p95_ms
FROM ledger_events
WHERE kind IN ('llm.call', 'tool.call')
  AND occurred_at > now() - interval '1 hour'
GROUP BY mode, kind
ORDER BY total_s DESC`,
      },
    },
  ],
  remediation: [
    {
      title: 'Slow model',
      text: 'If LLM time dominates, check the provider latency and consider a faster model for the mode.',
    },
    { title: 'Slow tools', text: 'If tool time dominates, follow the slow-tools runbook.' },
  ],
  related: ['slow-tools', 'queue-backlog'],
};

/** Tool calls take longer than 5 s at p99. */
export const slowTools: Runbook = {
  id: 'slow-tools',
  title: 'Slow or failing tools',
  alert: 'Tool latency p99 > 5 s',
  severity: 'warning',
  summary: 'One or more tools (read_file, apply_patch, …) answer slowly, stretching every job that uses them.',
  symptoms: ['tool.duration_ms p99 above 5 s on the Performance dashboard.', 'Jobs get slower; tool errors may rise.'],
  diagnosis: [
    {
      title: 'Which tools?',
      text: 'Calls, errors and latency percentiles per tool over the last 15 minutes.',
      query: {
        sql: `SELECT name AS tool, count(*) AS calls,
       count(*) FILTER (WHERE status = 'error') AS errors,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms))::numeric) AS p95_ms,
       round((percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms))::numeric) AS p99_ms
FROM ledger_events
WHERE kind = 'tool.call'
  AND occurred_at > now() - interval '15 minutes'
GROUP BY name
ORDER BY p99_ms DESC NULLS LAST`,
      },
    },
  ],
  remediation: [
    {
      title: "Fix the tool's backend",
      text: 'A slow tool usually waits on something: the file system, a git remote, a build. Check that system first.',
    },
    {
      title: 'Timeouts',
      text: 'If a tool can hang, give it a timeout so agents fail fast instead of holding a worker.',
    },
  ],
  related: ['slow-jobs', 'error-spike'],
};
