/**
 * Time buckets for time series: the width follows Grafana's interval (itself derived from the panel width and
 * maxDataPoints), snapped to a step of Grafana's interval ladder, and bounded so no query asks for more than
 * MAX_BUCKETS points.
 *
 * Two kinds of bucket, so that no bucket is ever repeated, merged or missing on a daylight-saving night:
 * - shorter than a day: real intervals of exactly that width on the time line, aligned to the wall clock of the
 *   dashboard's zone as it reads at the window's start (see bucketOriginMs);
 * - a day or longer: the local calendar — a day starts at local midnight and lasts 23, 24 or 25 hours.
 */

/** Hard cap on buckets per series; a wider range gets wider buckets, not a slower query. */
export const MAX_BUCKETS = 5_000;

/** Grafana's interval ladder (rangeutil.roundInterval) from one second up. */
const STEPS_S = [
  1,
  2,
  5,
  10,
  15,
  20,
  30,
  60,
  120,
  300,
  600,
  900,
  1_200,
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

const DAY_S = 86_400;

/** Bucket width in seconds for a query. */
export function bucketSeconds(intervalMs: number, rangeMs: number): number {
  const wanted = Math.max(1, Number.isFinite(intervalMs) ? intervalMs / 1000 : 1);
  const minimum = rangeMs / 1000 / MAX_BUCKETS;
  const target = Math.max(wanted, minimum);
  return STEPS_S.find((step) => step >= target) ?? STEPS_S[STEPS_S.length - 1]!;
}

/** Whether buckets of this width follow a time zone's calendar (whole local days) rather than the time line. */
export function isCalendarBucket(seconds: number): boolean {
  return seconds % DAY_S === 0;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of `zone` at `ms`, in minutes. */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, format);
  }
  const name = format.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!match) {
    return 0; // "GMT" alone
  }
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

/** 2001-01-01 00:00 UTC: a Monday, and a multiple of every sub-day step since the epoch. */
export const BUCKET_EPOCH_MS = Date.UTC(2001, 0, 1);

/**
 * Origin of sub-day buckets: 2001-01-01 00:00 on the wall clock of `zone` at `atMs` (the window's start). Buckets of
 * width w start at origin + k·w, so an hour bucket in Kathmandu (+05:45) starts at local :00 and a 30-minute bucket
 * in St. John's (-03:30) at local :00 or :30. Taking the offset once per window keeps every bucket exactly w long
 * across a daylight-saving change: in Berlin hour buckets stay on whole UTC hours, so the repeated autumn hour is two
 * buckets and the skipped spring hour is no bucket at all.
 */
export function bucketOriginMs(zone: string, atMs: number): number {
  return zone === 'UTC' ? BUCKET_EPOCH_MS : BUCKET_EPOCH_MS - zoneOffsetMinutes(zone, atMs) * 60_000;
}
