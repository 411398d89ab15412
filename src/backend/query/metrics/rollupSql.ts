/**
 * Counts, sums, averages, minima, maxima, ratios and budget shares over ledger events, computed exactly from the
 * rollups (ledger_rollup_hourly and ledger_rollup_5min, migrations 0014 and 0022): whole hours from the hourly one,
 * whole 5 minutes at the edges from the finer one, and raw rows for what is left (under 5 minutes at each end). A time
 * series reads only grains whose rows each fall in one bucket (hours.ts, bucketsOnGrain). Each part yields partial aggregates per bucket and series (row count, value count, value sum,
 * minimum, maximum, ratio numerator); the statement combines them, which is exact because each of them merges by
 * sum, min or max. The rollup table is aliased `e` like ledger_events and has the same dimension columns, so
 * dimension expressions, ratio conditions and filters read the same on both.
 */
import type { Aggregation, Dimension } from '../../../contract/query';
import type { MetricsPlan } from '../plan';
import type { Params } from '../sql';
import type { BucketSql } from '../timeBucketSql';
import { FINISHED_STATUS, type EventsSource, type Measure } from './definitions';
import { bucketsOnGrain, ROLLUP_GRAINS, splitByGrains, type WindowPiece } from './hours';
import type { RowLayout } from './seriesSql';

/** Kinds whose rollup rows keep worker_id (migrations 0014, 0022); for the others it is NULL there. */
export const ROLLUP_WORKER_KINDS: readonly string[] = ['worker.heartbeat'];

/** Rollup columns behind each measure: value count, sum, minimum (when kept) and maximum. */
const MEASURE_COLUMNS: Readonly<Record<Measure, { n: string; sum: string; min?: string; max: string }>> = {
  duration: { n: 'e.duration_n', sum: 'e.duration_sum', min: 'e.duration_min', max: 'e.duration_max' },
  tokens: { n: 'e.events', sum: '(e.tokens_in + e.tokens_out)', max: 'e.tokens_max' },
  tokensIn: { n: 'e.events', sum: 'e.tokens_in', max: 'e.tokens_in_max' },
  tokensOut: { n: 'e.events', sum: 'e.tokens_out', max: 'e.tokens_out_max' },
  cost: { n: 'e.events', sum: 'e.cost_usd', max: 'e.cost_max' },
  value: { n: 'e.value_n', sum: 'e.value_sum', min: 'e.value_min', max: 'e.value_max' },
};

/** A partial aggregate both sources can produce. */
type Partial = 'rows' | 'count' | 'sum' | 'min' | 'max' | 'hits';

/** Column alias of each partial in the parts subquery. */
const ALIAS: Readonly<Record<Partial, string>> = {
  rows: 'n_rows',
  count: 'n_values',
  sum: 'v_sum',
  min: 'v_min',
  max: 'v_max',
  hits: 'n_hits',
};

/** Whether a dimension reads only columns the rollup keeps for the source's kinds. */
export function rollupHasDimension(source: EventsSource, dimension: Dimension): boolean {
  const custom = source.dimensions?.[dimension];
  if (custom !== undefined) {
    return custom === FINISHED_STATUS; // derived from kind
  }
  if (dimension === 'job') {
    return false;
  }
  if (dimension === 'worker') {
    return source.kinds.length > 0 && source.kinds.every((kind) => ROLLUP_WORKER_KINDS.includes(kind));
  }
  return true;
}

/** The partial aggregates an aggregation needs, or undefined when the rollup cannot give it exactly. */
function partialsFor(aggregation: Aggregation, source: EventsSource, budget: boolean): Partial[] | undefined {
  if (source.distinct || source.perDistinct || source.where) {
    return undefined;
  }
  if (source.ratioOf) {
    return ['rows', 'hits'];
  }
  if (source.value === undefined) {
    return aggregation === 'count' || aggregation === 'rate' ? ['rows'] : undefined;
  }
  if (source.measure === undefined) {
    return undefined;
  }
  if (budget) {
    return ['sum'];
  }
  switch (aggregation) {
    case 'count':
      return ['count'];
    case 'rate':
    case 'sum':
      return ['sum'];
    case 'avg':
      return ['sum', 'count'];
    case 'min':
      return MEASURE_COLUMNS[source.measure].min ? ['min'] : undefined;
    case 'max':
      return ['max'];
    default:
      return undefined; // percentiles: percentileSql.ts
  }
}

/** How a plan can use the rollups: the partials to read and the window's pieces, in time order. */
export interface RollupUse {
  partials: Partial[];
  pieces: WindowPiece[];
}

/** Decides whether the rollup serves this plan (exactly), and how. */
export function rollupUse(
  plan: MetricsPlan,
  source: EventsSource,
  layout: RowLayout,
  budget: boolean
): RollupUse | undefined {
  const partials = partialsFor(plan.aggregation, source, budget);
  const dimensions = [...plan.groupBy, ...plan.filters.map((f) => f.key)];
  if (!partials || !dimensions.every((d) => rollupHasDimension(source, d))) {
    return undefined;
  }
  const grains = layout === 'series' ? ROLLUP_GRAINS.filter((g) => bucketsOnGrain(plan.window, g.ms)) : ROLLUP_GRAINS;
  const pieces = splitByGrains(plan.window.fromMs, plan.window.toMs, grains);
  return pieces.some((piece) => piece.grain) ? { partials, pieces } : undefined;
}

