/**
 * "Now" metrics: state tables and database facts that have no history (jobs by status, jobs over their token cap,
 * ledger size, ingest lag), plus the ledger's entry counts. Their rows use the instant layout.
 */
import type { Dimension } from '../../../contract/query';
import { QueryError } from '../../errors';
import type { MetricsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { windowBounds } from '../timeBucketSql';
import { JOBS_DIMENSION_COLUMNS } from './definitions';
import { filtersSql } from './filtersSql';
import { HOUR_MS } from './hours';
import { groupColumns } from './seriesSql';

/** The ledger's tables (what "ledger storage" measures). */
export const LEDGER_TABLES = ['ledger_events', 'jobs', 'workers', 'ledger_schema_migrations'] as const;

function jobsColumn(plan: MetricsPlan) {
  return (d: Dimension) => {
    const column = JOBS_DIMENSION_COLUMNS[d];
    if (!column) {
      throw QueryError.badQuery(`[query] ${plan.metric.id} cannot use the dimension "${d}"`);
    }
    return column;
  };
}

function jobsCount(plan: MetricsPlan, condition: string): Sql {
  const params = new Params();
  const columnOf = jobsColumn(plan);
  const dims = groupColumns(plan, columnOf);
  const select = dims.map((d) => `${d.expr} AS ${d.alias}, `).join('');
  const group =
    dims.length > 0
      ? ` GROUP BY ${dims.map((_, i) => i + 1).join(', ')} ORDER BY ${dims.map((_, i) => i + 1).join(', ')}`
      : '';
  return {
    text: `SELECT ${select}count(*)::float8 AS v FROM jobs j WHERE ${condition}${filtersSql(plan.filters, params, columnOf)}${group}`,
    values: params.values,
  };
}

/** jobs.by_status: current jobs per status (and other dimensions). */
export function jobsByStatusSql(plan: MetricsPlan): Sql {
  return jobsCount(plan, 'true');
}

/** jobs.over_token_cap: jobs whose tokens_used is above their token_cap. */
export function overTokenCapSql(plan: MetricsPlan): Sql {
  return jobsCount(plan, 'j.token_cap IS NOT NULL AND j.tokens_used > j.token_cap');
}

/**
 * ledger.entries as an instant (all entries before the window's end) or ledger.entries_24h (the day before now).
 * Whole hours are summed from the hourly rollup, the partial hours at the ends counted from raw rows: counting
 * 10 million rows took a second, the rollup has ~100 rows per hour.
 */
export function entriesSql(plan: MetricsPlan, last24h: boolean): Sql {
  const params = new Params();
  const dims = groupColumns(plan, () => 'e.kind'); // kind is the only dimension of the entry counts
  const filters = filtersSql(plan.filters, params);
  const hour = (t: string) => `date_bin('1 hour', ${t}, TIMESTAMPTZ '2001-01-01 00:00:00+00')`;
  let ranges: { raw: string[]; rollup: string };
  if (last24h) {
    const first = `(${hour("now() - interval '24 hours'")} + interval '1 hour')`;
    ranges = {
      raw: [
        `e.occurred_at >= now() - interval '24 hours' AND e.occurred_at < ${first}`,
        `e.occurred_at >= greatest(${first}, ${hour('now()')}) AND e.occurred_at < now()`,
      ],
      rollup: `e.bucket >= ${first} AND e.bucket < ${hour('now()')}`,
    };
  } else {
    const to = windowBounds(plan.window, params).to;
    const lastHour = params.add(
      new Date(Math.floor(plan.window.toMs / HOUR_MS) * HOUR_MS).toISOString(),
      'timestamptz'
    );
    ranges = { raw: [`e.occurred_at >= ${lastHour} AND e.occurred_at < ${to}`], rollup: `e.bucket < ${lastHour}` };
  }
  const select = dims.map((d) => `${d.expr} AS ${d.alias}, `).join('');
  const group = dims.length > 0 ? ' GROUP BY 1' : '';
  const parts = [
    ...ranges.raw.map((range) => `SELECT ${select}count(*) AS n FROM ledger_events e WHERE ${range}${filters}${group}`),
    `SELECT ${select}sum(e.events) AS n FROM ledger_rollup_hourly e WHERE ${ranges.rollup}${filters}${group}`,
  ];
  const keys = dims.map((d) => `${d.alias}, `).join('');
  return {
    text: `SELECT ${keys}coalesce(sum(n), 0)::float8 AS v FROM (${parts.map((p) => `(${p})`).join(' UNION ALL ')}) x${group}${group ? ' ORDER BY 1' : ''}`,
    values: params.values,
  };
}

/** ledger.storage_bytes: tables plus indexes and TOAST. */
export function storageSql(): Sql {
  const params = new Params();
  const tables = params.add([...LEDGER_TABLES], 'text[]');
  return {
    text: `SELECT coalesce(sum(pg_total_relation_size(to_regclass(t))), 0)::float8 AS v FROM unnest(${tables}) AS t WHERE to_regclass(t) IS NOT NULL`,
    values: params.values,
  };
}

/**
 * ledger.ingest_lag_s: seconds since the newest recorded event (no row on an empty ledger). The newest row is found
 * through the seq primary key: recorded_at has no index, and seq grows with insertion.
 */
export function ingestLagSql(): Sql {
  return {
    text: 'SELECT extract(epoch FROM now() - recorded_at)::float8 AS v FROM ledger_events ORDER BY seq DESC LIMIT 1',
    values: [],
  };
}
