/**
 * Grafana's `reduce` and `threshold` expressions (pkg/expr/commands.go, pkg/expr/mathexp/reduce.go,
 * pkg/expr/threshold.go) and classic conditions (pkg/expr/classic/).
 */
import { ExpressionError, type ExprValue, type NodeResult, type SeriesValue } from './exprValues';

type Nullable = number | null;

// ------------------------------------------------------------------------------------------------ reduce

/** ReduceMapper: maps every point before reducing (null = drop it) and the reduced value after. */
interface ReduceMapper {
  input(v: Nullable): Nullable;
  output(v: number): Nullable;
}

const isNonNumber = (v: Nullable): boolean => v === null || !Number.isFinite(v);

/** dropNN drops null, NaN and ±Inf; a NaN result (e.g. the mean of nothing) becomes null. */
const DROP_NON_NUMBERS: ReduceMapper = {
  input: (v) => (isNonNumber(v) ? null : v),
  output: (v) => (Number.isNaN(v) ? null : v),
};

/** replaceNN replaces null, NaN and ±Inf, and a NaN result, with the given value. */
const replaceNonNumbers = (value: number): ReduceMapper => ({
  input: (v) => (isNonNumber(v) ? value : v),
  output: (v) => (Number.isNaN(v) ? value : v),
});

const strictNaN = (values: readonly Nullable[]) => values.some((v) => v === null || Number.isNaN(v));

function sum(values: readonly Nullable[]): number {
  return strictNaN(values) ? Number.NaN : (values as number[]).reduce((a, b) => a + b, 0);
}

function extreme(values: readonly Nullable[], better: (a: number, b: number) => boolean): number {
  if (values.length === 0 || strictNaN(values)) {
    return Number.NaN;
  }
  return (values as number[]).reduce((best, v) => (better(v, best) ? v : best));
}

/**
 * mathexp's reducers in strict mode: null or NaN anywhere makes sum/mean/min/max/median NaN; `last` is the last
 * point as it is (so a trailing null gives null: reduce_test.go "last null series"); an empty series gives NaN,
 * except sum (0) and count (0). count counts every point, null included.
 */
const REDUCERS: Record<string, (values: readonly Nullable[]) => Nullable> = {
  sum,
  mean: (values) => sum(values) / values.length,
  min: (values) => extreme(values, (a, b) => a < b),
  max: (values) => extreme(values, (a, b) => a > b),
  count: (values) => values.length,
  last: (values) => (values.length === 0 ? Number.NaN : values[values.length - 1]!),
  median: (values) => {
    if (values.length === 0 || strictNaN(values)) {
      return Number.NaN;
    }
    const sorted = [...(values as number[])].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  },
};

/** Series.Reduce: map the points (dropping nulls the mapper returns), reduce, map the result. */
export function reduceSeries(series: SeriesValue, reducer: string, mapper?: ReduceMapper): Nullable {
  const fn = REDUCERS[reducer];
  if (!fn) {
    throw new ExpressionError(`reduction ${reducer} not implemented`);
  }
  let values = series.points.map(([, v]) => v);
  if (mapper) {
    values = values.map((v) => mapper.input(v)).filter((v) => v !== null);
  }
  const reduced = fn(values);
  return reduced !== null && mapper ? mapper.output(reduced) : reduced;
}

function reduceMapper(settings: unknown, refId: string): ReduceMapper | undefined {
  if (settings === undefined) {
    return undefined;
  }
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new ExpressionError(`field settings must be an object, got ${typeof settings} for refId ${refId}`);
  }
  const { mode, replaceWithValue } = settings as Record<string, unknown>;
  // Grafana knows only these two; "strict" is the absence of a mode (the UI sends ''), and anything else is refused
  switch (mode) {
    case undefined:
    case '':
      return undefined;
    case 'dropNN':
      return DROP_NON_NUMBERS;
    case 'replaceNN':
      if (typeof replaceWithValue !== 'number') {
        throw new ExpressionError(`setting replaceWithValue must be a number when mode is 'replaceNN' (${refId})`);
      }
      return replaceNonNumbers(replaceWithValue);
    default:
      throw new ExpressionError(`reducer mode '${String(mode)}' is not supported. Supported only: [dropNN,replaceNN]`);
  }
}