function partialExpression(partial: Partial, source: EventsSource, fromRollup: boolean): string {
  const value = source.value ?? '1';
  if (fromRollup) {
    const columns = source.measure ? MEASURE_COLUMNS[source.measure] : undefined;
    switch (partial) {
      case 'rows':
        return 'sum(e.events)';
      case 'hits':
        return `coalesce(sum(e.events) FILTER (WHERE ${source.ratioOf}), 0)`;
      case 'count':
        return `sum(${columns!.n})`;
      case 'sum':
        return `sum(${columns!.sum})`;
      case 'min':
        return `min(${columns!.min})`;
      case 'max':
        return `max(${columns!.max})`;
    }
  }
  switch (partial) {
    case 'rows':
      return 'count(*)';
    case 'hits':
      return `count(*) FILTER (WHERE ${source.ratioOf})`;
    case 'count':
      return `count(${value})`;
    case 'sum':
      return `sum(${value})`;
    case 'min':
      return `min(${value})`;
    case 'max':
      return `max(${value})`;
  }
}

/** The combining expression over the parts (`p`), mirroring aggregateSql's valueExpression on raw rows. */
export function combinedValue(
  aggregation: Aggregation,
  source: EventsSource,
  secondsOf: () => string,
  budgetPerDay?: string
): string {
  if (source.ratioOf) {
    return 'sum(p.n_hits)::float8 / nullif(sum(p.n_rows), 0)';
  }
  if (budgetPerDay) {
    return `coalesce(sum(p.v_sum), 0)::float8 / (${budgetPerDay} * ${secondsOf()} / 86400.0)`;
  }
  const hasValue = source.value !== undefined;
  // counts are 0, not NULL, over no rows (an instant without group-by always has its one row)
  switch (aggregation) {
    case 'count':
      return hasValue ? 'coalesce(sum(p.n_values), 0)::float8' : 'coalesce(sum(p.n_rows), 0)::float8';
    case 'rate':
      return hasValue
        ? `coalesce(sum(p.v_sum), 0)::float8 / ${secondsOf()}`
        : `coalesce(sum(p.n_rows), 0)::float8 / ${secondsOf()}`;
    case 'sum':
      return 'coalesce(sum(p.v_sum), 0)::float8';
    case 'avg':
      return 'sum(p.v_sum)::float8 / nullif(sum(p.n_values), 0)';
    case 'min':
      return 'min(p.v_min)::float8';
    default:
      return 'max(p.v_max)::float8';
  }
}

/** What the parts of one statement share. */
export interface PartsContext {
  use: RollupUse;
  source: EventsSource;
  /** `e.kind = ANY($n)` or empty (every kind). */
  kindCondition: string;
  /** ` AND …` filters, already parameterised. */
  filters: string;
  /** Dimension expressions (`e.mode::text` …) with their aliases. */
  dims: ReadonlyArray<{ expr: string; alias: string }>;
  /** Buckets for time series; undefined for instants. */
  buckets?: BucketSql;
  params: Params;
  /** Placeholders of the window bounds, added on first read (an unreferenced parameter is an error). */
  bounds: { readonly from: string; readonly to: string };
}

/** `SELECT t?, d…, partials FROM <piece>` for each piece of the window (raw rows or a rollup), UNION ALL. */
export function partsSql(context: PartsContext): string {
  const { use, source, dims, buckets, params } = context;
  const { fromMs, toMs } = { fromMs: use.pieces[0]!.from, toMs: use.pieces[use.pieces.length - 1]!.to };
  const placeholders = new Map<number, string>();
  const at = (ms: number) => {
    if (ms === fromMs || ms === toMs) {
      return ms === fromMs ? context.bounds.from : context.bounds.to;
    }
    let placeholder = placeholders.get(ms);
    if (!placeholder) {
      placeholder = params.add(new Date(ms).toISOString(), 'timestamptz');
      placeholders.set(ms, placeholder);
    }
    return placeholder;
  };
  const part = (piece: WindowPiece) => {
    const time = piece.grain ? 'e.bucket' : 'e.occurred_at';
    const columns = [
      ...(buckets ? [`${buckets.bucketOf(time)} AS t`] : []),
      ...dims.map((d) => `${d.expr} AS ${d.alias}`),
      ...use.partials.map((p) => `${partialExpression(p, source, piece.grain !== undefined)} AS ${ALIAS[p]}`),
    ];
    const where = [context.kindCondition, `${time} >= ${at(piece.from)}`, `${time} < ${at(piece.to)}`]
      .filter(Boolean)
      .join(' AND ');
    const keys = (buckets ? 1 : 0) + dims.length;
    const group = keys > 0 ? ` GROUP BY ${Array.from({ length: keys }, (_, i) => i + 1).join(', ')}` : '';
    const table = piece.grain ? `${piece.grain.table} e` : 'ledger_events e';
    return `SELECT ${columns.join(', ')} FROM ${table} WHERE ${where}${context.filters}${group}`;
  };
  return use.pieces.map((piece) => `(${part(piece)})`).join('\n  UNION ALL ');
}
