/**
 * The zod schema of the query model (backend validation). The types in query.ts are the reference; the checks at
 * the bottom fail to compile when the two drift apart.
 */
import { z } from 'zod';

import {
  AGGREGATIONS,
  ANNOTATION_SOURCES,
  COMPARISON_OPERATORS,
  DIMENSIONS,
  FILTER_OPERATORS,
  FORMATS,
  JOB_NUMBER_FIELDS,
  JOB_SORT_FIELDS,
  JOB_WINDOWS,
  QUERY_LIMITS,
  QUERY_TYPES,
  SQL_FORMATS,
  readSavedQuery,
  type LedgerQueryInput,
  type LedgerQueryModel,
} from './query';

const text = z.string().max(QUERY_LIMITS.stringLength);

/** One filter on a dimension. */
export const FilterSchema = z.object({
  key: z.enum(DIMENSIONS),
  operator: z.enum(FILTER_OPERATORS),
  value: z.union([text, z.array(text).max(QUERY_LIMITS.filterValues)]),
});

/** One condition on a numeric job field. */
export const JobConditionSchema = z.object({
  field: z.enum(JOB_NUMBER_FIELDS),
  operator: z.enum(COMPARISON_OPERATORS),
  value: z.number(),
});

/** The query fields the datasource owns. Grafana's own fields (refId, datasource, hide, …) are ignored. */
export const LedgerQuerySchema = z.object({
  version: z.number().int().min(0).optional(),
  queryType: z.enum(QUERY_TYPES).default('metrics'),
  metric: z.string().max(100).optional(),
  aggregation: z.enum(AGGREGATIONS).optional(),
  groupBy: z.array(z.enum(DIMENSIONS)).max(QUERY_LIMITS.groupBy).default([]),
  filters: z.array(FilterSchema).max(QUERY_LIMITS.filters).default([]),
  format: z.enum(FORMATS).default('timeseries'),
  live: z.boolean().default(false),
  legend: z.string().max(200).optional(),
  search: text.optional(),
  limit: z.number().int().min(1).max(QUERY_LIMITS.logLines).optional(),
  jobConditions: z.array(JobConditionSchema).max(QUERY_LIMITS.jobConditions).optional(),
  jobWindow: z.enum(JOB_WINDOWS).optional(),
  sortBy: z.enum(JOB_SORT_FIELDS).optional(),
  sortDesc: z.boolean().optional(),
  traceId: z.string().max(200).optional(),
  rawSql: z.string().max(QUERY_LIMITS.rawSqlLength).optional(),
  sqlFormat: z.enum(SQL_FORMATS).default('table'),
  dimension: z.enum(DIMENSIONS).optional(),
  annotationSources: z.array(z.enum(ANNOTATION_SOURCES)).max(ANNOTATION_SOURCES.length).optional(),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Wraps a query schema so that it reads saved queries as the model means them (query.ts `readSavedQuery`: null is
 * unset, numeric strings are numbers, old versions are upgraded; Grafana's keys are then ignored by the schema).
 * Every field of the flat model gets this at once, so a new query type's fields need nothing more; a new numeric
 * field is listed in NUMERIC_QUERY_FIELDS. Problems that remain (wrong types, missing required fields) are
 * reported by the wrapped schema with the field's path.
 */
export function savedQuerySchema<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => (isRecord(value) ? readSavedQuery(value) : value), schema);
}

type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time: the schema's input and output types are interchangeable with the model's. */
export const QUERY_SCHEMA_MATCHES_MODEL: [
  Interchangeable<z.input<typeof LedgerQuerySchema>, LedgerQueryInput>,
  Interchangeable<z.output<typeof LedgerQuerySchema>, LedgerQueryModel>,
] = [true, true];
