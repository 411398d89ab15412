/**
 * Typed wrappers over the backend's resource routes (src/contract/resources.ts), one function per route. Resource
 * calls never pop up Grafana's error toast: each caller decides how to degrade (a missing route means an older
 * backend, and the editor still works without suggestions).
 */
import type { BackendSrvRequest } from '@grafana/runtime';

import { METRIC_AREAS, METRICS, type MetricArea, type MetricDescriptor } from '../../contract/metrics';
import type { Dimension } from '../../contract/query';
import {
  RESOURCE_PATHS,
  type DimensionValuesResponse,
  type JobDetailResponse,
  type MetricsCatalogResponse,
  type SqlSchemaResponse,
} from '../../contract/resources';

/** The part of DataSourceWithBackend these functions use. */
export interface ResourceClient {
  getResource<T = unknown>(
    path: string,
    params?: Record<string, unknown>,
    options?: Partial<BackendSrvRequest>
  ): Promise<T>;
}

const QUIET: Partial<BackendSrvRequest> = { showErrorAlert: false, showSuccessAlert: false };

/** HTTP status of a failed resource call, if it has one. */
export function resourceErrorStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
    ? error.status
    : undefined;
}

/** The words of a failed resource call: the backend's `{ error }`, else the HTTP status text, else the message. */
export function resourceErrorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const data = 'data' in error ? (error.data as { error?: unknown; message?: unknown } | undefined) : undefined;
    if (typeof data?.error === 'string') {
      return data.error;
    }
    if (typeof data?.message === 'string') {
      return data.message;
    }
    if ('statusText' in error && typeof error.statusText === 'string' && error.statusText) {
      return `${resourceErrorStatus(error) ?? ''} ${error.statusText}`.trim();
    }
    if (error instanceof Error) {
      return error.message;
    }
  }
  return String(error);
}

/** The metrics catalog, and whether it came from the backend or from the catalog built into the frontend. */
export interface MetricsCatalog {
  areas: readonly MetricArea[];
  metrics: readonly MetricDescriptor[];
  source: 'backend' | 'builtin';
}

/** The frontend's own copy of the catalog: what the editor offers when the backend cannot be asked. */
export const BUILTIN_CATALOG: MetricsCatalog = { areas: METRIC_AREAS, metrics: METRICS, source: 'builtin' };

/** GET metrics; falls back to the built-in catalog when the call fails. */
export async function fetchMetricsCatalog(client: ResourceClient): Promise<MetricsCatalog> {
  try {
    const response = await client.getResource<MetricsCatalogResponse>(RESOURCE_PATHS.metrics, undefined, QUIET);
    if (!Array.isArray(response?.metrics) || response.metrics.length === 0) {
      return BUILTIN_CATALOG;
    }
    return { areas: response.areas ?? METRIC_AREAS, metrics: response.metrics, source: 'backend' };
  } catch {
    return BUILTIN_CATALOG;
  }
}

/** Values of a dimension for suggestions; `available` is false when the backend has no such route (yet) or failed. */
export interface DimensionValues {
  values: string[];
  available: boolean;
}

/** GET dimensions/<dimension>/values?from&to&search&limit. */
export async function fetchDimensionValues(
  client: ResourceClient,
  dimension: Dimension,
  range: { from: number; to: number },
  search = '',
  limit = 100
): Promise<DimensionValues> {
  try {
    const params: Record<string, unknown> = { from: range.from, to: range.to, limit };
    if (search) {
      params.search = search;
    }
    const response = await client.getResource<DimensionValuesResponse>(
      RESOURCE_PATHS.dimensionValues(dimension),
      params,
      QUIET
    );
    return { values: Array.isArray(response?.values) ? response.values : [], available: true };
  } catch {
    return { values: [], available: false };
  }
}

/** GET sql/schema; undefined when the backend cannot say (the SQL editor then completes macros only). */
export async function fetchSqlSchema(client: ResourceClient): Promise<SqlSchemaResponse | undefined> {
  try {
    const response = await client.getResource<SqlSchemaResponse>(RESOURCE_PATHS.sqlSchema, undefined, QUIET);
    return Array.isArray(response?.tables) ? response : undefined;
  } catch {
    return undefined;
  }
}

/** GET jobs/<id>; throws an Error carrying the backend's words (e.g. no such job). */
export async function fetchJob(client: ResourceClient, jobId: string): Promise<JobDetailResponse> {
  try {
    return await client.getResource<JobDetailResponse>(RESOURCE_PATHS.job(jobId), undefined, QUIET);
  } catch (error) {
    throw new Error(resourceErrorMessage(error));
  }
}