/** ReduceCommand.Execute: Series → Number; Numbers pass through (mapped, and dropped if the mapper drops them). */
export function reduce(input: NodeResult, model: Record<string, unknown>, refId: string): NodeResult {
  const reducer = String(model.reducer ?? '').toLowerCase();
  if (!REDUCERS[reducer]) {
    throw new ExpressionError(`reduction ${reducer} not implemented`);
  }
  const mapper = reduceMapper(model.settings, refId);
  const values: ExprValue[] = [];
  for (const value of input.values) {
    switch (value.kind) {
      case 'series':
        values.push({ kind: 'number', labels: value.labels, value: reduceSeries(value, reducer, mapper) });
        break;
      case 'number': {
        const mapped = mapper ? mapper.input(value.value) : value.value;
        if (mapper && mapped === null) {
          continue;
        }
        values.push({ kind: 'number', labels: value.labels, value: mapped });
        break;
      }
      case 'nodata':
        values.push(value);
        break;
      default:
        throw new ExpressionError(`can only reduce type series, got type ${value.kind}`);
    }
  }
  return { values };
}

// ------------------------------------------------------------------------------------------------ threshold

const ONE_PARAM: Record<string, (v: number, p: number) => boolean> = {
  gt: (v, p) => v > p,
  lt: (v, p) => v < p,
  eq: (v, p) => v === p,
  ne: (v, p) => v !== p,
  gte: (v, p) => v >= p,
  lte: (v, p) => v <= p,
};

const TWO_PARAMS: Record<string, (v: number, l: number, r: number) => boolean> = {
  within_range: (v, l, r) => v > l && v < r,
  outside_range: (v, l, r) => v < l || v > r,
  within_range_included: (v, l, r) => v >= l && v <= r,
  outside_range_included: (v, l, r) => v <= l || v >= r,
};

/** The threshold predicate of a model; NaN compares false, so a NaN input gives 0 (not NaN, not null). */
export function thresholdPredicate(type: unknown, params: unknown): (v: number) => boolean {
  const p = Array.isArray(params) ? params.map(Number) : [];
  const one = ONE_PARAM[String(type)];
  const two = TWO_PARAMS[String(type)];
  if (one) {
    if (p.length < 1) {
      throw new ExpressionError(`incorrect number of arguments for threshold function '${String(type)}': need 1`);
    }
    return (v) => one(v, p[0]!);
  }
  if (two) {
    if (p.length < 2) {
      throw new ExpressionError(`incorrect number of arguments for threshold function '${String(type)}': need 2`);
    }
    return (v) => two(v, p[0]!, p[1]!);
  }
  throw new ExpressionError(`expected threshold function to be one of the supported types, got ${String(type)}`);
}

/** ThresholdCommand.Execute: each value (or series point) becomes 1, 0, or stays null; NoData stays NoData. */
export function threshold(input: NodeResult, model: Record<string, unknown>): NodeResult {
  const conditions = model.conditions;
  if (!Array.isArray(conditions) || conditions.length !== 1) {
    throw new ExpressionError('threshold expression requires exactly one condition');
  }
  const condition = conditions[0] as { evaluator?: { type?: unknown; params?: unknown }; unloadEvaluator?: unknown };
  if (condition.unloadEvaluator !== undefined) {
    throw new ExpressionError('recovery thresholds (unloadEvaluator) are not modelled by this evaluator');
  }
  const test = thresholdPredicate(condition.evaluator?.type, condition.evaluator?.params);
  const f = (v: Nullable): Nullable => (v === null ? null : test(v) ? 1 : 0);
  return {
    values: input.values.map((value): ExprValue => {
      switch (value.kind) {
        case 'series':
          return { ...value, points: value.points.map(([t, v]) => [t, f(v)]) };
        case 'number':
          return { ...value, value: f(value.value) };
        case 'scalar':
          return { kind: 'scalar', value: f(value.value) };
        case 'nodata':
          return value;
      }
    }),
  };
}

// ------------------------------------------------------------------------------------------------ classic

const nilOrNaN = (v: Nullable): v is null => v === null || Number.isNaN(v);

/** classic/reduce.go: nulls and NaN are skipped; a series with no usable point reduces to null (no data). */
function classicReduce(points: readonly Nullable[], reducer: string): Nullable {
  const valid = points.filter((v): v is number => !nilOrNaN(v));
  if (points.length === 0) {
    return null;
  }
  // calculateDiff: newest against oldest usable point; 0 when the newest usable point is the series' first
  const newestAt = points.findLastIndex((v) => !nilOrNaN(v));
  const diffOf = (fn: (newest: number, oldest: number) => number): Nullable =>
    newestAt < 0 ? null : newestAt === 0 ? 0 : fn(valid[valid.length - 1]!, valid[0]!);
  switch (reducer) {
    case 'count':
      return points.length;
    case 'count_non_null':
      return valid.length > 0 ? valid.length : null;
    case 'diff':
      return diffOf((n, o) => n - o);
    case 'diff_abs':
      return diffOf((n, o) => Math.abs(n - o));
    case 'percent_diff':
      return diffOf((n, o) => ((n - o) / Math.abs(o)) * 100);
    case 'percent_diff_abs':
      return diffOf((n, o) => Math.abs(((n - o) / o) * 100));
  }
  if (valid.length === 0) {
    return null;
  }
  switch (reducer) {
    case 'avg':
      return valid.reduce((a, b) => a + b, 0) / valid.length;
    case 'sum':
      return valid.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...valid);
    case 'max':
      return Math.max(...valid);
    case 'last':
      return valid[valid.length - 1]!;
    case 'median': {
      const sorted = [...valid].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
    default:
      throw new ExpressionError(`invalid reducer '${reducer}'`);
  }
}

