import {
  type CoreApp,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  StreamingFrameAction,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type StreamOptionsProvider } from '@grafana/runtime';
import { catchError, defer, of, type Observable } from 'rxjs';

import { ledgerAnnotations } from './annotations/ledgerAnnotations';
import { completeFilters } from './components/filters/editFilters';
import { defaultQueryFor } from './query/defaultQuery';
import { interpolateQuery } from './query/interpolateQuery';
import { isRunnableQuery } from './query/isRunnableQuery';
import { migrateLedgerQuery } from './query/migrateLedgerQuery';
import { summarizeQuery } from './query/querySummary';
import type { LedgerJsonData, LedgerQuery } from './types';
import { LedgerVariableSupport } from './variables/LedgerVariableSupport';

/** The viewer's IANA zone when the dashboard says "browser" (or nothing). */
export function resolveTimezone(timezone: string | undefined): string {
  return timezone === 'browser' || !timezone ? Intl.DateTimeFormat().resolvedOptions().timeZone : timezone;
}

/** The Ledger datasource: queries run in the backend; this class only prepares them. */
export class LedgerDataSource extends DataSourceWithBackend<LedgerQuery, LedgerJsonData> {
  annotations = ledgerAnnotations;

  constructor(instanceSettings: DataSourceInstanceSettings<LedgerJsonData>) {
    super(instanceSettings);
    this.variables = new LedgerVariableSupport(this);
    this.streamOptionsProvider = ledgerStreamOptions;
  }

  getDefaultQuery(app: CoreApp): Partial<LedgerQuery> {
    return defaultQueryFor(app);
  }

  // Grafana hands these saved queries as stored (nulls included); each reads them as the model means them.
  filterQuery(query: LedgerQuery): boolean {
    return isRunnableQuery(migrateLedgerQuery(query));
  }

  getQueryDisplayText(query: LedgerQuery): string {
    return summarizeQuery(migrateLedgerQuery(query));
  }

  applyTemplateVariables(query: LedgerQuery, scopedVars: ScopedVars): LedgerQuery {
    return interpolateQuery(migrateLedgerQuery(query), getTemplateSrv(), scopedVars);
  }

  query(request: DataQueryRequest<LedgerQuery>): Observable<DataQueryResponse> {
    // The backend buckets days and hours in the dashboard's time zone; saved queries are upgraded on the way out,
    // and a filter still waiting for its value is left out rather than matching nothing.
    const timezone = resolveTimezone(request.timezone);
    const targets = request.targets.map((target) => {
      const query: LedgerQuery = { ...migrateLedgerQuery(target), timezone };
      if (query.filters) {
        query.filters = completeFilters(query.filters);
      }
      return query;
    });
    // Without this, a throw while preparing the request escapes unshaped and the panel spins forever.
    return defer(() => super.query({ ...request, targets })).pipe(
      catchError((error: unknown) => of(failedResponse(error)))
    );
  }
}

/**
 * Live metric frames are recomputed by the backend and must replace the panel's frame (the current bucket is
 * updated, not appended twice); live log lines append. The backend says which in `meta.custom.liveAction`.
 */
export const ledgerStreamOptions: StreamOptionsProvider<LedgerQuery> = (request, frame) => {
  const action = (frame.meta?.custom as { liveAction?: string } | undefined)?.liveAction;
  return {
    // As Grafana's standard provider: keep as many points as the panel shows, and for "last N" ranges no older ones.
    maxLength: request.maxDataPoints ?? 500,
    maxDelta: request.rangeRaw?.to === 'now' ? request.range.to.valueOf() - request.range.from.valueOf() : undefined,
    action: action === 'replace' ? StreamingFrameAction.Replace : StreamingFrameAction.Append,
  };
};

function failedResponse(error: unknown): DataQueryResponse {
  const message = error instanceof Error ? error.message : String(error);
  return { data: [], error: { message }, errors: [{ message }] };
}
