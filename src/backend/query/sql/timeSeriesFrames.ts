/**
 * Raw SQL rows in time series format → data-plane `timeseries-multi` frames, the long → wide conversion Grafana's
 * SQL datasources do, one frame per series:
 * - the time column is the one named `time` (any case), else the first time-typed column; a numeric `time` is
 *   epoch seconds, milliseconds, microseconds or nanoseconds by magnitude (as Grafana reads it, plus µs);
 * - text columns become labels (NULL → "(none)"); number and boolean columns become values, one series per value
 *   column and label set;
 * - rows are sorted by time; two rows with the same time in one series are an error, not a silent pick;
 * - a `$__timeGroup` fill (NULL, previous, a number) adds every missing bucket of the time range to every series;
 * - Grafana's legacy naming: with exactly time, `metric` (text) and one value column, the series is named after
 *   `metric`.
 */
import { makeFrame, numberField, timeField } from '../../frames/builders';
import { checkFrame, type CheckedFrame, type FrameMeta, type Labels } from '../../frames/frame';
import { QueryError } from '../../errors';
import { NULL_LABEL } from '../metrics/dimensions';
import type { Fill, TimeGroup } from './macroCatalog';
import type { TypedColumn } from './tableFrame';

/** Most buckets a fill may add to one series, and points to all series together. */
export const MAX_FILL_BUCKETS = 1_000_000;
export const MAX_FILL_POINTS = 10_000_000;

interface Series {
  labels: Record<string, string>;
  value: TypedColumn;
  points: Map<number, number | null>;
}

/**
 * Epoch ms of a numeric time by magnitude (for dates after 1973): below 1e11 seconds, below 1e14 milliseconds,
 * below 1e17 microseconds, nanoseconds above.
 */
export function epochToMs(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude < 1e11) {
    return Math.round(value * 1000);
  }
  if (magnitude < 1e14) {
    return Math.round(value);
  }
  return Math.round(magnitude < 1e17 ? value / 1e3 : value / 1e6);
}

function timeColumn(columns: readonly TypedColumn[]): TypedColumn {
  const named = columns.find(
    (c) => c.name.toLowerCase() === 'time' && (c.columnType.type === 'time' || c.columnType.type === 'number')
  );
  const column = named ?? columns.find((c) => c.columnType.type === 'time');
  if (!column) {
    throw QueryError.badQuery(
      '[sql] the time series format needs a time column — name one "time" (e.g. $__timeGroupAlias(occurred_at, $__interval)) or switch the format to Table'
    );
  }
  return column;
}

function timesOf(column: TypedColumn): number[] {
  return column.values.map((value, row) => {
    if (value === null || value === undefined) {
      throw QueryError.badQuery(
        `[sql] the time column "${column.name}" is NULL in row ${row + 1} — filter those rows out`
      );
    }
    return column.columnType.type === 'number' ? epochToMs(Number(value)) : (value as number);
  });
}

function asNumber(value: unknown): number | null {
  if (value === null || value === undefined) {
    return null;
  }
  return typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
}

// Every bucket start from the one holding `fromMs` to the one holding `toMs` (epoch-aligned, like $__timeGroup).
function bucketGrid(group: TimeGroup, fromMs: number, toMs: number, seriesCount: number): number[] {
  const step = group.intervalMs;
  const first = Math.floor(fromMs / step) * step;
  const count = Math.floor(toMs / step) - Math.floor(fromMs / step) + 1;
  if (count > MAX_FILL_BUCKETS || count * seriesCount > MAX_FILL_POINTS) {
    throw QueryError.badQuery(
      `[macro] filling ${count} buckets of ${step} ms for ${seriesCount} series is too many — use a larger interval (e.g. $__interval) or a shorter time range`
    );
  }
  return Array.from({ length: count }, (_, i) => first + i * step);
}

function filled(
  points: Map<number, number | null>,
  grid: readonly number[],
  fill: Fill
): Array<[number, number | null]> {
  const times = [...new Set([...points.keys(), ...grid])].sort((a, b) => a - b);
  let previous: number | null = null;
  return times.map((t) => {
    if (points.has(t)) {
      const value = points.get(t) ?? null;
      previous = value ?? previous;
      return [t, value];
    }
    return [t, fill.mode === 'value' ? fill.value : fill.mode === 'previous' ? previous : null];
  });
}

/** Builds the series frames; `fill` comes from the first `$__timeGroup` that has one. */
export function timeSeriesFrames(
  columns: readonly TypedColumn[],
  window: { fromMs: number; toMs: number },
  meta: FrameMeta,
  group?: TimeGroup
): CheckedFrame[] {
  const time = timeColumn(columns);
  const times = timesOf(time);
  const labelColumns = columns.filter((c) => c !== time && c.columnType.type === 'string');
  const valueColumns = columns.filter(
    (c) => c !== time && (c.columnType.type === 'number' || c.columnType.type === 'boolean')
  );
  const other = columns.find((c) => c !== time && !labelColumns.includes(c) && !valueColumns.includes(c));
  if (other) {
    throw QueryError.badQuery(
      `[sql] column "${other.name}" is ${other.columnType.pgType}; time series take numbers (values) and text (labels) — cast it, drop it, or switch the format to Table`
    );
  }
  if (valueColumns.length === 0) {
    throw QueryError.badQuery(
      '[sql] the time series format needs at least one numeric column besides time — or switch the format to Table'
    );
  }

  const series = new Map<string, Series>();
  times.forEach((t, row) => {
    const labels: Record<string, string> = {};
    for (const column of labelColumns) {
      labels[column.name] = (column.values[row] as string | null) ?? NULL_LABEL;
    }
    for (const value of valueColumns) {
      const id = JSON.stringify([value.name, labelColumns.map((c) => labels[c.name])]);
      let entry = series.get(id);
      if (!entry) {
        entry = { labels, value, points: new Map() };
        series.set(id, entry);
      }
      if (entry.points.has(t)) {
        throw QueryError.badQuery(
          `[sql] two rows of series "${value.name}" ${JSON.stringify(labels)} have the same time ${new Date(t).toISOString()} — group by time (e.g. $__timeGroup) or add a text column that tells them apart`
        );
      }
      entry.points.set(t, asNumber(value.values[row]));
    }
  });

  const legacyMetric =
    columns.length === 3 && labelColumns.length === 1 && labelColumns[0]!.name.toLowerCase() === 'metric';
  const grid = group?.fill ? bucketGrid(group, window.fromMs, window.toMs, series.size) : undefined;
  const frames = [...series.values()].map((entry, index) => {
    const points: Array<[number, number | null]> =
      grid && group?.fill ? filled(entry.points, grid, group.fill) : [...entry.points].sort((a, b) => a[0] - b[0]);
    const labels: Labels = entry.labels;
    const displayName = legacyMetric ? labels[labelColumns[0]!.name] : undefined;
    const frame = makeFrame(
      [
        timeField(
          'time',
          points.map(([t]) => t)
        ),
        numberField(
          entry.value.name,
          points.map(([, v]) => v),
          { labels, ...(displayName ? { config: { displayNameFromDS: displayName } } : {}) }
        ),
      ],
      {
        name: entry.value.name,
        meta:
          index === 0
            ? { ...meta, type: 'timeseries-multi', typeVersion: [0, 1] }
            : { type: 'timeseries-multi', typeVersion: [0, 1] },
      }
    );
    return checkFrame(frame);
  });
  return frames.length > 0
    ? frames
    : [checkFrame(makeFrame([], { meta: { ...meta, type: 'timeseries-multi', typeVersion: [0, 1] } }))];
}