/** classic/evaluator.go: null never passes a threshold or range; ranges accept their bounds in either order. */
function classicEvaluator(type: string, params: number[]): (v: Nullable) => boolean {
  const [a = Number.NaN, b = Number.NaN] = params;
  const ranged: Record<string, (v: number) => boolean> = {
    within_range: (v) => (a < v && b > v) || (b < v && a > v),
    outside_range: (v) => (b < v && a < v) || (b > v && a > v),
    within_range_included: (v) => (a <= v && b >= v) || (b <= v && a >= v),
    outside_range_included: (v) => (b <= v && a <= v) || (b >= v && a >= v),
  };
  if (type === 'no_value') {
    return (v) => v === null;
  }
  const test = ONE_PARAM[type] ?? ranged[type];
  if (!test || (type in ranged && params.length !== 2) || params.length === 0) {
    throw new ExpressionError(`evaluator invalid evaluator type: ${type}`);
  }
  return (v) => v !== null && (test as (v: number, p: number) => boolean)(v, a);
}

interface ClassicConditionModel {
  evaluator: { type: string; params: number[] };
  operator?: { type?: string };
  query: { params: string[] };
  reducer: { type: string };
}

function classicConditions(model: Record<string, unknown>): ClassicConditionModel[] {
  const conditions = model.conditions;
  if (!Array.isArray(conditions) || conditions.length === 0) {
    throw new ExpressionError('classic_conditions needs at least one condition');
  }
  return conditions as ClassicConditionModel[];
}

/** The refIds a classic condition reads. */
export function classicInputs(model: Record<string, unknown>): string[] {
  return classicConditions(model).map((c, i) => {
    const refId = c.query?.params?.[0];
    if (!refId) {
      throw new ExpressionError(`condition ${i + 1} is missing the query RefID argument`);
    }
    return refId;
  });
}

/**
 * ConditionsCmd.Execute: one unlabelled Number — 1 firing, 0 normal, null no data. Conditions combine left to right
 * with each one's operator (no precedence); a condition is no data when every input item reduced to null.
 */
export function classicCondition(model: Record<string, unknown>, vars: Record<string, NodeResult>): NodeResult {
  let firing = false;
  let noData = false;
  classicConditions(model).forEach((condition, i) => {
    const operator = condition.operator?.type ?? 'and';
    if (i > 0 && operator !== 'and' && operator !== 'or') {
      throw new ExpressionError(`condition ${i + 1} operator must be \`and\` or \`or\``);
    }
    const evaluate = classicEvaluator(condition.evaluator.type, condition.evaluator.params ?? []);
    const values = vars[condition.query.params[0]!]?.values ?? [];
    let condFiring = values.length === 0 && condition.evaluator.type === 'no_value';
    let nullCount = 0;
    if (!condFiring) {
      for (const value of values) {
        let reduced: Nullable;
        if (value.kind === 'series') {
          reduced = classicReduce(
            value.points.map(([, v]) => v),
            condition.reducer.type
          );
        } else if (value.kind === 'number') {
          reduced = value.value;
        } else if (value.kind === 'nodata') {
          reduced = null;
        } else {
          throw new ExpressionError(`can only reduce type series, got type ${value.kind}`);
        }
        if (evaluate(reduced)) {
          condFiring = true;
        } else if (reduced === null) {
          nullCount++;
        }
      }
    }
    const condNoData = !condFiring && nullCount === values.length;
    const combine = (x: boolean, y: boolean) => (operator === 'or' ? x || y : x && y);
    firing = i === 0 ? condFiring : combine(firing, condFiring);
    noData = i === 0 ? condNoData : combine(noData, condNoData);
  });
  return { values: [{ kind: 'number', labels: {}, value: noData ? null : firing ? 1 : 0 }] };
}
