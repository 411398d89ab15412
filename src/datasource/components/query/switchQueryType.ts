import type { QueryType } from '../../../contract/query';
import type { LedgerQuery } from '../../types';
import { STARTER_SQL } from '../sql/sqlMacros';

/**
 * The query after switching the editor to another type. The model is flat and every other field is kept, so
 * switching to SQL and back restores the builder exactly; an empty SQL query starts from an example.
 */
export function switchQueryType(query: LedgerQuery, queryType: QueryType): LedgerQuery {
  const next: LedgerQuery = { ...query, queryType };
  if (queryType === 'sql' && !query.rawSql?.trim()) {
    next.rawSql = STARTER_SQL;
  }
  return next;
}
