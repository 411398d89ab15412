/** GET metrics: the metrics catalog (contract/metrics.ts) for the metric picker. */
import { METRIC_AREAS, METRICS } from '../../../contract/metrics';
import type { MetricsCatalogResponse } from '../../../contract/resources';
import type { ResourceResponse } from '../types';
import { json } from './http';

/** Answers the metrics catalog route. */
export function metricsCatalog(): ResourceResponse {
  const body: MetricsCatalogResponse = { areas: METRIC_AREAS, metrics: METRICS };
  return json(200, body);
}
