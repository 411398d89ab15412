/**
 * Independent oracle for time buckets: where each bucket of a time series starts, in any IANA zone, computed with
 * the JavaScript runtime's own time zone data (ICU) and plain arithmetic. It shares no code with the SQL under test
 * (src/backend/query/buckets.ts, timeBucketSql.ts) and no time zone data with PostgreSQL (which reads the system's
 * zoneinfo), so a disagreement is a defect in one of them, never an echo.
 *
 * The rule it encodes (docs/metrics.md, "Buckets and time zones"):
 * - a bucket shorter than a day is an interval of exactly its width on the time line; buckets start at
 *   origin + k·width, where origin is 2001-01-01 00:00 read on the zone's wall clock as its offset stands at the
 *   window's start;
 * - a bucket of whole days starts at a local midnight (or at the first instant of a local day that has no
 *   midnight) and spans that many local calendar days, counted from 2001-01-01 (a Monday, so weeks start on Monday).
 */

const SECOND = 1_000;
const DAY = 86_400_000;
/** Day number (days since 1970-01-01) of 2001-01-01. */
const DAY_2001 = Date.UTC(2001, 0, 1) / DAY;

const formats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  return format;
}

/** The zone's wall clock at `ms`, read back as if it were UTC (epoch ms of the local date and time). */
function wallClockAsUtc(zone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const part of wallClockFormat(zone).formatToParts(ms)) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's UTC offset at `ms`, in ms (wall clock minus UTC, at whole seconds). */
export function offsetAt(zone: string, ms: number): number {
  const second = Math.floor(ms / SECOND) * SECOND;
  return wallClockAsUtc(zone, second) - second;
}

/** The local calendar day of `ms` in `zone`, as a day number. */
export function localDay(zone: string, ms: number): number {
  return Math.floor(wallClockAsUtc(zone, ms) / DAY);
}

/** The first instant (whole second) of local day `day` in `zone`: its midnight, or the end of a gap that skips it. */
export function dayStart(zone: string, day: number): number {
  // every offset in use lies within -12 h … +14 h, so local midnight lies in this bracket
  let lo = day * DAY - 15 * 3_600_000; // before the day starts
  let hi = day * DAY + 13 * 3_600_000; // at or after the day starts
  while (hi - lo > SECOND) {
    const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
    if (localDay(zone, mid) >= day) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

/** How the buckets of one window are laid out. */
export interface BucketLayout {
  /** Start of the bucket holding `ms`. */
  startOf(ms: number): number;
  /** Every bucket start from the one holding `from` to the last before `to`. */
  starts: number[];
}

/** The bucket layout of the window [from, to) for buckets of `widthS` seconds in `zone`. */
export function bucketLayout(zone: string, widthS: number, from: number, to: number): BucketLayout {
  const width = widthS * SECOND;
  const starts: number[] = [];
  if (widthS % 86_400 === 0) {
    const days = widthS / 86_400;
    const startOfDay = new Map<number, number>();
    const first = (day: number) => startOfDay.get(day) ?? startOfDay.set(day, dayStart(zone, day)).get(day)!;
    const bucketDay = (ms: number) => DAY_2001 + Math.floor((localDay(zone, ms) - DAY_2001) / days) * days;
    for (let day = bucketDay(from); first(day) < to; day += days) {
      starts.push(first(day));
    }
    return { startOf: (ms) => first(bucketDay(ms)), starts };
  }
  const origin = DAY_2001 * DAY - offsetAt(zone, from);
  const startOf = (ms: number) => origin + Math.floor((ms - origin) / width) * width;
  for (let start = startOf(from); start < to; start += width) {
    starts.push(start);
  }
  return { startOf, starts };
}

/** Instants (whole seconds) in [from, to) where the zone's offset changes. */
export function offsetChanges(zone: string, from: number, to: number): number[] {
  const changes: number[] = [];
  const step = 3_600_000;
  for (let t = from; t + step <= to; t += step) {
    if (offsetAt(zone, t) === offsetAt(zone, t + step)) {
      continue;
    }
    let lo = t;
    let hi = t + step;
    while (hi - lo > SECOND) {
      const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
      if (offsetAt(zone, mid) === offsetAt(zone, t)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    changes.push(hi);
  }
  return changes;
}

/** An aggregation the oracle can compute, with the fill an empty bucket gets. */
export type OracleAggregation = 'count' | 'sum' | 'avg' | 'max';

/** Aggregates `(time, value)` samples of [from, to) into the window's buckets. */
export function bucketValues(
  layout: BucketLayout,
  samples: ReadonlyArray<{ at: number; value: number }>,
  aggregation: OracleAggregation,
  from: number,
  to: number
): Array<number | null> {
  const index = new Map(layout.starts.map((start, i) => [start, i]));
  const groups: number[][] = layout.starts.map(() => []);
  for (const sample of samples) {
    if (sample.at >= from && sample.at < to) {
      groups[index.get(layout.startOf(sample.at))!]!.push(sample.value);
    }
  }
  return groups.map((values) => {
    switch (aggregation) {
      case 'count':
        return values.length;
      case 'sum':
        return values.reduce((a, b) => a + b, 0);
      case 'avg':
        return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
      case 'max':
        return values.length ? Math.max(...values) : null;
    }
  });
}
