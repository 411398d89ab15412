import type { LedgerQuery } from '../types';

/**
 * Whether a query is worth sending to the backend (Grafana's `filterQuery`): hidden queries and queries that cannot
 * produce anything yet (no metric chosen, no SQL typed, no trace id) are skipped instead of failing.
 */
export function isRunnableQuery(query: LedgerQuery): boolean {
  if (query.hide) {
    return false;
  }
  switch (query.queryType ?? 'metrics') {
    case 'metrics':
      return Boolean(query.metric?.trim());
    case 'traces':
      return Boolean(query.traceId?.trim());
    case 'sql':
      return Boolean(query.rawSql?.trim());
    case 'variables':
      return Boolean(query.dimension);
    default:
      return true;
  }
}
