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
 * Whether every bucket of the window's time series starts on a UTC hour and spans whole hours. Sub-day buckets start
 * at their origin (bucketOriginMs): on an hour unless the zone's offset at the window's start has minutes (India,
 * Nepal, Newfoundland…). Calendar buckets start at local midnight: a UTC hour only where the zone's offset is a whole
 * number of hours, checked once a day across the window (offsets change at most twice a year, and never to a half
 * hour and back within a day).
 */
export function bucketsOnHours(window: TimeWindow): boolean {
  if (window.bucketSeconds % 3_600 !== 0) {
    return false;
  }
  if (!isCalendarBucket(window.bucketSeconds) || window.timezone === 'UTC') {
    return bucketOriginMs(window.timezone, window.fromMs) % HOUR_MS === 0;
  }
  for (let t = window.fromMs - 86_400_000; ; t += 86_400_000) {
    const at = Math.min(t, window.toMs);
    if (zoneOffsetMinutes(window.timezone, at) % 60 !== 0) {
      return false;
    }
    if (at === window.toMs) {
      return true;
    }
  }
}
