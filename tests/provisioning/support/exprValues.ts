/**
 * The values Grafana's server-side expressions work on (pkg/expr/mathexp: Scalar, Number, Series, NoData) and the
 * conversion of a data query's frames into them (pkg/expr/converter.go, pkg/expr/dataplane.go).
 *
 * Nulls stay null: a Number or a Series point may hold `null` (Go's nil *float64), which is not NaN. Grafana keeps the
 * two apart all the way to the alert state: a null condition value is NoData for that instance, NaN is Alerting.
 */
import type { CheckedFrame, Field } from '../../../src/backend/frames/frame';

export type Labels = Record<string, string>;

/** A constant of a math expression (`2`, `nan()`, `null()`): no labels. */
export interface ScalarValue {
  kind: 'scalar';
  value: number | null;
}

/** One labelled number: an instant value, or a reduced series. */
export interface NumberValue {
  kind: 'number';
  labels: Labels;
  value: number | null;
}

/** One labelled time series: [epoch ms, value or null] points. */
export interface SeriesValue {
  kind: 'series';
  labels: Labels;
  points: Array<[number, number | null]>;
}

/** mathexp.NoData: what a query without data turns into; it flows through math, reduce and threshold unchanged. */
export interface NoDataValue {
  kind: 'nodata';
}

export type ExprValue = ScalarValue | NumberValue | SeriesValue | NoDataValue;

/** The result of one node (mathexp.Results). */
export interface NodeResult {
  values: ExprValue[];
}

/** An error Grafana would raise while evaluating a rule: the rule's evaluation is Error. */
export class ExpressionError extends Error {}

/** The labels of a value; scalars and NoData have none. */
export function labelsOf(value: ExprValue): Labels {
  return value.kind === 'number' || value.kind === 'series' ? value.labels : {};
}

function numberColumn(field: Field): Array<number | null> {
  return Array.from(field.values as ArrayLike<number | bigint | null>, (v) => (v === null ? null : Number(v)));
}

const NUMERIC_TYPES = new Set(['numeric-multi', 'numeric-wide']);
const SERIES_TYPES = new Set(['timeseries-multi', 'timeseries-wide']);

/**
 * One data response's frames as expression values. Grafana reads typed (data-plane) frames through sdata's numeric
 * and timeseries collections; a collection without value fields is NoData (dataplane.go `nc.NoData()`), as is a
 * response without frames or a single frame without fields (converter.go "no-data").
 */
export function framesToValues(refId: string, frames: readonly CheckedFrame[]): NodeResult {
  if (frames.length === 0 || frames.every((frame) => frame.fields.length === 0)) {
    return { values: [{ kind: 'nodata' }] };
  }
  const type = frames[0]!.meta?.type;
  const values: ExprValue[] = [];
  if (type !== undefined && NUMERIC_TYPES.has(type)) {
    for (const frame of frames) {
      for (const field of frame.fields.filter((f) => f.type === 'number')) {
        values.push({ kind: 'number', labels: { ...(field.labels ?? {}) }, value: numberColumn(field)[0] ?? null });
      }
    }
  } else if (type !== undefined && SERIES_TYPES.has(type)) {
    for (const frame of frames) {
      const time = frame.fields.find((f) => f.type === 'time');
      const numbers = frame.fields.filter((f) => f.type === 'number');
      if (!time && numbers.length > 0) {
        throw new ExpressionError(`[${refId}] ${type} frame without a time field`);
      }
      const times = time ? Array.from(time.values as ArrayLike<number>) : [];
      for (const field of numbers) {
        const column = numberColumn(field);
        const points = times.map((t, i): [number, number | null] => [t, column[i] ?? null]);
        values.push({ kind: 'series', labels: { ...(field.labels ?? {}) }, points });
      }
    }
  } else {
    throw new ExpressionError(`[${refId}] input data must be a wide series but got type ${type ?? 'not specified'}`);
  }
  return { values: values.length > 0 ? values : [{ kind: 'nodata' }] };
}
