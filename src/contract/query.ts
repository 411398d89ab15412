/**
 * The query model: one definition shared by the query editors (frontend) and the backend's planner.
 *
 * The model is flat on purpose: Grafana keeps every field of a saved query, so switching the editor from
 * metrics to SQL and back keeps the builder's state. The planner reads only the fields of the chosen type.
 * `version` lets saved queries be migrated when the model changes (see `migrateQuery`).
 *
 * This file is plain TypeScript so the frontend bundle stays small; the backend validates with the zod schema in
 * querySchema.ts, which a compile-time check keeps identical to these types.
 */

/** Current version of the saved-query model. */
export const QUERY_MODEL_VERSION = 1;

/**
 * Kinds of query. The editor's switch offers the first five; `variables` (dimension values for template
 * variables) and `annotations` come from the variable and annotation editors.
 */
export const QUERY_TYPES = ['metrics', 'jobs', 'logs', 'traces', 'sql', 'variables', 'annotations'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

/** The query types a panel's query editor switches between. */
export const EDITOR_QUERY_TYPES = ['metrics', 'jobs', 'logs', 'traces', 'sql'] as const satisfies readonly QueryType[];

/** Ledger facts an annotation query can mark on a graph. `incident` marks regions (start–end), the others points. */
export const ANNOTATION_SOURCES = ['escalation', 'job.failed', 'budget.exceeded', 'incident'] as const;
export type AnnotationSource = (typeof ANNOTATION_SOURCES)[number];

/** Output shapes of a metrics query. `instant` gives one value per series (alert rules, stat panels). */
export const FORMATS = ['timeseries', 'table', 'instant'] as const;
export type Format = (typeof FORMATS)[number];

/** Aggregations a metric may offer (each metric lists the ones that make sense for it). */
export const AGGREGATIONS = ['count', 'rate', 'sum', 'avg', 'min', 'max', 'p50', 'p95', 'p99', 'last'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Dimensions a metric may be grouped and filtered by. Each maps to one allow-listed column in the backend. */
export const DIMENSIONS = [
  'mode',
  'agent',
  'worker',
  'tool',
  'model',
  'status',
  'kind',
  'error_type',
  'role',
  'category',
  'reason',
  'job',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Filter operators: equality, regular expressions (PostgreSQL POSIX syntax) and set membership. */
export const FILTER_OPERATORS = ['=', '!=', '=~', '!~', 'in', 'not in'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One filter on a dimension. `value` is a list for `in`/`not in`, a string otherwise. */
export interface Filter {
  key: Dimension;
  operator: FilterOperator;
  value: string | string[];
}

/** Numeric fields of a job (jobs listing): `queue_ms` is claim − creation, `token_cap_used` percent of the cap. */
export const JOB_NUMBER_FIELDS = [
  'duration_ms',
  'queue_ms',
  'tokens_used',
  'token_cap',
  'token_cap_used',
  'cost_usd',
  'attempts',
] as const;
export type JobNumberField = (typeof JOB_NUMBER_FIELDS)[number];

/** What a jobs listing may be sorted by. */
export const JOB_SORT_FIELDS = ['finished', 'created', ...JOB_NUMBER_FIELDS] as const;
export type JobSortField = (typeof JOB_SORT_FIELDS)[number];

/** Which jobs the time range selects: finished in it, created in it, or active (unfinished) at some point of it. */
export const JOB_WINDOWS = ['finished', 'created', 'active'] as const;
export type JobWindow = (typeof JOB_WINDOWS)[number];

/** The sort of a listing without `sortBy`: the time that selects its jobs (creation for active jobs). */
export function defaultJobSort(jobWindow: JobWindow = 'finished'): JobSortField {
  return jobWindow === 'finished' ? 'finished' : 'created';
}

/** Rows a jobs listing returns when the query sets no `limit`. */
export const DEFAULT_JOB_ROWS = 100;

/** Dimensions a jobs listing can be filtered by (columns of the jobs table). */
export const JOB_DIMENSIONS = [
  'mode',
  'agent',
  'worker',
  'status',
  'error_type',
  'job',
] as const satisfies readonly Dimension[];
export type JobDimension = (typeof JOB_DIMENSIONS)[number];

/** Comparison operators of job conditions. */
export const COMPARISON_OPERATORS = ['>', '>=', '<', '<=', '='] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** One condition on a numeric job field; a job whose field is empty (e.g. no duration yet) never matches it. */
export interface JobCondition {
  field: JobNumberField;
  operator: ComparisonOperator;
  value: number;
}

/** Format of a raw SQL query's result. */
export const SQL_FORMATS = ['table', 'timeseries'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

/** Limits the schema enforces (the editor uses them too). */
export const QUERY_LIMITS = {
  groupBy: 5,
  filters: 50,
  filterValues: 1000,
  stringLength: 1000,
  logLines: 100_000,
  jobConditions: 20,
  jobRows: 5000,
  rawSqlLength: 100_000,
} as const;

/** A query as saved in a dashboard: every field optional, defaults applied by the backend. */
export interface LedgerQueryInput {
  version?: number;
  queryType?: QueryType;
  // metrics
  /** Catalog id of the metric, e.g. `job.completed`. */
  metric?: string;
  aggregation?: Aggregation;
  groupBy?: Dimension[];
  filters?: Filter[];
  format?: Format;
  /** Stream new points as ledger rows arrive (Grafana Live). */
  live?: boolean;
  /** Display name template for series, e.g. `{{mode}}`. */
  legend?: string;
  // logs
  /** Full-text search over the event body. */
  search?: string;
  /** Maximum log lines returned (newest first). */
  limit?: number;
  // jobs (also `filters`, and `limit`: at most QUERY_LIMITS.jobRows, default 100)
  /** Conditions on numeric job fields, all of which must hold. */
  jobConditions?: JobCondition[];
  /** Which jobs the time range selects (default `finished`). */
  jobWindow?: JobWindow;
  /** Sort field (default: the `jobWindow` time, `created` for `active`); empty values always sort last. */
  sortBy?: JobSortField;
  sortDesc?: boolean;
  // traces
  /** A job id or a trace id; the trace of that job is returned. */
  traceId?: string;
  // sql
  rawSql?: string;
  sqlFormat?: SqlFormat;
  // variables
  /** The dimension whose values a template variable lists (filters narrow them; the time range applies). */
  dimension?: Dimension;
  // annotations
  /** What to mark on graphs. */
  annotationSources?: AnnotationSource[];
}

/** A parsed query: defaults applied. */
export type LedgerQueryModel = Omit<
  LedgerQueryInput,
  'queryType' | 'groupBy' | 'filters' | 'format' | 'live' | 'sqlFormat'
> & {
  queryType: QueryType;
  groupBy: Dimension[];
  filters: Filter[];
  format: Format;
  live: boolean;
  sqlFormat: SqlFormat;
};

/** Default query of a new panel: shows data at once. */
export const DEFAULT_QUERY: Readonly<LedgerQueryInput> = {
  version: QUERY_MODEL_VERSION,
  queryType: 'metrics',
  metric: 'job.completed',
  aggregation: 'count',
  groupBy: ['mode'],
  filters: [],
  format: 'timeseries',
  live: false,
};

/** The fields of the model that hold numbers. */
type NumericQueryField = {
  [K in keyof LedgerQueryInput]-?: NonNullable<LedgerQueryInput[K]> extends number ? K : never;
}[keyof LedgerQueryInput];

/**
 * Numeric fields, which saved queries may hold as strings (`"limit": "100"`), as Grafana's own datasources accept.
 * A new numeric field must be listed here: the check below fails to compile until it is.
 */
export const NUMERIC_QUERY_FIELDS = ['version', 'limit'] as const satisfies readonly NumericQueryField[];
/** Compile-time: NUMERIC_QUERY_FIELDS lists every numeric field. */
export const NUMERIC_QUERY_FIELDS_COMPLETE: [NumericQueryField] extends [(typeof NUMERIC_QUERY_FIELDS)[number]]
  ? true
  : false = true;

const NUMBER_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * Reads a saved query as the model means it: a field that is `null` is unset (dropped, so its default applies), a
 * numeric field written as a decimal string is that number, an old version is upgraded (`migrateQuery`), and every
 * other value is kept as it is — wrong types are left for validation, which names the field. Grafana's own keys
 * are kept (validation ignores them). Shared by the backend (before validating) and the frontend (before editing
 * and sending).
 */
export function readSavedQuery(saved: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(saved)) {
    if (value === null) {
      continue;
    }
    const numeric = (NUMERIC_QUERY_FIELDS as readonly string[]).includes(key);
    query[key] = numeric && typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value;
  }
  return migrateQuery(query);
}

/**
 * Upgrades a saved query to the current model. Version 0 (unversioned) queries are the same shape as version 1;
 * later changes add a step here, so old dashboards keep working. A version that is not a number is left for
 * validation to report.
 */
export function migrateQuery<T extends { version?: unknown }>(query: T): T & { version: unknown } {
  const version = query.version ?? 0;
  if (typeof version !== 'number' || version >= QUERY_MODEL_VERSION) {
    return { ...query, version };
  }
  return { ...query, version: QUERY_MODEL_VERSION };
}
