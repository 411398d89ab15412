import { dateTime, type DataFrame, type DataQueryRequest } from '@grafana/data';
import { lastValueFrom, type Subscription } from 'rxjs';

import { PLUGIN_ID } from '../../constants';
import type { LedgerDataSource } from '../../datasource/LedgerDataSource';
import type { LedgerQuery } from '../../datasource/types';

/** A time window in epoch ms. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** What a query run gives the pages: frames, or the error the backend reported for the query. */
export interface QueryResult {
  frames: DataFrame[];
  error?: string;
}

let requestCount = 0;

/** Builds the request Grafana would send for `targets` over `timeWindow`. */
export function buildRequest(
  targets: LedgerQuery[],
  timeWindow: TimeWindow,
  maxDataPoints = 300
): DataQueryRequest<LedgerQuery> {
  const from = dateTime(timeWindow.from);
  const to = dateTime(timeWindow.to);
  const intervalMs = Math.max(1_000, Math.round((timeWindow.to - timeWindow.from) / maxDataPoints));
  return {
    requestId: `${PLUGIN_ID}-${++requestCount}`,
    app: PLUGIN_ID,
    interval: `${Math.round(intervalMs / 1000)}s`,
    intervalMs,
    maxDataPoints,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets,
    timezone: 'browser',
    startTime: Date.now(),
  };
}

/** Runs queries through the datasource (so through /api/ds/query, as a panel would) and waits for the answer. */
export async function runLedgerQuery(
  datasource: LedgerDataSource,
  targets: LedgerQuery[],
  timeWindow: TimeWindow
): Promise<QueryResult> {
  const response = await lastValueFrom(datasource.query(buildRequest(targets, timeWindow)));
  const error = response.errors?.[0]?.message;
  return { frames: response.data as DataFrame[], error: error || undefined };
}

/**
 * Runs queries and reports every answer: once for ordinary queries, on every packet for live ones (a live query's
 * frame carries a Grafana Live channel and the datasource keeps the observable open). Unsubscribe to stop.
 */
export function watchLedgerQuery(
  datasource: LedgerDataSource,
  targets: LedgerQuery[],
  timeWindow: TimeWindow,
  onResult: (result: QueryResult) => void
): Subscription {
  return datasource.query(buildRequest(targets, timeWindow)).subscribe({
    next: (response) =>
      onResult({ frames: response.data as DataFrame[], error: response.errors?.[0]?.message || undefined }),
    error: (error: unknown) => onResult({ frames: [], error: error instanceof Error ? error.message : String(error) }),
  });
}
