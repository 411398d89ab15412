/**
 * Time buckets for time series: the width follows Grafana's interval (itself derived from the panel width and
 * maxDataPoints), snapped to a human step, and bounded so no query asks for more than MAX_BUCKETS points.
 */

/** Hard cap on buckets per series; a wider range gets wider buckets, not a slower query. */
export const MAX_BUCKETS = 5_000;

const STEPS_S = [
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1_800,
  3_600,
  7_200,
  10_800,
  21_600,
  43_200,
  86_400,
  7 * 86_400,
  30 * 86_400,
];

/** Bucket width in seconds for a query. */
export function bucketSeconds(intervalMs: number, rangeMs: number): number {
  const wanted = Math.max(1, Number.isFinite(intervalMs) ? intervalMs / 1000 : 1);
  const minimum = rangeMs / 1000 / MAX_BUCKETS;
  const target = Math.max(wanted, minimum);
  return STEPS_S.find((step) => step >= target) ?? STEPS_S[STEPS_S.length - 1]!;
}

/** Whether buckets of this width follow the wall clock of a time zone (hours and days start at local midnight). */
export function isCalendarBucket(seconds: number): boolean {
  return seconds >= 3_600 && 86_400 % seconds === 0 ? true : seconds === 86_400 || seconds === 7 * 86_400;
}
