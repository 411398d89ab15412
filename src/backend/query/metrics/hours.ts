/**
 * Where a window meets the hourly rollups (migrations 0014-0017): its whole UTC hours come from the rollup tables,
 * the partial hours at its edges from raw rows. A time series may use the rollups only when every bucket is a whole
 * number of hours starting on an hour, so that no rollup hour straddles two buckets.
 */
import { bucketOriginMs, isCalendarBucket, zoneOffsetMinutes } from '../buckets';
import type { TimeWindow } from '../plan';

/** One hour in milliseconds; rollup rows start at whole UTC hours (date_bin from 2001-01-01 00:00 UTC). */
export const HOUR_MS = 3_600_000;

/** A half-open range of epoch milliseconds. */
export interface MsRange {
  from: number;
  to: number;
}

/** A window cut at whole hours: raw edges around a run of whole hours. */
export interface HourSplit {
  /** [from, first whole hour), when from is not on an hour. */
  head?: MsRange;
  /** The whole hours (or days) inside the window. */
  whole: MsRange;
  /** [last whole hour, to), when to is not on an hour. */
  tail?: MsRange;
}

/** One UTC day in milliseconds (the daily histogram's unit). */
export const DAY_MS = 86_400_000;

/**
 * Splits [from, to) at whole units (hours or UTC days: both divide the epoch evenly, like date_bin's 2001-01-01
 * origin); undefined when it contains no whole unit (then raw rows are all there is).
 */
export function splitHours(fromMs: number, toMs: number, unitMs = HOUR_MS): HourSplit | undefined {
  const first = Math.ceil(fromMs / unitMs) * unitMs;
  const last = Math.floor(toMs / unitMs) * unitMs;
  if (last <= first) {
    return undefined;
  }
  return {
    head: first > fromMs ? { from: fromMs, to: first } : undefined,
    whole: { from: first, to: last },
    tail: toMs > last ? { from: last, to: toMs } : undefined,
  };
}

/**
 * Whether every bucket of the window's time series starts on a multiple of `grainMs` (a divisor of an hour: 5 minutes
 * or an hour) and spans whole grains, so that each rollup row of that grain belongs to exactly one bucket. Sub-day
 * buckets start at their origin (bucketOriginMs): on a grain unless the zone's offset at the window's start is not a
 * multiple of it (India and Nepal are, for 5 minutes; not for an hour). Calendar buckets start at local midnight: on a
 * grain only where the zone's offset is a multiple of it, checked once a day across the window (offsets change at most
 * twice a year, and never to a half hour and back within a day).
 */
export function bucketsOnGrain(window: TimeWindow, grainMs: number): boolean {
  if ((window.bucketSeconds * 1_000) % grainMs !== 0) {
    return false;
  }
  if (!isCalendarBucket(window.bucketSeconds) || window.timezone === 'UTC') {
    return bucketOriginMs(window.timezone, window.fromMs) % grainMs === 0;
  }
  const grainMinutes = grainMs / 60_000;
  for (let t = window.fromMs - DAY_MS; ; t += DAY_MS) {
    const at = Math.min(t, window.toMs);
    if (zoneOffsetMinutes(window.timezone, at) % grainMinutes !== 0) {
      return false;
    }
    if (at === window.toMs) {
      return true;
    }
  }
}

/** Whether every bucket of the window's time series starts on a UTC hour and spans whole hours (bucketsOnGrain). */
export function bucketsOnHours(window: TimeWindow): boolean {
  return bucketsOnGrain(window, HOUR_MS);
}

/** Five minutes: the finer rollup's unit, a divisor of every ladder step from 5 m up and of every zone offset. */
export const FIVE_MINUTES_MS = 300_000;

/** A rollup of ledger events and the length of its rows' time unit. */
export interface RollupGrain {
  table: 'ledger_rollup_hourly' | 'ledger_rollup_5min';
  ms: number;
}

/** The rollups with the same columns (migrations 0014 and 0022), coarsest (fewest rows to read) first. */
export const ROLLUP_GRAINS: readonly RollupGrain[] = [
  { table: 'ledger_rollup_hourly', ms: HOUR_MS },
  { table: 'ledger_rollup_5min', ms: FIVE_MINUTES_MS },
];

/** Part of a window read from one rollup grain, or from raw rows when `grain` is undefined. */
export interface WindowPiece extends MsRange {
  grain?: RollupGrain;
}

/**
 * Cuts [from, to) into pieces in time order: the whole units of the coarsest grain in the middle, then finer grains
 * for what is left at each edge, then raw rows for the remainders shorter than the finest grain. `grains` must be
 * coarsest first, each dividing the previous one.
 */
export function splitByGrains(fromMs: number, toMs: number, grains: readonly RollupGrain[]): WindowPiece[] {
  if (toMs <= fromMs) {
    return [];
  }
  const [grain, ...finer] = grains;
  if (!grain) {
    return [{ from: fromMs, to: toMs }];
  }
  const split = splitHours(fromMs, toMs, grain.ms);
  if (!split) {
    return splitByGrains(fromMs, toMs, finer);
  }
  return [
    ...splitByGrains(fromMs, split.whole.from, finer),
    { ...split.whole, grain },
    ...splitByGrains(split.whole.to, toMs, finer),
  ];
}
