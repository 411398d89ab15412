/**
 * The distinct values of one dimension within a time range, most frequent first: what template variables list and
 * what the query editor suggests. Dimensions stored in `name` (tool, model, error type, …) only count the kinds
 * whose `name` means that dimension, so `tool` never lists a model.
 */
import type { Dimension, Filter } from '../../../contract/query';
import { kindsNamedBy } from '../logs/eventRow';
import { escapeLike } from '../logs/logsSql';
import { DIMENSION_COLUMNS } from '../metrics/dimensions';
import { filtersSql } from '../metrics/filtersSql';
import { Params, type Sql } from '../sql';

/** Most values one request may return. */
export const MAX_DIMENSION_VALUES = 1000;

/** What to list. */
export interface DimensionValuesRequest {
  dimension: Dimension;
  fromMs: number;
  toMs: number;
  filters?: readonly Filter[];
  /** Case-insensitive substring the values must contain. */
  search?: string;
  limit: number;
}

/** Builds the statement: columns `value` (text) and `n` (events carrying it). */
export function dimensionValuesSql(request: DimensionValuesRequest): Sql {
  const params = new Params();
  const column = `e.${DIMENSION_COLUMNS[request.dimension]}`;
  const from = params.add(new Date(request.fromMs).toISOString(), 'timestamptz');
  const to = params.add(new Date(request.toMs).toISOString(), 'timestamptz');
  const kinds = kindsNamedBy(request.dimension);
  const kindCondition = kinds ? ` AND e.kind = ANY(${params.add(kinds, 'text[]')})` : '';
  const search = request.search ? ` AND ${column} ILIKE ${params.add(`%${escapeLike(request.search)}%`, 'text')}` : '';
  const filters = filtersSql(request.filters ?? [], params);
  const limit = params.add(Math.min(Math.max(1, Math.floor(request.limit)), MAX_DIMENSION_VALUES), 'int8');
  const text = `SELECT ${column} AS value, count(*) AS n
FROM ledger_events e
WHERE e.occurred_at >= ${from} AND e.occurred_at < ${to} AND ${column} IS NOT NULL${kindCondition}${filters}${search}
GROUP BY 1
ORDER BY n DESC, 1
LIMIT ${limit}`;
  return { text, values: params.values };
}
