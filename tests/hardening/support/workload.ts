/**
 * The mixed workload of the load suite and the soak run: QueryData calls of every query type a dashboard, Explore or
 * an alert rule sends, drawn with a seeded PRNG so a run is repeatable.
 */
import { createRandom, type Random } from '../../../src/ledger/simulator/rng';
import { dataQuery } from '../../support/grafanaRequests';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** One kind of request of the mix, with its share. */
interface Template {
  name: string;
  weight: number;
  build(random: Random, jobIds: readonly string[]): Record<string, unknown>;
}

const TEMPLATES: readonly Template[] = [
  {
    name: 'metrics.timeseries',
    weight: 30,
    build: (r) => ({
      queryType: 'metrics',
      metric: r.pick(['job.completed', 'llm.calls', 'tool.calls', 'tokens.used', 'error.total', 'job.failed']),
      groupBy: r.chance(0.5) ? ['mode'] : [],
      format: 'timeseries',
    }),
  },
  {
    name: 'metrics.percentile',
    weight: 10,
    build: (r) => ({
      queryType: 'metrics',
      metric: r.pick(['job.duration_ms', 'llm.latency_ms', 'tool.duration_ms']),
      aggregation: r.pick(['p50', 'p95', 'p99']),
      format: r.pick(['timeseries', 'instant']),
    }),
  },
  {
    name: 'metrics.alert',
    weight: 15,
    build: (r) => ({
      queryType: 'metrics',
      metric: r.pick(['job.failure_rate', 'queue.depth', 'workers.alive', 'worker.heartbeat_age_s', 'error.total']),
      format: 'instant',
    }),
  },
  {
    name: 'metrics.table',
    weight: 5,
    build: () => ({ queryType: 'metrics', metric: 'jobs.by_status', format: 'table' }),
  },
  {
    name: 'logs',
    weight: 15,
    build: (r) => ({
      queryType: 'logs',
      limit: r.pick([100, 500, 1000]),
      ...(r.chance(0.3) ? { search: r.pick(['error', 'read_file', 'genius', 'claude']) } : {}),
      ...(r.chance(0.3) ? { filters: [{ key: 'kind', operator: '=', value: 'tool.call' }] } : {}),
    }),
  },
  { name: 'traces', weight: 10, build: (r, jobs) => ({ queryType: 'traces', traceId: r.pick(jobs) }) },
  {
    name: 'sql',
    weight: 5,
    build: () => ({
      queryType: 'sql',
      sqlFormat: 'timeseries',
      rawSql:
        'SELECT $__timeGroupAlias(occurred_at, $__interval, 0), count(*) AS events FROM ledger_events WHERE $__timeFilter(occurred_at) GROUP BY 1 ORDER BY 1',
    }),
  },
  {
    name: 'variables',
    weight: 5,
    build: (r) => ({ queryType: 'variables', dimension: r.pick(['mode', 'worker', 'model']) }),
  },
  { name: 'annotations', weight: 5, build: () => ({ queryType: 'annotations' }) },
];

/** A QueryData request of the mix: its kind and the wire queries. */
export interface WorkloadCall {
  kind: string;
  queries: unknown[];
}

/** Builds `count` QueryData calls of the mix over the last `hours` hours. */
export function mixedCalls(count: number, jobIds: readonly string[], seed = 7, hours = 2): WorkloadCall[] {
  const random = createRandom(seed);
  const now = Date.now();
  const range = { from: now - hours * HOUR, to: now };
  return Array.from({ length: count }, (_, i) => {
    const template = random.weighted(TEMPLATES.map((t) => [t, t.weight] as const));
    return {
      kind: template.name,
      queries: [dataQuery(`Q${i}`, template.build(random, jobIds), range, MINUTE, 500)],
    };
  });
}

/** Live queries for the streams of the load suite: metric series and log tails. */
export function liveQueries(count: number): Array<Record<string, unknown>> {
  const metrics = ['job.completed', 'llm.calls', 'tool.calls', 'error.total', 'tokens.used', 'job.created'];
  return Array.from({ length: count }, (_, i) =>
    i % 4 === 3
      ? { queryType: 'logs', live: true, limit: 50, filters: [{ key: 'kind', operator: '=', value: 'error' }] }
      : { queryType: 'metrics', metric: metrics[i % metrics.length], groupBy: i % 2 ? ['mode'] : [], live: true }
  );
}
