/**
 * Aggregates over ledger events (counts, sums, distributions, ratios, distinct counts, budget shares) and over the
 * jobs table (queue wait, tokens per job), bucketed for time series or over the whole window for instants.
 */
import type { Aggregation, Dimension } from '../../../contract/query';
import { QueryError } from '../../errors';
import type { LedgerSettings } from '../../settings/parseSettings';
import type { MetricsPlan } from '../plan';
import { Params, type Sql } from '../sql';
import { bucketSql, windowBounds } from '../timeBucketSql';
import { JOBS_DIMENSION_COLUMNS, type EventsSource, type JobsSource } from './definitions';
import { DIMENSION_COLUMNS } from './dimensions';
import { filtersSql } from './filtersSql';
import { percentileSql } from './percentileSql';
import { combinedValue, partsSql, rollupUse, type RollupUse } from './rollupSql';
import { filledSeriesSql, groupColumns, groupPositions, selectDims, type RowLayout } from './seriesSql';

const PERCENTILES: Partial<Record<Aggregation, number>> = { p50: 0.5, p95: 0.95, p99: 0.99 };

/**
 * The aggregate expression of `v`. `secondsOf` gives the window or bucket length in seconds as SQL; it is called only
 * when needed, because a parameter added but never referenced makes PostgreSQL reject the statement.
 */
function valueExpression(
  aggregation: Aggregation,
  source: EventsSource | JobsSource,
  secondsOf: () => string,
  budgetPerDay?: string
): string {
  if (source.type === 'events') {
    if (source.ratioOf) {
      return `(count(*) FILTER (WHERE ${source.ratioOf}))::float8 / nullif(count(*), 0)`;
    }
    if (source.perDistinct) {
      return `count(*)::float8 / nullif(count(DISTINCT ${source.perDistinct}), 0)`;
    }
    if (source.distinct) {
      return `count(DISTINCT ${source.distinct})::float8`;
    }
    if (source.budget && budgetPerDay) {
      return `coalesce(sum(${source.value}), 0)::float8 / (${budgetPerDay} * ${secondsOf()} / 86400.0)`;
    }
  }
  const value = source.value;
  const percentile = PERCENTILES[aggregation];
  if (percentile !== undefined && value) {
    return `percentile_cont(${percentile}) WITHIN GROUP (ORDER BY ${value})`;
  }
  switch (aggregation) {
    case 'count':
      return value ? `count(${value})::float8` : 'count(*)::float8';
    case 'rate':
      return value ? `coalesce(sum(${value}), 0)::float8 / ${secondsOf()}` : `count(*)::float8 / ${secondsOf()}`;
    case 'sum':
      return `coalesce(sum(${value ?? '1'}), 0)::float8`;
    case 'avg':
      return `avg(${value ?? '1'})::float8`;
    case 'min':
      return `min(${value ?? '1'})::float8`;
    case 'max':
      return `max(${value ?? '1'})::float8`;
    default:
      throw QueryError.internal(`[plugin] aggregation ${aggregation} is not defined for this metric`);
  }
}

/** Counts and sums fill empty buckets with 0; everything else leaves a gap. */
function fillOf(aggregation: Aggregation, source: EventsSource | JobsSource): 'zero' | 'null' {
  const ratio = source.type === 'events' && (source.ratioOf || source.perDistinct);
  return !ratio && (aggregation === 'count' || aggregation === 'rate' || aggregation === 'sum') ? 'zero' : 'null';
}

function budgetPerDay(source: EventsSource, settings: LedgerSettings, params: Params): string | undefined {
  if (!source.budget) {
    return undefined;
  }
  const daily = source.budget === 'tokens' ? settings.tokenBudgetDaily : settings.costBudgetDailyUsd;
  if (!daily) {
    const field = source.budget === 'tokens' ? 'Daily token budget' : 'Daily cost budget';
    throw QueryError.badQuery(`[config] no budget to compare with — set "${field}" in the datasource settings`);
  }
  return params.add(daily, 'float8');
}

