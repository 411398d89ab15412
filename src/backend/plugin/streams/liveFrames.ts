/**
 * Live queries answer with exactly one frame: Grafana's frontend opens one Live subscription per frame that carries
 * `meta.channel`, so N series frames would mean N identical subscriptions. Metric series are joined into one wide
 * frame (time + one value field per series, labels kept), instants into one numeric-wide row.
 * `meta.custom.liveAction` tells our frontend how to apply packets: metrics are recomputed and replace the frame
 * (so the current bucket is updated, never duplicated); logs append.
 */
import { makeFrame, timeField } from '../../frames/builders';
import { checkFrame, type CheckedFrame, type Field, type FrameMeta } from '../../frames/frame';

/** How the frontend applies a stream's packets. */
export type LiveAction = 'replace' | 'append';

function withMeta(frame: CheckedFrame, meta: FrameMeta): CheckedFrame {
  return checkFrame({ ...frame, meta: { ...frame.meta, ...meta } });
}

function valueField(frame: CheckedFrame): Field | undefined {
  return frame.fields.find((field) => field.type === 'number');
}

/** Joins timeseries-multi frames on their time values into one timeseries-wide frame. */
function joinSeries(frames: readonly CheckedFrame[], name: string): CheckedFrame {
  const series = frames.filter((frame) => frame.fields.length >= 2);
  const times = [...new Set(series.flatMap((frame) => Array.from(frame.fields[0]!.values as ArrayLike<number>)))].sort(
    (a, b) => a - b
  );
  const index = new Map(times.map((t, i) => [t, i]));
  const fields: Field[] = [timeField('time', times)];
  for (const frame of series) {
    const value = valueField(frame)!;
    const column: Array<number | bigint | null> = new Array(times.length).fill(null);
    const frameTimes = frame.fields[0]!.values as ArrayLike<number>;
    for (let i = 0; i < frameTimes.length; i++) {
      column[index.get(frameTimes[i]!)!] = (value.values as ArrayLike<number | null>)[i] ?? null;
    }
    fields.push({ ...value, values: column, nullable: column.includes(null) } as Field);
  }
  return checkFrame(
    makeFrame(fields, {
      name,
      meta: { type: 'timeseries-wide', typeVersion: [0, 1], executedQueryString: frames[0]?.meta?.executedQueryString },
    })
  );
}

/** Joins numeric-multi frames into one numeric-wide row. */
function joinNumbers(frames: readonly CheckedFrame[], name: string): CheckedFrame {
  const fields = frames.map(valueField).filter((field): field is Field => field !== undefined);
  return checkFrame(
    makeFrame(fields, {
      name,
      meta: { type: 'numeric-wide', typeVersion: [0, 1], executedQueryString: frames[0]?.meta?.executedQueryString },
    })
  );
}

/** The single frame of a live metrics answer. */
export function liveMetricFrame(frames: readonly CheckedFrame[], name: string): CheckedFrame {
  const type = frames[0]?.meta?.type;
  if (type === 'timeseries-multi') {
    return joinSeries(frames, name);
  }
  if (type === 'numeric-multi') {
    return joinNumbers(frames, name);
  }
  return frames[0] ?? checkFrame(makeFrame([], { name }));
}

/** Marks a frame as the head of a live stream on `channel`. */
export function onChannel(frame: CheckedFrame, channel: string, action: LiveAction): CheckedFrame {
  return withMeta(frame, { channel, custom: { ...(frame.meta?.custom as object | undefined), liveAction: action } });
}

/** A key that changes when the frame's schema (field names, types, labels) changes. */
export function schemaKey(frame: CheckedFrame): string {
  return JSON.stringify(
    frame.fields.map((f) => [f.name, f.type, f.labels ?? null, f.config?.displayNameFromDS ?? null])
  );
}
