/**
 * docs/metrics.md, generated from the catalog and the metric sources so it cannot drift from the code
 * (`npm run gen:docs` writes it; a test fails when it is stale).
 */
import { METRIC_AREAS, METRICS, type MetricDescriptor } from '../../../contract/metrics';
import { METRIC_SOURCES, type MetricSource } from './definitions';

const SPECIAL: Record<string, string> = {
  queueDepth:
    "jobs whose status at the instant is `queued`: the jobs table's status if it last changed before the instant, else the status of the job's latest lifecycle event before it; per bucket: that count at the window start plus, for each lifecycle event up to the bucket end, [its status = queued] − [the job's previous status = queued]",
  running:
    'as queue.depth, for status `running` (a job seen only through non-lifecycle events counts as running, as in the jobs table)',
  jobsByStatus: '`count(*) FROM jobs GROUP BY status …`',
  overTokenCap: '`count(*) FROM jobs WHERE tokens_used > token_cap`',
  workersAlive:
    'distinct `worker_id` of `worker.heartbeat` events in the minute before the instant (per bucket: in the last max(bucket, 1 min))',
  heartbeatAge:
    'per worker: instant (or bucket end) − latest `worker.heartbeat` before it; workers silent for over 24 h are left out',
  entries: 'per bucket: `count(*)` of all events; instant: `count(*)` of events before the window end',
  entries24h: "`count(*) WHERE occurred_at >= now() - interval '24 hours'`",
  storage: '`pg_total_relation_size` of ledger_events, jobs, workers and the migrations table',
  ingestLag: '`now() − recorded_at` of the newest event (highest `seq`)',
  databaseLatency: 'round trip of five `SELECT 1` probes on a pooled connection, reduced by the aggregation',
  snapshot:
    'one row: counts, rates, percentiles, tokens and cost over the window (FILTER clauses over one scan) plus queue, running and alive workers now',
};

function sqlIdea(source: MetricSource): string {
  if (source.type === 'events') {
    const kinds = source.kinds.length > 0 ? `kind IN (${source.kinds.map((k) => `'${k}'`).join(', ')})` : 'every kind';
    if (source.ratioOf) {
      return `ledger_events where ${kinds}: \`count(*) FILTER (WHERE ${source.ratioOf.replace(/e\./g, '')}) / count(*)\``;
    }
    if (source.perDistinct) {
      return `ledger_events where ${kinds}: \`count(*) / count(DISTINCT ${source.perDistinct.replace(/e\./g, '')})\``;
    }
    if (source.distinct) {
      return `ledger_events where ${kinds}: \`count(DISTINCT ${source.distinct.replace(/e\./g, '')})\``;
    }
    if (source.budget) {
      return `ledger_events where ${kinds}: \`sum(${source.value?.replace(/e\./g, '')})\` ÷ (daily ${source.budget} budget × days in the bucket)`;
    }
    if (source.value) {
      return `ledger_events where ${kinds}: the aggregation of \`${source.value.replace(/e\./g, '')}\` (percentiles: \`percentile_cont\`)`;
    }
    return `ledger_events where ${kinds}: \`count(*)\` (rate: ÷ bucket seconds)`;
  }
  if (source.type === 'jobs') {
    return `jobs bucketed by \`${source.time}\`${source.where ? ` where \`${source.where.replace(/j\./g, '')}\`` : ''}: the aggregation of \`${source.value.replace(/j\./g, '')}\``;
  }
  return SPECIAL[source.type] ?? source.type;
}

