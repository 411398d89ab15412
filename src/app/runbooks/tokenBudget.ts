import type { Runbook } from './runbookTypes';

/** Tokens over budget: jobs over their cap, or the team over its daily budget. */
export const tokenBudget: Runbook = {
  id: 'token-budget',
  title: 'Tokens over budget',
  alert: 'Tokens over budget (job token caps or the daily budget)',
  severity: 'warning',
  summary:
    "Jobs used more tokens than their cap allows, or the day's spend is over the team budget. Find the jobs and the modes spending it.",
  symptoms: [
    'The "Tokens over budget" alert fires; budget.exceeded events appear on the Resources dashboard.',
    'Token and cost panels climb faster than jobs completed.',
    'Some jobs run far longer than usual, making LLM call after LLM call.',
  ],
  diagnosis: [
    {
      title: 'Which jobs are over their cap?',
      text: 'Jobs whose tokens_used is above their token_cap, worst first.',
      query: {
        sql: `SELECT id AS job_id, mode, agent, status, tokens_used, token_cap,
       round(100.0 * tokens_used / nullif(token_cap, 0)) AS pct_of_cap,
       round(cost_usd::numeric, 2) AS cost_usd
FROM jobs
WHERE token_cap IS NOT NULL
  AND tokens_used > token_cap
ORDER BY tokens_used - token_cap DESC
LIMIT 20`,
        readingHint:
          'status running with a large pct_of_cap: a runaway loop still spending. Open the job to see its LLM calls.',
      },
    },
    {
      title: "Where does today's spend go?",
      text: 'Tokens and dollars since midnight (database time zone) by mode and model.',
      query: {
        sql: `SELECT mode, name AS model,
       sum(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)) AS tokens,
       round(sum(coalesce(cost_usd, 0))::numeric, 2) AS cost_usd,
       count(*) AS llm_calls
FROM ledger_events
WHERE kind = 'llm.call'
  AND occurred_at >= date_trunc('day', now())
GROUP BY mode, name
ORDER BY tokens DESC`,
      },
    },
    {
      title: 'The biggest spenders today',
      text: 'Jobs with the most tokens today, and how many LLM calls they made. Hundreds of calls in one job is a loop.',
      query: {
        sql: `SELECT job_id, mode,
       sum(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)) AS tokens,
       count(*) AS llm_calls,
       round(sum(coalesce(cost_usd, 0))::numeric, 2) AS cost_usd
FROM ledger_events
WHERE kind = 'llm.call'
  AND job_id IS NOT NULL
  AND occurred_at >= date_trunc('day', now())
GROUP BY job_id, mode
ORDER BY tokens DESC
LIMIT 10`,
      },
    },
    {
      title: 'Budget breaches in the last 24 hours',
      text: 'Each budget.exceeded event: when, which job, and how many tokens it had used at that moment.',
      query: {
        sql: `SELECT occurred_at, job_id, mode, agent, value AS tokens_used, payload->>'token_cap' AS token_cap
FROM ledger_events
WHERE kind = 'budget.exceeded'
  AND occurred_at > now() - interval '24 hours'
ORDER BY occurred_at DESC
LIMIT 20`,
      },
    },
  ],
  remediation: [
    {
      title: 'Stop runaway jobs',
      text: 'Cancel running jobs that are far over their cap in the worker tooling; their tokens are already spent, but the loop stops.',
    },
    {
      title: 'Tighten caps for the mode',
      text: 'If one mode keeps breaching, lower its token_cap at job creation or move it to a cheaper model.',
    },
    {
      title: 'Adjust the daily budget',
      text: 'If the spend is legitimate (more work, not waste), raise the daily token or cost budget in the Ledger datasource settings so the alert reflects the real plan.',
    },
  ],
  related: ['token-spike'],
};
