import type { MetricDescriptor } from '../../../contract/metrics';
import type { LedgerQuery } from '../../types';

/**
 * The query after choosing another metric: the aggregation, group-by, filters and format the new metric cannot
 * take are replaced or dropped (the backend would reject them), everything else is kept.
 */
export function applyMetricChange(query: LedgerQuery, metric: MetricDescriptor): LedgerQuery {
  const aggregation =
    query.aggregation && metric.aggregations.includes(query.aggregation)
      ? query.aggregation
      : metric.defaultAggregation;
  const groupBy = (query.groupBy ?? []).filter((dimension) => metric.dimensions.includes(dimension));
  const filters = (query.filters ?? []).filter((filter) => metric.dimensions.includes(filter.key));
  const formats = metric.formats ?? ['timeseries', 'table', 'instant'];
  const format = query.format && formats.includes(query.format) ? query.format : formats[0];
  return { ...query, metric: metric.id, aggregation, groupBy, filters, format };
}
