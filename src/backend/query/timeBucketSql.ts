/**
 * SQL for time buckets (buckets.ts says which kind a width gets). Calendar buckets (days, weeks) follow the
 * dashboard's time zone, so a "day" starts at local midnight (what Grafana's own $__timeGroup cannot do,
 * grafana/grafana#51525); shorter buckets are bins of exactly their width on the time line, from an origin on the
 * zone's wall clock. Weeks start on Monday (the origin, 2001-01-01, was a Monday).
 */
import { bucketOriginMs, isCalendarBucket } from './buckets';
import type { TimeWindow } from './plan';
import type { Params } from './sql';

/** Expressions for one query's buckets. */
export interface BucketSql {
  /** Bucket start of a timestamptz column expression. */
  bucketOf(column: string): string;
  /** A FROM-able set of every bucket start in the window, column `t`. */
  grid: string;
  /** Width as an interval literal placeholder. */
  width: string;
}

/** Builds bucket expressions for a window, adding its parameters to `params`. */
export function bucketSql(window: TimeWindow, params: Params): BucketSql {
  const width = params.add(`${window.bucketSeconds} seconds`, 'interval');
  const from = params.add(new Date(window.fromMs).toISOString(), 'timestamptz');
  const to = params.add(new Date(window.toMs).toISOString(), 'timestamptz');
  if (window.timezone !== 'UTC' && isCalendarBucket(window.bucketSeconds)) {
    const zone = params.add(window.timezone, 'text');
    const local = (expr: string) => `date_bin(${width}, (${expr}) AT TIME ZONE ${zone}, TIMESTAMP '2001-01-01')`;
    return {
      width,
      bucketOf: (column) => `(${local(column)} AT TIME ZONE ${zone})`,
      grid: `(SELECT g AT TIME ZONE ${zone} AS t FROM generate_series(${local(from)}, ${to} AT TIME ZONE ${zone}, ${width}) AS g WHERE g AT TIME ZONE ${zone} < ${to}) AS grid`,
    };
  }
  const origin = params.add(new Date(bucketOriginMs(window.timezone, window.fromMs)).toISOString(), 'timestamptz');
  const bin = (expr: string) => `date_bin(${width}, ${expr}, ${origin})`;
  return {
    width,
    bucketOf: (column) => bin(column),
    grid: `(SELECT g AS t FROM generate_series(${bin(from)}, ${to}, ${width}) AS g WHERE g < ${to}) AS grid`,
  };
}

/**
 * The window bounds as parameters (half-open: from <= t < to). Each bound becomes a parameter only when first
 * read: PostgreSQL rejects a statement with a parameter it never references.
 */
export function windowBounds(window: TimeWindow, params: Params): { readonly from: string; readonly to: string } {
  let from: string | undefined;
  let to: string | undefined;
  return {
    get from() {
      return (from ??= params.add(new Date(window.fromMs).toISOString(), 'timestamptz'));
    },
    get to() {
      return (to ??= params.add(new Date(window.toMs).toISOString(), 'timestamptz'));
    },
  };
}
