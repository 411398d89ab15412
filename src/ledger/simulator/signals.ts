/**
 * The alert conditions the scenarios are built to trip, as plain SQL over the ledger (what an alert rule would
 * evaluate at every minute of a window). Each returns the worst value seen in [$1, $2); the scenario tests assert
 * that a scenario pushes its own signal past the threshold during its anomaly and that steady keeps every signal
 * below. Plain SQL on purpose: it checks the generated data, not our query builders.
 */

/** One alert condition: SQL returning one number `v` for the window [$1, $2), and the threshold it must exceed. */
export interface Signal {
  description: string;
  sql: string;
  threshold: number;
}

// Moments at which an alert rule would be evaluated: every minute of the window after its first `lookback`.
const minutes = (lookback: string) =>
  `generate_series($1::timestamptz + interval '${lookback}', $2::timestamptz, interval '1 minute') AS w(at)`;

/** Every condition of the alert pack a scenario can make true. */
export const SIGNALS = {
  failureRate: {
    // A ratio over a handful of jobs is noise (1 failure in 4 is 25%): like any sane ratio alert, it needs volume.
    description: 'failure rate over the last 5 minutes > 20% (of at least 10 finished jobs)',
    sql: `SELECT coalesce(max(failed::float8 / total), 0) AS v FROM (
  SELECT w.at, count(*) FILTER (WHERE e.kind = 'job.failed') AS failed, count(*) AS total
  FROM ${minutes('5 minutes')}
  JOIN ledger_events e ON e.kind IN ('job.completed', 'job.failed') AND e.occurred_at >= w.at - interval '5 minutes'
    AND e.occurred_at < w.at
  GROUP BY w.at HAVING count(*) >= 10) x`,
    threshold: 0.2,
  },
  errorsPerMinute: {
    description: 'errors in the last minute > 5',
    sql: `SELECT coalesce(max(n), 0) AS v FROM (
  SELECT w.at, count(e.seq) AS n FROM ${minutes('1 minute')}
  LEFT JOIN ledger_events e ON e.kind = 'error' AND e.occurred_at >= w.at - interval '1 minute' AND e.occurred_at < w.at
  GROUP BY w.at) x`,
    threshold: 5,
  },
  queueDepth: {
    description: 'queue depth > 100 (jobs created or requeued and not yet claimed)',
    // replayed from the first event (the simulator starts with an empty queue); the depth at $1 counts too
    sql: `SELECT coalesce(greatest(max(depth) FILTER (WHERE occurred_at >= $1),
    (array_agg(depth ORDER BY occurred_at DESC, seq DESC) FILTER (WHERE occurred_at < $1))[1]), 0) AS v FROM (
  SELECT occurred_at, seq, sum(CASE kind WHEN 'job.claimed' THEN -1 ELSE 1 END) OVER (ORDER BY occurred_at, seq) AS depth
  FROM ledger_events WHERE kind IN ('job.created', 'job.requeued', 'job.claimed') AND occurred_at < $2) x`,
    threshold: 100,
  },
  tokensVsYesterday: {
    description: 'tokens in the last hour > 2x the same hour yesterday',
    sql: `SELECT coalesce(max(now.tokens / nullif(day_before.tokens, 0)), 0) AS v FROM (
  SELECT date_bin('1 hour', occurred_at, $1::timestamptz) AS hour, sum(tokens_in + tokens_out)::float8 AS tokens
  FROM ledger_events WHERE kind = 'llm.call' AND occurred_at >= $1 AND occurred_at < $2 GROUP BY 1) now
  JOIN (SELECT date_bin('1 hour', occurred_at, $1::timestamptz) AS hour, sum(tokens_in + tokens_out)::float8 AS tokens
  FROM ledger_events WHERE kind = 'llm.call' AND occurred_at >= $1 - interval '1 day' AND occurred_at < $2 - interval '1 day'
  GROUP BY 1) day_before ON day_before.hour = now.hour - interval '1 day'`,
    threshold: 2,
  },
  heartbeatMissing: {
    // The longest "now − last heartbeat" an evaluation inside the window sees: silences that reach into the window,
    // counted up to the next heartbeat or the window's end.
    description: "a worker's heartbeat missing for > 60 s (longest silence of any worker, in seconds)",
    sql: `SELECT coalesce(max(extract(epoch FROM least(next_at, $2::timestamptz) - occurred_at)), 0) AS v FROM (
  SELECT occurred_at, lead(occurred_at, 1, 'infinity') OVER (PARTITION BY worker_id ORDER BY occurred_at) AS next_at
  FROM ledger_events WHERE kind = 'worker.heartbeat' AND occurred_at < $2) x
WHERE next_at > $1`,
    threshold: 60,
  },
  escalationsPerHour: {
    description: 'escalations in the last hour > 10',
    sql: `SELECT coalesce(max(n), 0) AS v FROM (
  SELECT w.at, count(e.seq) AS n FROM ${minutes('0 minutes')}
  LEFT JOIN ledger_events e ON e.kind = 'escalation' AND e.occurred_at >= w.at - interval '1 hour' AND e.occurred_at < w.at
  GROUP BY w.at) x`,
    threshold: 10,
  },
  toolP99: {
    description: 'p99 of a tool over the last 5 minutes > 5 s (in ms)',
    sql: `SELECT coalesce(max(p99), 0) AS v FROM (
  SELECT w.at, e.name, percentile_cont(0.99) WITHIN GROUP (ORDER BY e.duration_ms) AS p99
  FROM ${minutes('5 minutes')}
  JOIN ledger_events e ON e.kind = 'tool.call' AND e.occurred_at >= w.at - interval '5 minutes' AND e.occurred_at < w.at
  GROUP BY w.at, e.name) x`,
    threshold: 5_000,
  },
  jobP95: {
    description: 'p95 job duration over the last 5 minutes > 60 s (in ms)',
    sql: `SELECT coalesce(max(p95), 0) AS v FROM (
  SELECT w.at, percentile_cont(0.95) WITHIN GROUP (ORDER BY e.duration_ms) AS p95
  FROM ${minutes('5 minutes')}
  JOIN ledger_events e ON e.kind IN ('job.completed', 'job.failed') AND e.occurred_at >= w.at - interval '5 minutes'
    AND e.occurred_at < w.at
  GROUP BY w.at) x`,
    threshold: 60_000,
  },
  budgetExceeded: {
    description: 'budget.exceeded events (jobs over their token cap) > 0',
    sql: `SELECT count(*)::float8 AS v FROM ledger_events WHERE kind = 'budget.exceeded' AND occurred_at >= $1 AND occurred_at < $2`,
    threshold: 0,
  },
} as const satisfies Record<string, Signal>;

/** Name of a signal. */
export type SignalName = keyof typeof SIGNALS;

/** The signal each anomaly scenario exists to trip (steady trips none). */
export const SCENARIO_SIGNALS: Readonly<Record<string, readonly SignalName[]>> = {
  'failure-spike': ['failureRate', 'errorsPerMinute'],
  'queue-backlog': ['queueDepth'],
  'token-spike': ['tokensVsYesterday', 'budgetExceeded'],
  'worker-down': ['heartbeatMissing'],
  'escalation-storm': ['escalationsPerHour'],
  'slow-tools': ['toolP99'],
};
