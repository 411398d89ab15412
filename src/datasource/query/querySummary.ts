import { findMetric, type MetricDescriptor } from '../../contract/metrics';
import { DEFAULT_JOB_ROWS, defaultJobSort, type Filter, type JobCondition } from '../../contract/query';
import type { LedgerQuery } from '../types';

/** `worker = w1`, `mode in (a, b)`. */
export function describeFilter(filter: Filter): string {
  const value = Array.isArray(filter.value) ? `(${filter.value.join(', ')})` : filter.value;
  return `${filter.key} ${filter.operator} ${value}`;
}

function whereClause(filters: Filter[] | undefined): string {
  const complete = (filters ?? []).filter((f) => (Array.isArray(f.value) ? f.value.length > 0 : f.value !== ''));
  return complete.length > 0 ? `, where ${complete.map(describeFilter).join(' and ')}` : '';
}

function metricsSummary(query: LedgerQuery, catalog: readonly MetricDescriptor[]): string {
  if (!query.metric) {
    return 'Choose a metric';
  }
  const metric = catalog.find((m) => m.id === query.metric) ?? findMetric(query.metric);
  const aggregation = query.aggregation ?? metric?.defaultAggregation ?? 'count';
  const groupBy = query.groupBy?.length ? ` by ${query.groupBy.join(', ')}` : '';
  const window = query.format === 'instant' ? ', over the whole time range' : ', per $__interval';
  const table = query.format === 'table' ? ' as a table' : '';
  const live = query.live ? ' (live)' : '';
  return `${aggregation} of ${query.metric}${groupBy}${whereClause(query.filters)}${window}${table}${live}`;
}

/** `duration_ms > 60000`. */
export function describeCondition(condition: JobCondition): string {
  return `${condition.field} ${condition.operator} ${condition.value}`;
}

function jobsSummary(query: LedgerQuery): string {
  const window = query.jobWindow ?? 'finished';
  const conditions = (query.jobConditions ?? []).map(describeCondition);
  const where = whereClause(query.filters);
  const and = conditions.length > 0 ? `${where ? ' and ' : ', where '}${conditions.join(' and ')}` : '';
  const sortBy = query.sortBy ?? defaultJobSort(window);
  const order = query.sortDesc === false ? 'ascending' : 'descending';
  return `jobs ${window} in the time range${where}${and}, by ${sortBy} ${order}, first ${query.limit ?? DEFAULT_JOB_ROWS}`;
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * One readable line saying what a query asks for, e.g. "count of job.completed by mode, where worker = w1, per
 * $__interval". The metrics builder shows it as its preview; Grafana shows it for collapsed queries and in query
 * history (`getQueryDisplayText`).
 */
export function summarizeQuery(query: LedgerQuery, catalog: readonly MetricDescriptor[] = []): string {
  switch (query.queryType ?? 'metrics') {
    case 'metrics':
      return metricsSummary(query, catalog);
    case 'jobs':
      return jobsSummary(query);
    case 'logs': {
      const search = query.search ? ` matching "${query.search}"` : '';
      const limit = query.limit ? `, newest ${query.limit}` : '';
      return `ledger events${search}${whereClause(query.filters)}${limit}${query.live ? ' (live tail)' : ''}`;
    }
    case 'traces':
      return query.traceId ? `trace of ${query.traceId}` : 'Enter a job id or trace id';
    case 'sql':
      return query.rawSql?.trim() ? `SQL: ${firstLine(query.rawSql)}` : 'Write a SQL query';
    case 'variables':
      return query.dimension ? `values of ${query.dimension}${whereClause(query.filters)}` : 'Choose a dimension';
    case 'annotations':
      return `annotations: ${query.annotationSources?.length ? query.annotationSources.join(', ') : 'all sources'}${whereClause(query.filters)}`;
  }
}
