/**
 * The macros and variables of raw SQL queries as users see them: the SQL editor's completions and the backend's
 * messages. The backend expands exactly these (src/backend/query/sql/macroCatalog.ts; its tests check that both name
 * the same macros), so the editor can offer them even when it cannot ask the backend.
 */

/** One macro or variable, named with its `$`. */
export interface SqlMacroDoc {
  name: string;
  signature: string;
  description: string;
}

export const SQL_MACRO_DOCS: readonly SqlMacroDoc[] = [
  {
    name: '$__time',
    signature: '$__time(column)',
    description: 'column AS "time"',
  },
  {
    name: '$__timeEpoch',
    signature: '$__timeEpoch(column)',
    description: 'The column as epoch seconds, named "time"',
  },
  {
    name: '$__timeFilter',
    signature: '$__timeFilter(column)',
    description: 'column BETWEEN the start and end of the time range',
  },
  {
    name: '$__timeFrom',
    signature: '$__timeFrom()',
    description: 'Start of the time range (ISO 8601 literal)',
  },
  {
    name: '$__timeTo',
    signature: '$__timeTo()',
    description: 'End of the time range (ISO 8601 literal)',
  },
  {
    name: '$__timeGroup',
    signature: "$__timeGroup(column, '5m'[, fill])",
    description:
      'Start of the time bucket (timestamptz, epoch-aligned); fill: NULL, previous or a number (time series format)',
  },
  {
    name: '$__timeGroupAlias',
    signature: "$__timeGroupAlias(column, '5m'[, fill])",
    description: '$__timeGroup(...) AS "time"',
  },
  {
    name: '$__unixEpochFilter',
    signature: '$__unixEpochFilter(column)',
    description: 'An epoch-seconds column within the time range',
  },
  {
    name: '$__unixEpochFrom',
    signature: '$__unixEpochFrom()',
    description: 'Start of the time range, epoch seconds',
  },
  {
    name: '$__unixEpochTo',
    signature: '$__unixEpochTo()',
    description: 'End of the time range, epoch seconds',
  },
  {
    name: '$__unixEpochNanoFilter',
    signature: '$__unixEpochNanoFilter(column)',
    description: 'An epoch-nanoseconds column within the time range',
  },
  {
    name: '$__unixEpochNanoFrom',
    signature: '$__unixEpochNanoFrom()',
    description: 'Start of the time range, epoch ns',
  },
  {
    name: '$__unixEpochNanoTo',
    signature: '$__unixEpochNanoTo()',
    description: 'End of the time range, epoch ns',
  },
  {
    name: '$__unixEpochGroup',
    signature: "$__unixEpochGroup(column, '5m'[, fill])",
    description: 'Bucket start of an epoch-seconds column; fill as for $__timeGroup',
  },
  {
    name: '$__unixEpochGroupAlias',
    signature: "$__unixEpochGroupAlias(column, '5m'[, fill])",
    description: '$__unixEpochGroup(...) AS "time"',
  },
  { name: '$__interval_ms', signature: '$__interval_ms', description: 'The query interval in milliseconds' },
  {
    name: '$__interval',
    signature: '$__interval',
    description: "The query interval as text ('1m', '30s'), a valid PostgreSQL interval",
  },
  { name: '$__from', signature: '$__from', description: 'Start of the time range, epoch milliseconds' },
  { name: '$__to', signature: '$__to', description: 'End of the time range, epoch milliseconds' },
];

/** The documentation of a macro or variable (name with its `$`); throws for a name that has none. */
export function sqlMacroDoc(name: string): SqlMacroDoc {
  const doc = SQL_MACRO_DOCS.find((entry) => entry.name === name);
  if (!doc) {
    throw new Error(`no documentation for SQL macro ${name}`);
  }
  return doc;
}
