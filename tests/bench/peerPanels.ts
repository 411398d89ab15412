/**
 * The fair peer's SQL (issue #14): for every panel of the four shipped dashboards and every alert rule, the plain SQL a
 * competent user of Grafana's PostgreSQL datasource would write against the same schema — ledger_events with its
 * indexes, and the jobs and workers state tables — never our rollup tables, which are the product's own. Grafana's
 * macros ($__timeFilter, $__timeGroupAlias, $__interval…) are expanded by the peer (tests/bench/peer); dashboard
 * variables ($mode, $tool, $model, $worker, $job) by the bench, as Grafana's SQL datasources do (multi-value: quoted,
 * comma-separated). A user writes one query where the product's panel has one target per series (percentiles, input
 * and output tokens), so a peer panel may have fewer targets. Panels running raw SQL send the same statement.
 */

/** One query of a peer panel: what the PostgreSQL datasource's editor holds. */
export interface PeerTarget {
  refId: string;
  rawSql: string;
  format: 'time_series' | 'table';
}

/** How the peer answers a panel or an alert rule. */
export type PeerPanel =
  /** Its own SQL. `note` says where it answers differently from ours. */
  | { targets: PeerTarget[]; note?: string }
  /** The panel's own raw SQL, unchanged (the product's SQL panels). */
  | { sameSql: true }
  /** Nothing in plain SQL gives this panel: the peer's dashboard has no such panel. */
  | { none: string };

const series = (rawSql: string, refId = 'A'): PeerTarget => ({ refId, rawSql, format: 'time_series' });
const table = (rawSql: string, refId = 'A'): PeerTarget => ({ refId, rawSql, format: 'table' });
const one = (target: PeerTarget, note?: string): PeerPanel => ({ targets: [target], note });

const MODE = ' AND mode IN ($mode)';
const WORKER = ' AND worker_id IN ($worker)';
const TOOL = `${MODE} AND name IN ($tool)`;
const MODEL = `${MODE} AND name IN ($model)`;
const FINISHED = `'job.completed', 'job.failed'`;
const TOKENS = 'coalesce(tokens_in, 0) + coalesce(tokens_out, 0)';
const p = (fraction: number, value: string) => `percentile_cont(${fraction}) WITHIN GROUP (ORDER BY ${value})`;
const ERROR_SHARE = `avg((status = 'error')::int)`;

/** Buckets of ledger events of `kinds`: `value` per bucket (and per `label`, an expression with its alias). */
function eventSeries(value: string, kinds: string, where: string, label?: string): string {
  return [
    `SELECT $__timeGroupAlias(occurred_at, $__interval)${label ? `, ${label}` : ''}, ${value}`,
    'FROM ledger_events',
    `WHERE kind IN (${kinds}) AND $__timeFilter(occurred_at)${where}`,
    `GROUP BY 1${label ? ', 2' : ''}`,
    'ORDER BY 1',
  ].join('\n');
}

/** One value over the whole range (per `label`), for stat, gauge and bar panels and alert rules. */
function eventTotal(value: string, kinds: string, where: string, label?: string): string {
  return [
    `SELECT ${label ? `${label}, ` : ''}${value}`,
    'FROM ledger_events',
    `WHERE kind IN (${kinds}) AND $__timeFilter(occurred_at)${where}`,
    ...(label ? ['GROUP BY 1', 'ORDER BY 1'] : []),
  ].join('\n');
}

/**
 * Queued jobs at the end of each bucket from the jobs table: those queued at the window's start, then +1 at each
 * creation and −1 at each (latest) claim in the window, summed over time. A requeued job counts as queued from its
 * creation to its latest claim, which ours replays exactly.
 */
function queueDepthSeries(where: string): string {
  return `SELECT "time",
  (SELECT count(*) FROM jobs WHERE created_at < $__timeFrom() AND (claimed_at IS NULL OR claimed_at >= $__timeFrom())${where})
  + sum(delta) OVER (ORDER BY "time") AS queued
FROM (
  SELECT $__timeGroupAlias(at, $__interval), sum(delta) AS delta
  FROM (
    SELECT created_at AS at, 1 AS delta FROM jobs WHERE $__timeFilter(created_at)${where}
    UNION ALL
    SELECT claimed_at, -1 FROM jobs WHERE $__timeFilter(claimed_at)${where}
  ) changes
  GROUP BY 1
) buckets
ORDER BY 1`;
}

