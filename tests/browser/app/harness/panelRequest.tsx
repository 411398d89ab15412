/**
 * The request a Grafana panel's query runner hands a datasource for the harness window: interval and
 * maxDataPoints as PanelQueryRunner computes them (@grafana/data's rangeUtil.calculateInterval, with the
 * datasource's own minimum interval as the lower limit), and the `__interval` / `__interval_ms` scoped variables.
 */
import { CoreApp, dateTime, rangeUtil, type DataQuery, type DataQueryRequest, type TimeRange } from '@grafana/data';

let requestCount = 0;

/** The window the harness panels show: the fixture's two hours up to now. */
export function harnessTimeRange(): TimeRange {
  const to = dateTime(Date.now());
  const from = dateTime(to.valueOf() - 2 * 3_600_000);
  return { from, to, raw: { from: 'now-2h', to: 'now' } };
}

/** A panel's request for `targets` over the harness window. */
export function panelRequest<Q extends DataQuery>(
  targets: Q[],
  options: { app?: CoreApp | string; maxDataPoints?: number; minInterval?: string } = {}
): DataQueryRequest<Q> {
  const range = harnessTimeRange();
  const maxDataPoints = options.maxDataPoints ?? 300;
  const { interval, intervalMs } = rangeUtil.calculateInterval(range, maxDataPoints, options.minInterval);
  return {
    requestId: `harness-${++requestCount}`,
    app: options.app ?? CoreApp.Dashboard,
    interval,
    intervalMs,
    maxDataPoints,
    range,
    scopedVars: {
      __interval: { text: interval, value: interval },
      __interval_ms: { text: String(intervalMs), value: intervalMs },
    },
    targets,
    timezone: 'browser',
    startTime: Date.now(),
  };
}
