/**
 * Query JSON → a validated plan. Everything a builder may assume is checked here, and every problem becomes a
 * per-query 400 with a message that names the field. Builders never see unvalidated input.
 */
import { z } from 'zod';

import { findMetric, type MetricDescriptor } from '../../contract/metrics';
import {
  ANNOTATION_SOURCES,
  readSavedQuery,
  type AnnotationSource,
  type Aggregation,
  type Dimension,
  type Filter,
  type Format,
  type JobCondition,
  type JobSortField,
  type JobWindow,
  type SqlFormat,
} from '../../contract/query';
import { LedgerQuerySchema, savedQuerySchema } from '../../contract/querySchema';
import { QueryError } from '../errors';
import type { DataQuery } from '../plugin/types';
import { bucketSeconds } from './buckets';
import { planJobs } from './jobs/planJobs';

/** Longest time range a query may cover. */
export const MAX_RANGE_MS = 5 * 366 * 86_400_000;

/** The time window of one query. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
  /** Bucket width for time series, in seconds. */
  bucketSeconds: number;
  /** IANA time zone for calendar buckets (hours, days). */
  timezone: string;
  maxDataPoints: number;
}

/** A metrics query, validated. */
export interface MetricsPlan {
  kind: 'metrics';
  refId: string;
  metric: MetricDescriptor;
  aggregation: Aggregation;
  groupBy: Dimension[];
  filters: Filter[];
  format: Format;
  live: boolean;
  legend?: string;
  window: TimeWindow;
}

/** A logs query, validated. */
export interface LogsPlan {
  kind: 'logs';
  refId: string;
  search?: string;
  filters: Filter[];
  limit: number;
  live: boolean;
  window: TimeWindow;
}

/** A jobs listing, validated: filters and conditions are on fields the jobs table has. */
export interface JobsPlan {
  kind: 'jobs';
  refId: string;
  filters: Filter[];
  conditions: JobCondition[];
  jobWindow: JobWindow;
  sortBy: JobSortField;
  sortDesc: boolean;
  limit: number;
  window: TimeWindow;
}

/** A traces query, validated. */
export interface TracesPlan {
  kind: 'traces';
  refId: string;
  traceId: string;
  window: TimeWindow;
}

/** A raw SQL query, validated (the SQL itself is checked by PostgreSQL inside a read-only transaction). */
export interface SqlPlan {
  kind: 'sql';
  refId: string;
  rawSql: string;
  format: SqlFormat;
  window: TimeWindow;
  intervalMs: number;
}

/** A template-variable query: the values of one dimension (within the time range and filters). */
export interface VariablesPlan {
  kind: 'variables';
  refId: string;
  dimension: Dimension;
  filters: Filter[];
  window: TimeWindow;
}

/** An annotation query: ledger facts to mark on graphs. */
export interface AnnotationsPlan {
  kind: 'annotations';
  refId: string;
  sources: AnnotationSource[];
  filters: Filter[];
  window: TimeWindow;
}

/** Any validated query. */
export type QueryPlan = MetricsPlan | JobsPlan | LogsPlan | TracesPlan | SqlPlan | VariablesPlan | AnnotationsPlan;

/** The validated query model a per-kind planner reads. */
export type QueryModel = z.infer<typeof QueryEnvelope>;

const QueryEnvelope = savedQuerySchema(
  LedgerQuerySchema.extend({
    /** IANA zone the frontend resolved from the dashboard setting ("browser" resolved to the viewer's zone). */
    timezone: z.string().max(100).optional(),
  })
);

// Building an Intl.DateTimeFormat costs ~0.4 ms, on every request: the answer per zone is remembered (a few
// hundred IANA names at most; unknown names are not kept, so hostile input cannot grow the set).
const validTimeZones = new Set<string>();

