import { QUERY_LIMITS, type QueryType } from '../../../contract/query';
import type { LedgerQuery } from '../../types';
import { STARTER_SQL } from '../sql/sqlMacros';

/**
 * The query after switching the editor to another type. The model is flat and every other field is kept, so
 * switching to SQL and back restores the builder exactly; an empty SQL query starts from an example, and a logs
 * line limit above what a jobs listing allows is dropped (the listing's default applies).
 */
export function switchQueryType(query: LedgerQuery, queryType: QueryType): LedgerQuery {
  const next: LedgerQuery = { ...query, queryType };
  if (queryType === 'sql' && !query.rawSql?.trim()) {
    next.rawSql = STARTER_SQL;
  }
  if (queryType === 'jobs' && (query.limit ?? 0) > QUERY_LIMITS.jobRows) {
    delete next.limit;
  }
  return next;
}