/** An events metric from the rollups plus raw rows at the window's edges (rollupSql.ts). */
function rolledUpSql(
  plan: MetricsPlan,
  source: EventsSource,
  layout: RowLayout,
  settings: LedgerSettings,
  use: RollupUse
): Sql {
  const params = new Params();
  const columnOf = (d: Dimension) => source.dimensions?.[d] ?? `e.${DIMENSION_COLUMNS[d]}`;
  const dims = groupColumns(plan, columnOf);
  const bounds = windowBounds(plan.window, params);
  const kindCondition = source.kinds.length > 0 ? `e.kind = ANY(${params.add([...source.kinds], 'text[]')})` : '';
  const filters = filtersSql(plan.filters, params, columnOf);
  const daily = budgetPerDay(source, settings, params);
  const context = { use, source, kindCondition, filters, dims, params, bounds };
  const keys = dims.map((d) => `p.${d.alias}`);
  if (layout === 'instant') {
    const seconds = () => params.add((plan.window.toMs - plan.window.fromMs) / 1000, 'float8');
    const value = combinedValue(plan.aggregation, source, seconds, daily);
    const group = dims.length > 0 ? ` GROUP BY ${dims.map((_, i) => i + 1).join(', ')}` : '';
    return {
      text: `SELECT ${keys.map((k) => `${k}, `).join('')}${value} AS v FROM (\n  ${partsSql(context)}\n) p${group}`,
      values: params.values,
    };
  }
  const buckets = bucketSql(plan.window, params);
  const value = combinedValue(plan.aggregation, source, () => `extract(epoch FROM ${buckets.width})`, daily);
  const aggregate = `  SELECT p.t${keys.map((k) => `, ${k}`).join('')}, ${value} AS v
  FROM (
  ${partsSql({ ...context, buckets })}
  ) p
  GROUP BY 1${groupPositions(dims)}`;
  return { text: filledSeriesSql(aggregate, dims, buckets, fillOf(plan.aggregation, source)), values: params.values };
}

/** Builds the statement for an events- or jobs-based metric. */
export function aggregateSql(
  plan: MetricsPlan,
  source: EventsSource | JobsSource,
  layout: RowLayout,
  settings: LedgerSettings
): Sql {
  if (source.type === 'events') {
    // The cheapest exact source first: percentiles over long windows, then the rollups, then raw rows.
    const percentile = percentileSql(plan, source, layout);
    if (percentile) {
      return percentile;
    }
    const use = rollupUse(plan, source, layout, source.budget !== undefined);
    if (use) {
      return rolledUpSql(plan, source, layout, settings, use);
    }
  }
  const params = new Params();
  const isEvents = source.type === 'events';
  const columnOf = isEvents
    ? (d: Dimension) => source.dimensions?.[d] ?? `e.${DIMENSION_COLUMNS[d]}`
    : (d: Dimension) => {
        const column = JOBS_DIMENSION_COLUMNS[d];
        if (!column) {
          throw QueryError.badQuery(`[query] ${plan.metric.id} cannot use the dimension "${d}"`);
        }
        return column;
      };
  const dims = groupColumns(plan, columnOf);
  const bounds = windowBounds(plan.window, params);
  const time = isEvents ? 'e.occurred_at' : `j.${source.time}`;
  const conditions = [`${time} >= ${bounds.from}`, `${time} < ${bounds.to}`];
  if (isEvents && source.kinds.length > 0) {
    conditions.unshift(`e.kind = ANY(${params.add([...source.kinds], 'text[]')})`);
  }
  if (source.where) {
    conditions.push(source.where);
  }
  const where = conditions.join(' AND ') + filtersSql(plan.filters, params, columnOf);
  const table = isEvents ? 'ledger_events e' : 'jobs j';
  const daily = isEvents ? budgetPerDay(source, settings, params) : undefined;

  if (layout === 'instant') {
    const seconds = () => params.add((plan.window.toMs - plan.window.fromMs) / 1000, 'float8');
    const value = valueExpression(plan.aggregation, source, seconds, daily);
    const select = dims.map((d) => `${d.expr} AS ${d.alias}, `).join('');
    const group = dims.length > 0 ? ` GROUP BY ${dims.map((_, i) => i + 1).join(', ')}` : '';
    return { text: `SELECT ${select}${value} AS v FROM ${table} WHERE ${where}${group}`, values: params.values };
  }

  const buckets = bucketSql(plan.window, params);
  const value = valueExpression(plan.aggregation, source, () => `extract(epoch FROM ${buckets.width})`, daily);
  const aggregate = `  SELECT ${buckets.bucketOf(time)} AS t${selectDims(dims)}, ${value} AS v
  FROM ${table}
  WHERE ${where}
  GROUP BY 1${groupPositions(dims)}`;
  return { text: filledSeriesSql(aggregate, dims, buckets, fillOf(plan.aggregation, source)), values: params.values };
}