function isValidTimeZone(zone: string): boolean {
  if (validTimeZones.has(zone)) {
    return true;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  validTimeZones.add(zone);
  return true;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`)
    .join('; ');
}

function parseJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) {
    return {};
  }
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw QueryError.badQuery('[query] the query is not valid JSON');
  }
}

function timeWindow(query: DataQuery, timezone: string | undefined): TimeWindow {
  const { fromMs, toMs } = query.timeRange;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
    throw QueryError.badQuery(
      '[query] the time range is empty or inverted — pick a time range where "from" is before "to"'
    );
  }
  if (toMs - fromMs > MAX_RANGE_MS) {
    throw QueryError.badQuery('[query] the time range is longer than 5 years — pick a shorter range');
  }
  const zone = timezone && timezone !== 'browser' && timezone !== 'utc' ? timezone : 'UTC';
  if (!isValidTimeZone(zone)) {
    throw QueryError.badQuery(`[query] unknown time zone "${zone.slice(0, 60)}"`);
  }
  const maxDataPoints = query.maxDataPoints > 0 ? query.maxDataPoints : 1_000;
  const intervalMs = query.intervalMs > 0 ? query.intervalMs : (toMs - fromMs) / maxDataPoints;
  return { fromMs, toMs, bucketSeconds: bucketSeconds(intervalMs, toMs - fromMs), timezone: zone, maxDataPoints };
}

function planMetrics(refId: string, model: QueryModel, window: TimeWindow): MetricsPlan {
  const metric = findMetric(model.metric);
  if (!metric) {
    const name = (model.metric ?? '').slice(0, 100);
    throw QueryError.badQuery(
      name
        ? `[query] metric: unknown metric "${name}" — pick one from the metric list`
        : '[query] metric: choose a metric'
    );
  }
  const aggregation = model.aggregation ?? metric.defaultAggregation;
  if (!metric.aggregations.includes(aggregation)) {
    throw QueryError.badQuery(
      `[query] aggregation: ${metric.id} cannot be aggregated by ${aggregation} — use one of: ${metric.aggregations.join(', ')}`
    );
  }
  const fields = [
    ['groupBy', model.groupBy],
    ['filters', model.filters.map((f) => f.key)],
  ] as const;
  for (const [field, dimensions] of fields) {
    const unknown = dimensions.find((dimension) => !metric.dimensions.includes(dimension));
    if (unknown) {
      throw QueryError.badQuery(
        `[query] ${field}: ${metric.id} has no dimension "${unknown}" — it can be grouped and filtered by: ${metric.dimensions.join(', ') || 'nothing'}`
      );
    }
  }
  return {
    kind: 'metrics',
    refId,
    metric,
    aggregation,
    groupBy: [...new Set(model.groupBy)],
    filters: model.filters,
    format: model.format,
    live: model.live,
    legend: model.legend,
    window,
  };
}

/**
 * The query JSON of a DataQuery as an object. Grafana also sends the query type beside the JSON; a saved query
 * without one of its own (missing, null or "") takes it from there.
 */
function savedModelOf(query: DataQuery): Record<string, unknown> {
  const raw = parseJson(query.json);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw QueryError.badQuery('[query] the query must be a JSON object');
  }
  const model = { ...(raw as Record<string, unknown>) };
  if (model.queryType === null || model.queryType === '') {
    delete model.queryType;
  }
  if (model.queryType === undefined && query.queryType) {
    model.queryType = query.queryType;
  }
  return model;
}

/** The saved query of a DataQuery as the model means it (query.ts `readSavedQuery`), not yet validated. */
export function savedQueryOf(query: DataQuery): Record<string, unknown> {
  return readSavedQuery(savedModelOf(query));
}

/** The query model of a DataQuery, read and validated (defaults applied). Throws QueryError (400) naming fields. */
function queryModelOf(query: DataQuery): z.infer<typeof QueryEnvelope> {
  const parsed = QueryEnvelope.safeParse(savedModelOf(query));
  if (!parsed.success) {
    throw QueryError.badQuery(`[query] ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** Validates one query. Throws QueryError (400) describing the first problems found, each naming its field. */
export function planQuery(query: DataQuery): QueryPlan {
  const model = queryModelOf(query);
  const window = timeWindow(query, model.timezone);
  switch (model.queryType) {
    case 'metrics':
      return planMetrics(query.refId, model, window);
    case 'jobs':
      return planJobs(query.refId, model, window);
    case 'logs':
      return {
        kind: 'logs',
        refId: query.refId,
        search: model.search,
        filters: model.filters,
        limit: model.limit ?? 1_000,
        live: model.live,
        window,
      };
    case 'traces':
      if (!model.traceId?.trim()) {
        throw QueryError.badQuery('[query] traceId: enter a job id or trace id');
      }
      return { kind: 'traces', refId: query.refId, traceId: model.traceId.trim(), window };
    case 'sql':
      if (!model.rawSql?.trim()) {
        throw QueryError.badQuery('[query] rawSql: the SQL query is empty');
      }
      return {
        kind: 'sql',
        refId: query.refId,
        rawSql: model.rawSql,
        format: model.sqlFormat,
        window,
        intervalMs: query.intervalMs,
      };
    case 'variables':
      if (!model.dimension) {
        throw QueryError.badQuery('[query] dimension: choose the dimension whose values the variable lists');
      }
      return { kind: 'variables', refId: query.refId, dimension: model.dimension, filters: model.filters, window };
    case 'annotations':
      return {
        kind: 'annotations',
        refId: query.refId,
        sources: model.annotationSources?.length ? [...new Set(model.annotationSources)] : [...ANNOTATION_SOURCES],
        filters: model.filters,
        window,
      };
  }
}
