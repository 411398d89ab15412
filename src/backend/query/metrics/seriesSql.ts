/**
 * Shared shapes of metric statements. Every builder produces rows in one of two layouts that metricFrames reads:
 * - series: `t` (bucket start), `d0…dn` (group-by values as text), `v` — ordered by series, then time;
 * - instant: `d0…dn`, `v` — one row per series.
 */
import type { Dimension } from '../../../contract/query';
import type { MetricsPlan } from '../plan';
import type { BucketSql } from '../timeBucketSql';

/** Row layout of a metric statement. */
export type RowLayout = 'series' | 'instant';

/** A group-by dimension resolved to an SQL expression and its output alias. */
export interface GroupColumn {
  dimension: Dimension;
  expr: string;
  alias: string;
}

/** Resolves the plan's group-by dimensions with a column mapping. */
export function groupColumns(plan: MetricsPlan, columnOf: (dimension: Dimension) => string): GroupColumn[] {
  return plan.groupBy.map((dimension, i) => ({ dimension, expr: `${columnOf(dimension)}::text`, alias: `d${i}` }));
}

/** `, expr AS d0, expr AS d1` */
export function selectDims(dims: readonly GroupColumn[]): string {
  return dims.map((d) => `, ${d.expr} AS ${d.alias}`).join('');
}

/** `, 2, 3` — GROUP BY positions after a leading column. */
export function groupPositions(dims: readonly GroupColumn[], first = 2): string {
  return dims.map((_, i) => `, ${i + first}`).join('');
}

/**
 * Wraps an aggregate (`SELECT t, d…, v … GROUP BY …`) so every bucket of the window appears for every series that has
 * data anywhere in it: missing buckets are 0 for counts and sums, NULL (a gap) for averages, percentiles and ratios.
 * With no group-by the single series always appears.
 */
export function filledSeriesSql(
  aggregate: string,
  dims: readonly GroupColumn[],
  buckets: BucketSql,
  fill: 'zero' | 'null'
): string {
  const keys = dims.map((d) => d.alias).join(', ');
  const series = dims.length > 0 ? `SELECT DISTINCT ${keys} FROM agg` : 'SELECT 1 AS one';
  const join = ['agg.t = grid.t', ...dims.map((d) => `agg.${d.alias} IS NOT DISTINCT FROM series.${d.alias}`)].join(
    ' AND '
  );
  const order = [...dims.map((d) => `series.${d.alias}`), 'grid.t'].join(', ');
  const value = fill === 'zero' ? 'coalesce(agg.v, 0)' : 'agg.v';
  return `WITH agg AS (
${aggregate}
), series AS (${series})
SELECT grid.t${dims.map((d) => `, series.${d.alias}`).join('')}, ${value}::float8 AS v
FROM ${buckets.grid} CROSS JOIN series LEFT JOIN agg ON ${join}
ORDER BY ${order}`;
}