const BUDGET_DAYS = `(extract(epoch FROM $__timeTo()::timestamptz - $__timeFrom()::timestamptz) / 86400)`;

/** The peer's panels: dashboard file → panel title → answer. `budgets` are the datasource's daily budgets. */
export function peerPanels(budgets: { tokens: number; costUsd: number }): Record<string, Record<string, PeerPanel>> {
  return {
    'health.json': {
      'Workers alive': one(
        table(
          `SELECT count(*) AS alive FROM workers WHERE last_heartbeat_at >= $__timeTo()::timestamptz - interval '1 minute'`
        )
      ),
      'Heartbeat age by worker': one(
        table(`SELECT worker_id AS worker, extract(epoch FROM $__timeTo()::timestamptz - last_heartbeat_at) AS age_s
FROM workers
WHERE last_heartbeat_at >= $__timeTo()::timestamptz - interval '24 hours'${WORKER}
ORDER BY 1`)
      ),
      'Heartbeat age over time': one(
        series(`SELECT $__timeGroupAlias(occurred_at, $__interval), worker_id AS worker,
  $__timeGroup(occurred_at, $__interval) + $__interval_ms / 1000.0 - max(extract(epoch FROM occurred_at)) AS age_s
FROM ledger_events
WHERE kind = 'worker.heartbeat' AND $__timeFilter(occurred_at)${WORKER}
GROUP BY 1, 2
ORDER BY 1`),
        'age at the end of buckets with a heartbeat only (ours also ages silent workers)'
      ),
      'Workers alive over time': one(
        series(eventSeries('count(DISTINCT worker_id) AS alive', `'worker.heartbeat'`, ''))
      ),
      'Jobs processed per worker': one(table(eventTotal('count(*) AS jobs', FINISHED, WORKER, 'worker_id AS worker'))),
      'Database latency (p99)': { none: "the plugin's own probe round trips; no SQL measures them" },
      'Ingest lag': one(
        table(`SELECT extract(epoch FROM now() - recorded_at) AS lag_s FROM ledger_events ORDER BY seq DESC LIMIT 1`)
      ),
      'Ledger entries (24 h)': one(
        table(`SELECT count(*) AS entries FROM ledger_events WHERE occurred_at >= now() - interval '24 hours'`)
      ),
      'Ledger storage': one(
        table(
          `SELECT pg_total_relation_size('ledger_events') + pg_total_relation_size('jobs') + pg_total_relation_size('workers') AS bytes`
        )
      ),
      'Ingest delay (p95)': one(
        series(`SELECT $__timeGroupAlias(occurred_at, $__interval), ${p(0.95, 'extract(epoch FROM recorded_at - occurred_at) * 1000')} AS p95
FROM ledger_events
WHERE $__timeFilter(occurred_at)
GROUP BY 1
ORDER BY 1`)
      ),
      'Errors per minute by type': one(
        series(eventSeries('count(*) AS errors', `'error'`, WORKER, 'name AS error_type'))
      ),
      'Job failure rate': one(series(eventSeries(`avg((kind = 'job.failed')::int) AS failure_rate`, FINISHED, WORKER))),
      'Escalations per hour': one(series(eventSeries('count(*) AS escalations', `'escalation'`, WORKER))),
      'Queue depth': one(series(queueDepthSeries('')), 'requeues not replayed'),
      'Recent errors': one(
        table(`SELECT occurred_at AS "time", kind, job_id, worker_id, mode, name, status, payload
FROM ledger_events
WHERE kind IN ('error', 'job.failed') AND $__timeFilter(occurred_at)${WORKER}
ORDER BY occurred_at DESC
LIMIT 200`)
      ),
    },
    'jobs-overview.json': {
      Queued: one(table(`SELECT count(*) AS queued FROM jobs WHERE status = 'queued'${MODE}`)),
      Running: one(table(`SELECT count(*) AS running FROM jobs WHERE status = 'running'${MODE}`)),
      Completed: one(table(eventTotal('count(*) AS completed', `'job.completed'`, MODE))),
      Failed: one(table(eventTotal('count(*) AS failed', `'job.failed'`, MODE))),
      'Success rate': one(table(eventTotal(`avg((kind = 'job.completed')::int) AS success_rate`, FINISHED, MODE))),
      'Jobs completed by mode': one(series(eventSeries('count(*) AS completed', `'job.completed'`, MODE, 'mode'))),
      'Jobs created, claimed and failed': {
        targets: [
          series(eventSeries('count(*) AS created', `'job.created'`, MODE), 'A'),
          series(eventSeries('count(*) AS claimed', `'job.claimed'`, MODE), 'B'),
          series(eventSeries('count(*) AS failed', `'job.failed'`, MODE), 'C'),
        ],
      },
      'Failure rate by mode': one(
        series(eventSeries(`avg((kind = 'job.failed')::int) AS failure_rate`, FINISHED, MODE, 'mode'))
      ),
      'Queue depth': one(series(queueDepthSeries(MODE)), 'requeues not replayed'),
      'Time in queue (p95) by mode': one(
        series(`SELECT $__timeGroupAlias(claimed_at, $__interval), mode, ${p(0.95, 'extract(epoch FROM claimed_at - created_at) * 1000')} AS p95
FROM jobs
WHERE $__timeFilter(claimed_at) AND claimed_at >= created_at${MODE}
GROUP BY 1, 2
ORDER BY 1`)
      ),
      'Failures by error type': one(
        table(eventTotal('count(*) AS failed', `'job.failed'`, MODE, 'name AS error_type'))
      ),
      'Recent failed jobs': { sameSql: true },
      'Failures, requeues and escalations': one(
        table(`SELECT occurred_at AS "time", kind, job_id, worker_id, mode, name, status, payload
FROM ledger_events
WHERE kind IN ('job.failed', 'job.requeued', 'escalation', 'budget.exceeded') AND $__timeFilter(occurred_at)${MODE}
ORDER BY occurred_at DESC
LIMIT 200`)
      ),
      'Slowest jobs': one(
        table(`SELECT id AS job_id, status, mode, agent, worker_id, created_at, finished_at, duration_ms, attempts, tokens_used, cost_usd
FROM jobs
WHERE status IN ('completed', 'failed') AND $__timeFilter(finished_at)${MODE}
ORDER BY duration_ms DESC NULLS LAST
LIMIT 20`)
      ),
    },
    'performance.json': {
      'Job duration percentiles': one(
        series(
          eventSeries(
            `${p(0.5, 'duration_ms')} AS p50, ${p(0.95, 'duration_ms')} AS p95, ${p(0.99, 'duration_ms')} AS p99`,
            FINISHED,
            MODE
          )
        ),
        'one query for the three percentiles'
      ),
      'Job duration histogram': { sameSql: true },
      'Job duration p95 by mode': one(series(eventSeries(`${p(0.95, 'duration_ms')} AS p95`, FINISHED, MODE, 'mode'))),
      'Agent loop duration (p95) by mode': one(
        series(eventSeries(`${p(0.95, 'duration_ms')} AS p95`, `'agent.loop'`, MODE, 'mode'))
      ),
      'Tool latency p99 by tool': one(
        series(eventSeries(`${p(0.99, 'duration_ms')} AS p99`, `'tool.call'`, TOOL, 'name AS tool'))
      ),
      'Tool latency p95 (time range)': one(
        table(eventTotal(`${p(0.95, 'duration_ms')} AS p95`, `'tool.call'`, TOOL, 'name AS tool'))
      ),
      'Tool error rate': one(table(eventTotal(`${ERROR_SHARE} AS error_rate`, `'tool.call'`, TOOL, 'name AS tool'))),
      'Tool calls per second by tool': one(
        series(eventSeries('count(*) / ($__interval_ms / 1000.0) AS calls_per_s', `'tool.call'`, TOOL, 'name AS tool'))
      ),
      'LLM response time p95 by model': one(
        series(eventSeries(`${p(0.95, 'duration_ms')} AS p95`, `'llm.call'`, MODEL, 'name AS model'))
      ),
      'LLM response time p50 by model (time range)': one(
        table(eventTotal(`${p(0.5, 'duration_ms')} AS p50`, `'llm.call'`, MODEL, 'name AS model'))
      ),
      'LLM error rate by model': one(
        series(eventSeries(`${ERROR_SHARE} AS error_rate`, `'llm.call'`, MODEL, 'name AS model'))
      ),
      'Trace of job $job': one(
        table(`SELECT occurred_at AS "time", kind, trace_id, span_id, parent_span_id, name, status, duration_ms, worker_id, agent
FROM ledger_events
WHERE job_id = '$job'
ORDER BY occurred_at`),
        "the job's events as a table: Grafana's SQL datasources cannot draw a trace"
      ),
      'Slowest jobs': { sameSql: true },
    },
    'resources.json': {
      'Token budget used': one(
        table(eventTotal(`sum(${TOKENS}) / (${budgets.tokens} * ${BUDGET_DAYS}) AS used`, `'llm.call'`, MODEL))
      ),
      'Cost budget used': one(
        table(
          eventTotal(`sum(coalesce(cost_usd, 0)) / (${budgets.costUsd} * ${BUDGET_DAYS}) AS used`, `'llm.call'`, MODEL)
        )
      ),
      'Jobs over their token cap': one(table(`SELECT count(*) AS jobs FROM jobs WHERE tokens_used > token_cap${MODE}`)),
      'Cost in the time range': one(table(eventTotal('sum(coalesce(cost_usd, 0)) AS cost_usd', `'llm.call'`, MODEL))),
      'Token usage by mode': one(series(eventSeries(`sum(${TOKENS}) AS tokens`, `'llm.call'`, MODEL, 'mode'))),
      'Input and output tokens': one(
        series(
          eventSeries(
            'sum(coalesce(tokens_in, 0)) AS tokens_in, sum(coalesce(tokens_out, 0)) AS tokens_out',
            `'llm.call'`,
            MODEL
          )
        ),
        'one query for both series'
      ),
      'Tokens per job (p95) by mode': one(
        series(`SELECT $__timeGroupAlias(finished_at, $__interval), mode, ${p(0.95, 'tokens_used')} AS p95
FROM jobs
WHERE status IN ('completed', 'failed') AND $__timeFilter(finished_at)${MODE}
GROUP BY 1, 2
ORDER BY 1`)
      ),
      'Jobs over budget': one(series(eventSeries('count(*) AS over_cap', `'budget.exceeded'`, MODE))),
      'Cost by model': one(
        series(eventSeries('sum(coalesce(cost_usd, 0)) AS cost_usd', `'llm.call'`, MODEL, 'name AS model'))
      ),
      'Cost by mode': one(table(eventTotal('sum(coalesce(cost_usd, 0)) AS cost_usd', `'llm.call'`, MODEL, 'mode'))),
      'Cost and tokens by model': { sameSql: true },
      'Biggest token spenders': { sameSql: true },
    },
  };
}

