/**
 * Jobs plan → SQL over the `jobs` state table: one row per job, never the ledger. The time range picks jobs by the
 * plan's `jobWindow` (half-open, `from <= t < to`): `finished` reads the `(finished_at)` index, `created` the
 * `(created_at)` index (migration 0020); `active` (created before the end, not finished before the start) a
 * BitmapOr of `(finished_at)` and `(status, mode)`. Empty values sort last in both directions, ties by job id, so pages are stable. One row more than
 * the limit is fetched so the frame can say when the limit cut the list.
 */
import type { ComparisonOperator, Dimension } from '../../../contract/query';
import { QueryError } from '../../errors';
import { filtersSql } from '../metrics/filtersSql';
import type { JobsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { windowBounds } from '../timeBucketSql';
import { JOB_DIMENSION_COLUMNS, JOB_NUMBER_SQL, JOB_SORT_SQL } from './jobColumns';

/** The listing's columns; numbers as float8, times as epoch ms. */
const SELECT_SQL = `j.id, j.status, j.mode, j.agent, j.worker_id, j.error_type, j.trace_id,
  floor(extract(epoch FROM j.created_at) * 1000)::float8 AS created_ms,
  floor(extract(epoch FROM j.claimed_at) * 1000)::float8 AS claimed_ms,
  floor(extract(epoch FROM j.finished_at) * 1000)::float8 AS finished_ms,
  ${Object.entries(JOB_NUMBER_SQL)
    .map(([name, expr]) => `${expr} AS ${name}`)
    .join(', ')}`;

// A fixed map, so an operator can only ever be one of these five.
const OPERATOR_SQL: Readonly<Record<ComparisonOperator, string>> = {
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  '=': '=',
};

function windowSql(plan: JobsPlan, params: Params): string {
  const { from, to } = windowBounds(plan.window, params);
  switch (plan.jobWindow) {
    case 'finished':
      return `j.finished_at >= ${from} AND j.finished_at < ${to}`;
    case 'created':
      return `j.created_at >= ${from} AND j.created_at < ${to}`;
    case 'active':
      // A finished job that was requeued keeps its old finished_at while it waits or runs again: its status says so.
      return `j.created_at < ${to} AND (j.finished_at >= ${from} OR j.finished_at IS NULL OR j.status IN ('queued', 'running'))`;
  }
}

/** Builds the statement of a jobs listing. */
export function jobsSql(plan: JobsPlan): Sql {
  const params = new Params();
  const columnOf = (dimension: Dimension) => {
    const column = (JOB_DIMENSION_COLUMNS as Partial<Record<Dimension, string>>)[dimension];
    if (!column) {
      throw QueryError.internal(`[plugin] jobs have no dimension "${dimension}" (planJobs lets none through)`);
    }
    return column;
  };
  const conditions = plan.conditions
    .map((c) => ` AND ${JOB_NUMBER_SQL[c.field]} ${OPERATOR_SQL[c.operator]} ${params.add(c.value, 'float8')}`)
    .join('');
  const direction = plan.sortDesc ? 'DESC' : 'ASC';
  // An index read backwards gives DESC NULLS FIRST: where the sort column cannot be empty, PostgreSQL's default
  // NULLS order lets the (created_at) / (finished_at) index serve the order, and the limit stops the scan early.
  // Not with numeric conditions: PostgreSQL cannot estimate how few jobs match an expression, walks the whole index
  // hoping to meet the limit soon, and a rare condition costs 0.5 s where a bitmap scan and a sort take 25 ms.
  const indexOrder =
    plan.conditions.length === 0 &&
    (plan.sortBy === 'created' || (plan.sortBy === 'finished' && plan.jobWindow === 'finished'));
  const text = `SELECT ${SELECT_SQL}
FROM jobs j
WHERE ${windowSql(plan, params)}${filtersSql(plan.filters, params, columnOf)}${conditions}
ORDER BY ${JOB_SORT_SQL[plan.sortBy]} ${direction}${indexOrder ? '' : ' NULLS LAST'}, j.id ${direction}
LIMIT ${params.add(plan.limit + 1, 'int8')}`;
  return { text, values: params.values };
}
