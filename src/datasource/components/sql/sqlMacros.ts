import type { SqlSchemaResponse } from '../../../contract/resources';
import { SQL_MACRO_DOCS, type SqlMacroDoc } from '../../../contract/sqlMacros';

/** A macro the SQL editor completes. */
export type SqlMacro = SqlMacroDoc;

/**
 * Grafana's SQL macros as the backend expands them (the same names as Grafana's PostgreSQL datasource): what the
 * editor offers when it cannot ask the backend's `sql/schema` route.
 */
export const SQL_MACROS: readonly SqlMacro[] = SQL_MACRO_DOCS;

/** The backend's macro list when it sent one, else the built-in list. */
export function macrosOf(schema: SqlSchemaResponse | undefined): readonly SqlMacro[] {
  return schema?.macros?.length ? schema.macros : SQL_MACROS;
}

/** A starting point for an empty SQL query: completed jobs per bucket and mode. */
export const STARTER_SQL = `SELECT
  $__timeGroupAlias(occurred_at, '$__interval'),
  mode,
  count(*) AS completed
FROM ledger_events
WHERE $__timeFilter(occurred_at)
  AND kind = 'job.completed'
GROUP BY 1, 2
ORDER BY 1`;
