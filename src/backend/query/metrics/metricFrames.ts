/**
 * Metric rows → Grafana frames following the data plane contract:
 * - timeseries: `timeseries-multi`, one frame per series (time + one value field carrying the labels);
 * - instant: `numeric-multi`, one frame per series with a single value (alert rules, stat panels);
 * - table: one frame — long format (time, one column per dimension, value) for metrics with history, or one row per
 *   series (dimensions, value) for "now" metrics.
 * Label sets are unique per series, so alerting never sees "frame cannot uniquely be identified by its labels".
 * An empty result is the data plane's "no data" form: one typed frame without fields.
 */
import { makeFrame, numberField, stringField, timeField } from '../../frames/builders';
import { checkFrame, type CheckedFrame, type FieldConfig, type FrameMeta, type Labels } from '../../frames/frame';
import type { MetricsPlan } from '../plan';
import { NULL_LABEL } from './dimensions';
import type { RowLayout } from './seriesSql';

type Row = unknown[];

function labelText(value: unknown): string {
  return value === null || value === undefined ? NULL_LABEL : String(value);
}

function labelsOf(plan: MetricsPlan, row: Row, offset: number): Record<string, string> {
  const labels: Record<string, string> = {};
  plan.groupBy.forEach((dimension, i) => {
    labels[dimension] = labelText(row[offset + i]);
  });
  return labels;
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) {
    return null;
  }
  const n = Number(value);
  return Number.isNaN(n) && typeof value !== 'number' ? null : n;
}

/** Series display name: the legend template (`{{mode}}`), else the label values, else the metric title. */
export function displayName(plan: MetricsPlan, labels: Labels): string {
  if (plan.legend) {
    return plan.legend.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => labels[key] ?? '');
  }
  const values = Object.values(labels);
  return values.length > 0 ? values.join(' / ') : plan.metric.title;
}

function unitOf(plan: MetricsPlan): string {
  // A rate of a count is per second; a rate of a sum (tokens, dollars) keeps its unit per second.
  if (plan.aggregation === 'rate') {
    return plan.metric.unit === 'short' ? 'reqps' : `${plan.metric.unit}`;
  }
  return plan.metric.unit;
}

function valueConfig(plan: MetricsPlan, labels: Labels): FieldConfig {
  return { unit: unitOf(plan), displayNameFromDS: displayName(plan, labels) };
}

function typedMeta(type: 'timeseries-multi' | 'numeric-multi', executed?: string): FrameMeta {
  return executed === undefined
    ? { type, typeVersion: [0, 1] }
    : { type, typeVersion: [0, 1], executedQueryString: executed };
}

function instantFrames(plan: MetricsPlan, rows: Row[], executed: string): CheckedFrame[] {
  const name = plan.metric.id;
  if (rows.length === 0) {
    return [checkFrame(makeFrame([], { name, meta: typedMeta('numeric-multi', executed) }))];
  }
  return rows.map((row, i) => {
    const labels = labelsOf(plan, row, 0);
    const value = numberOrNull(row[plan.groupBy.length]);
    const field = numberField(name, [value], { labels, config: valueConfig(plan, labels), nullable: value === null });
    return checkFrame(makeFrame([field], { name, meta: typedMeta('numeric-multi', i === 0 ? executed : undefined) }));
  });
}

/** Comma-separated numbers (`n` for NULL) as the series layout sends them (seriesSql.ts). */
function numberList(text: unknown): Array<number | null> {
  return typeof text === 'string' && text.length > 0
    ? text.split(',').map((item) => (item === 'n' ? null : Number(item)))
    : [];
}

/** A series row: labels, then bucket starts (epoch ms) and values, in time order. */
function seriesParts(plan: MetricsPlan, row: Row): { times: number[]; values: Array<number | null> } {
  const width = plan.groupBy.length;
  return { times: numberList(row[width]).map(Number), values: numberList(row[width + 1]) };
}

function seriesFrames(plan: MetricsPlan, rows: Row[], executed: string): CheckedFrame[] {
  const name = plan.metric.id;
  const frames = rows.map((row, i) => {
    const labels = labelsOf(plan, row, 0);
    const { times, values } = seriesParts(plan, row);
    const frame = makeFrame(
      [
        timeField('time', times),
        numberField(name, values, { labels, config: valueConfig(plan, labels), nullable: values.includes(null) }),
      ],
      { name, meta: typedMeta('timeseries-multi', i === 0 ? executed : undefined) }
    );
    return checkFrame(frame);
  });
  return frames.length > 0
    ? frames
    : [checkFrame(makeFrame([], { name, meta: typedMeta('timeseries-multi', executed) }))];
}

function tableFrame(plan: MetricsPlan, rows: Row[], layout: RowLayout, executed: string): CheckedFrame {
  // the long format: one line per point (series in order, then time) for history, one per series for instants
  const lines: Array<{ time?: number; labels: Row; value: number | null }> = [];
  for (const row of rows) {
    const labels = row.slice(0, plan.groupBy.length);
    if (layout === 'series') {
      const { times, values } = seriesParts(plan, row);
      times.forEach((time, i) => lines.push({ time, labels, value: values[i] ?? null }));
    } else {
      lines.push({ labels, value: numberOrNull(row[plan.groupBy.length]) });
    }
  }
  const dimensions = plan.groupBy.map((dimension, i) =>
    stringField(
      dimension,
      lines.map((line) => labelText(line.labels[i]))
    )
  );
  const values = lines.map((line) => line.value);
  const value = numberField(plan.metric.id, values, {
    config: { unit: unitOf(plan), displayName: plan.metric.title },
    nullable: values.includes(null),
  });
  const time =
    layout === 'series'
      ? [
          timeField(
            'time',
            lines.map((line) => line.time ?? 0)
          ),
        ]
      : [];
  return checkFrame(
    makeFrame([...time, ...dimensions, value], {
      name: plan.metric.id,
      meta: { preferredVisualisationType: 'table', executedQueryString: executed },
    })
  );
}

/**
 * Instant rows in label order. Series rows come ordered by their statement; instant statements leave the order to the
 * plan, which changes with table statistics, and a stat panel or an alert's instance list should not reshuffle.
 */
function inLabelOrder(plan: MetricsPlan, rows: Row[]): Row[] {
  const key = (row: Row) => JSON.stringify(row.slice(0, plan.groupBy.length).map(labelText));
  return rows.length < 2 || plan.groupBy.length === 0
    ? rows
    : [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Converts the rows of a metric statement into frames for the plan's format. */
export function metricFrames(plan: MetricsPlan, rows: Row[], layout: RowLayout, executed: string): CheckedFrame[] {
  const ordered = layout === 'instant' ? inLabelOrder(plan, rows) : rows;
  if (plan.format === 'table') {
    return [tableFrame(plan, ordered, layout, executed)];
  }
  return layout === 'series' ? seriesFrames(plan, ordered, executed) : instantFrames(plan, ordered, executed);
}