/** The peer's alert rules: rule uid → its queries (instants over each query's relative range, refIds as the rule's). */
export const PEER_RULES: Record<string, PeerPanel> = {
  'ledger-high-failure-rate': {
    targets: [
      table(eventTotal(`avg((kind = 'job.failed')::int) AS failure_rate`, FINISHED, '', 'mode'), 'A'),
      table(eventTotal('count(*) AS finished', FINISHED, '', 'mode'), 'B'),
    ],
  },
  'ledger-queue-backlog': one(table(`SELECT count(*) AS queued FROM jobs WHERE status = 'queued'`)),
  'ledger-token-spike': {
    targets: [
      table(eventTotal(`sum(${TOKENS}) AS tokens`, `'llm.call'`, ''), 'A'),
      table(eventTotal(`sum(${TOKENS}) AS tokens`, `'llm.call'`, ''), 'B'),
    ],
  },
  'ledger-worker-heartbeat-missing': one(
    table(`SELECT worker_id AS worker, extract(epoch FROM $__timeTo()::timestamptz - last_heartbeat_at) AS age_s
FROM workers
WHERE last_heartbeat_at >= $__timeTo()::timestamptz - interval '24 hours'`)
  ),
  'ledger-database-latency': { none: "the plugin's own probe round trips; no SQL measures them" },
  'ledger-slow-jobs': one(table(eventTotal(`${p(0.95, 'duration_ms')} AS p95`, FINISHED, '', 'mode'))),
  'ledger-slow-tools': one(table(eventTotal(`${p(0.99, 'duration_ms')} AS p99`, `'tool.call'`, '', 'name AS tool'))),
  'ledger-escalation-storm': one(table(eventTotal('count(*) AS escalations', `'escalation'`, ''))),
  'ledger-error-spike': one(table(eventTotal('count(*) AS errors', `'error'`, ''))),
  'ledger-tokens-over-budget': one(table(eventTotal('count(*) AS over_cap', `'budget.exceeded'`, '', 'mode'))),
};
