import type { SqlSchemaResponse } from '../../../contract/resources';

/** A macro the SQL editor completes; `snippet` is Monaco snippet syntax. */
export interface SqlMacro {
  name: string;
  signature: string;
  description: string;
}

/**
 * Grafana's SQL macros, as the backend expands them (the same names as Grafana's PostgreSQL datasource). The
 * backend's `sql/schema` route may list more; this list is what the editor offers when it cannot ask.
 */
export const SQL_MACROS: readonly SqlMacro[] = [
  {
    name: '$__timeFilter',
    signature: '$__timeFilter(column)',
    description: 'column BETWEEN the start and the end of the time range',
  },
  { name: '$__timeFrom', signature: '$__timeFrom()', description: 'Start of the time range, as a timestamptz literal' },
  { name: '$__timeTo', signature: '$__timeTo()', description: 'End of the time range, as a timestamptz literal' },
  {
    name: '$__timeGroup',
    signature: "$__timeGroup(column, '$__interval')",
    description: 'Bucket start for column; days and hours follow the dashboard time zone',
  },
  {
    name: '$__timeGroupAlias',
    signature: "$__timeGroupAlias(column, '$__interval')",
    description: '$__timeGroup, named "time"',
  },
  { name: '$__time', signature: '$__time(column)', description: 'column AS "time"' },
  { name: '$__timeEpoch', signature: '$__timeEpoch(column)', description: 'column as epoch seconds, named "time"' },
  {
    name: '$__unixEpochFilter',
    signature: '$__unixEpochFilter(column)',
    description: 'Epoch-seconds column within the time range',
  },
  {
    name: '$__interval',
    signature: '$__interval',
    description: "The panel's bucket width, e.g. 1m (Grafana variable)",
  },
  {
    name: '$__interval_ms',
    signature: '$__interval_ms',
    description: "The panel's bucket width in milliseconds (Grafana variable)",
  },
];

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