function row(metric: MetricDescriptor): string {
  const source = METRIC_SOURCES[metric.id];
  const cells = [
    `\`${metric.id}\``,
    metric.title,
    metric.unit,
    metric.description,
    metric.aggregations.join(', '),
    metric.dimensions.join(', ') || '—',
    metric.formats.join(', '),
    source ? sqlIdea(source) : '(missing)',
  ];
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** The full text of docs/metrics.md. */
export function metricsMarkdown(): string {
  const sections = METRIC_AREAS.map((area) => {
    const rows = METRICS.filter((m) => m.area === area).map(row);
    return [
      `## ${area}`,
      '',
      '| id | title | unit | meaning | aggregations | dimensions | formats | SQL idea |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
  });
  return `# Metrics catalog

Generated from \`src/contract/metrics.ts\` and \`src/backend/query/metrics/definitions.ts\` by \`npm run gen:docs\`;
a test fails when this file is stale. Every metric is a \`metrics\` query: pick the metric, an aggregation, group-by
dimensions and filters (=, !=, =~, !~, in, not in), and a format:

- **timeseries** — data-plane \`timeseries-multi\`: one frame per series, labels on the value field. Buckets follow
  the panel interval (snapped up to a step of Grafana's interval ladder, 1 s … 30 d, at most 5,000 per series; see
  "Buckets and time zones" below). Counts and sums fill empty buckets with 0; averages, percentiles and ratios leave
  a gap.
- **instant** — data-plane \`numeric-multi\`: one value per series over the whole time range; what alert rules and
  stat panels want. Label sets are unique per series.
- **table** — one frame: time, one column per dimension, value (long format); "now" metrics give one row per series.

**Buckets and time zones.** Every series has strictly ascending times, one per bucket, with no gap:
- a bucket **shorter than a day** (1 s … 12 h) is an interval of exactly that width on the time line. Buckets start
  at 2001-01-01 00:00 on the dashboard zone's wall clock as its UTC offset stands at the window's start, plus whole
  widths: hour buckets start at local :00 in Kathmandu (+05:45) and St. John's (-03:30) as in Berlin. On a
  daylight-saving night nothing is repeated or merged: in Europe/Berlin the skipped spring hour has no bucket and the
  repeated autumn hour is two buckets (00:00Z and 01:00Z). Across an offset change inside the window, buckets of 2 h
  and more keep their length, so after the change they start an hour off the local multiple;
- a bucket of **a day or more** (1 d, 1 w, 30 d) is the local calendar: a day starts at local midnight (or where a
  day has none, at its first instant) and lasts 23, 24 or 25 hours; weeks start on Monday.
The zone is the dashboard's (\`timezone\` in the query; "browser" is resolved by the frontend; UTC when absent).
Raw SQL macros (\`$__timeGroup\`) bin in UTC, as in Grafana's PostgreSQL datasource.

Values are computed from \`ledger_events\` (time = \`occurred_at\`, half-open window \`[from, to)\`) or from the
\`jobs\` / \`workers\` state tables the ledger maintains. A NULL dimension value is labelled \`(none)\`.

Where the numbers come from (docs/ledger.md, "Scale"): the SQL ideas below are what is computed; the statement reads
the cheapest source that gives **the same answer**. Counts, rates, sums, averages, minima, maxima, ratios, budget
shares read the rollups: whole UTC hours from the hourly one, whole 5 minutes at the edges from the 5-minute one, and
raw rows for the under-5-minute remainders (a time series reads only a grain whose rows each fall in one bucket:
hourly rows for buckets of whole hours starting on an hour, 5-minute rows for any multiple of 5 minutes in any zone
whose offset is a multiple of 5 minutes, i.e. every real zone; 1- and 2-minute buckets read raw rows; dimensions
job, and worker except for heartbeats, always read raw rows). Percentiles are exact from raw rows for windows up to 48 h. Over longer windows, duration percentiles (job, LLM, tool, agent loop; grouped or filtered by
nothing but tool, model or finished status) come from rollups: p95/p99 **time series** with hourly-aligned buckets
exactly, from the 64 largest durations kept per hour; percentile **instants** **approximately**, from daily
logarithmic histograms, within 4.4% (one bin) of the exact value. Any other percentile is exact from raw rows.

State metrics (a value at an instant, not a count of events); "at t" means from the events that occurred before t,
and a time series reports each bucket at its end (the last bucket at the window's end):

- **job.running**, **queue.depth**: jobs whose status at t is \`running\` / \`queued\` by the jobs table's rule
  (docs/ledger.md, "jobs and workers state rules"): the status of the job's lifecycle event with the latest
  \`occurred_at\` before t, the stronger status winning ties; a job seen only through other events is running.
  Replayed per job, so a requeue moves a job to queued from whatever it was (failed after a failed attempt, running
  after a stale heartbeat) and a completion after a requeue leaves the queue. Grouped by the job's mode and agent;
  a label set with no job in the status at any point of the window has no series. As an instant ending now, it
  equals the jobs table.
- **workers.alive**: workers with a \`worker.heartbeat\` in [t − 1 min, t) (instant), or in the last
  max(bucket, 1 min) before each bucket's end.
- **worker.heartbeat_age_s**: per worker, t − its latest heartbeat before t (t = the instant, or each bucket's end
  but not later than now); workers with no heartbeat in the 24 h before the instant (series: from 24 h before the
  window's start to its end) are left out.

${sections.join('\n\n')}
`;
}
