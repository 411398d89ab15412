import type { Runbook } from './runbookTypes';

/** More than 10 escalations to humans in an hour. */
export const escalationStorm: Runbook = {
  id: 'escalation-storm',
  title: 'Escalation storm',
  alert: 'Escalations > 10 per hour',
  severity: 'warning',
  summary:
    'Agents page humans far more than usual. Usually one reason (a broken tool, a confusing task type) drives it.',
  symptoms: ['escalation.total jumps on the Jobs dashboard.', 'People report many pages from the agents.'],
  diagnosis: [
    {
      title: 'Why are agents escalating?',
      text: 'Escalations in the last hour by reason and mode.',
      query: {
        sql: `SELECT name AS reason, mode, count(*) AS escalations, max(occurred_at) AS last_seen
FROM ledger_events
WHERE kind = 'escalation'
  AND occurred_at > now() - interval '1 hour'
GROUP BY name, mode
ORDER BY escalations DESC`,
      },
    },
  ],
  remediation: [
    {
      title: 'Fix the common cause',
      text: 'If one reason dominates, fix it at the source (tool, permissions, prompt) rather than answering each page.',
    },
    { title: 'Pause the mode', text: 'If one mode escalates on every job, pause it until the cause is fixed.' },
  ],
  related: ['high-failure-rate'],
};

/** More than 5 errors a minute. */
export const errorSpike: Runbook = {
  id: 'error-spike',
  title: 'Error spike',
  alert: 'Errors > 5 per minute',
  severity: 'warning',
  summary: 'Agents and workers report errors at a high rate; failures may follow.',
  symptoms: ['error.total rises on the Health dashboard.', 'Often before "High failure rate".'],
  diagnosis: [
    {
      title: 'Which errors, where?',
      text: 'Errors in the last 15 minutes by type, mode and worker.',
      query: {
        sql: `SELECT name AS error_type, mode, worker_id, count(*) AS errors, max(occurred_at) AS last_seen
FROM ledger_events
WHERE kind = 'error'
  AND occurred_at > now() - interval '15 minutes'
GROUP BY name, mode, worker_id
ORDER BY errors DESC
LIMIT 20`,
      },
    },
  ],
  remediation: [
    { title: 'One worker', text: 'If one worker produces most errors, drain and restart it.' },
    {
      title: 'One error type',
      text: 'Look up that error type in a recent job (open it from the failure runbook) and fix the cause.',
    },
  ],
  related: ['high-failure-rate', 'slow-tools'],
};

/** Token use above twice its baseline. */
export const tokenSpike: Runbook = {
  id: 'token-spike',
  title: 'Token spike',
  alert: 'Tokens used > 2× the same hour yesterday',
  severity: 'warning',
  summary: 'Token use is more than double its baseline: more work, bigger prompts, or a loop.',
  symptoms: ['tokens.used doubles against the day before on the Resources dashboard.', 'Cost climbs with it.'],
  diagnosis: [
    {
      title: 'Now against yesterday',
      text: 'Tokens and LLM calls in the last hour and in the same hour yesterday, per mode. Tokens per call going up means bigger prompts; calls going up means more work or a loop.',
      query: {
        sql: `SELECT mode,
       sum(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)) FILTER (WHERE occurred_at > now() - interval '1 hour') AS tokens_last_hour,
       sum(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)) FILTER (WHERE occurred_at <= now() - interval '1 day') AS tokens_yesterday,
       count(*) FILTER (WHERE occurred_at > now() - interval '1 hour') AS calls_last_hour,
       count(*) FILTER (WHERE occurred_at <= now() - interval '1 day') AS calls_yesterday
FROM ledger_events
WHERE kind = 'llm.call'
  AND (occurred_at > now() - interval '1 hour'
       OR occurred_at BETWEEN now() - interval '25 hours' AND now() - interval '1 day')
GROUP BY mode
ORDER BY tokens_last_hour DESC NULLS LAST`,
      },
    },
  ],
  remediation: [
    { title: 'A loop', text: 'If a few jobs make most calls, stop them and see the token-budget runbook.' },
    {
      title: 'Bigger prompts',
      text: 'If tokens per call rose after a deploy, review the prompt or context changes it shipped.',
    },
  ],
  related: ['token-budget'],
};
