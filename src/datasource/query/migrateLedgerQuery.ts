import { readSavedQuery } from '../../contract/query';
import { editableFilters } from '../components/filters/editFilters';
import type { LedgerQuery } from '../types';

/**
 * The current model of a saved query, keeping Grafana's own fields (refId, datasource, hide, …): the contract's
 * `readSavedQuery` (null fields unset, numbers written as strings read as numbers, old versions upgraded), and
 * filters the editor can show. Grafana types saved queries as LedgerQuery, but dashboards written by tools, the HTTP
 * API and cleared fields hold nulls. The same object comes back when nothing changes, so callers can compare.
 */
export function migrateLedgerQuery(query: LedgerQuery): LedgerQuery {
  const read = readSavedQuery(query as unknown as Record<string, unknown>) as unknown as LedgerQuery;
  const filters = editableFilters(read.filters);
  if (filters !== read.filters) {
    read.filters = filters;
  }
  const keys = Object.keys(read) as Array<keyof LedgerQuery>;
  const unchanged = keys.length === Object.keys(query).length && keys.every((key) => read[key] === query[key]);
  return unchanged ? query : read;
}

/** True when a saved query differs from its current model (an older version, nulls, numbers as strings, …). */
export function needsMigration(query: LedgerQuery): boolean {
  return migrateLedgerQuery(query) !== query;
}
