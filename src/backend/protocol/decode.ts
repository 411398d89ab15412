/** pluginv2 wire messages → domain requests. Malformed input becomes a ProtocolError, never a crash. */
import { ProtocolError } from '../errors';
import type {
  DataQuery,
  DataSourceInstance,
  QueryDataRequest,
  RequestContext,
  ResourceRequest,
  StreamRequest,
} from '../plugin/types';
import type {
  WireCallResourceRequest,
  WireDataQuery,
  WireDataSourceSettings,
  WirePluginContext,
  WireQueryDataRequest,
  WireStreamRequest,
} from './wire';

const EMPTY = new Uint8Array(0);

function parseJsonObject(bytes: Uint8Array | undefined | null): unknown {
  if (!bytes || bytes.length === 0) {
    return {};
  }
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    // Invalid jsonData is reported by settings validation as "jsonData is not a JSON object".
    return { __invalid__: true };
  }
}

function decodeDataSource(wire: WireDataSourceSettings): DataSourceInstance {
  return {
    id: Number(wire.id) || 0,
    uid: String(wire.uid ?? ''),
    name: String(wire.name ?? ''),
    url: String(wire.url ?? ''),
    user: String(wire.user ?? ''),
    database: String(wire.database ?? ''),
    jsonData: parseJsonObject(wire.jsonData),
    secureJsonData: { ...(wire.decryptedSecureJsonData ?? {}) },
    lastUpdatedMS: Number(wire.lastUpdatedMS) || 0,
  };
}

/** Decodes the plugin context every call carries. */
export function decodeContext(wire: WirePluginContext | null | undefined): RequestContext {
  if (!wire) {
    throw new ProtocolError('request has no plugin context');
  }
  return {
    orgId: Number(wire.orgId) || 0,
    pluginId: String(wire.pluginId ?? ''),
    user: wire.user ? { login: String(wire.user.login ?? ''), role: String(wire.user.role ?? '') } : undefined,
    datasource: wire.dataSourceInstanceSettings ? decodeDataSource(wire.dataSourceInstanceSettings) : undefined,
    grafanaConfig: { ...(wire.grafanaConfig ?? {}) },
    pluginVersion: String(wire.pluginVersion ?? ''),
    userAgent: String(wire.userAgent ?? ''),
  };
}

function decodeQuery(wire: WireDataQuery): DataQuery {
  return {
    refId: String(wire.refId ?? ''),
    queryType: String(wire.queryType ?? ''),
    maxDataPoints: Number(wire.maxDataPoints) || 0,
    intervalMs: Number(wire.intervalMS) || 0,
    timeRange: {
      fromMs: Number(wire.timeRange?.fromEpochMS) || 0,
      toMs: Number(wire.timeRange?.toEpochMS) || 0,
    },
    json: wire.json ?? EMPTY,
  };
}

/** Decodes QueryDataRequest. Per-query problems (bad JSON, no time range) are left to the query planner. */
export function decodeQueryDataRequest(wire: WireQueryDataRequest): QueryDataRequest {
  return {
    context: decodeContext(wire.pluginContext),
    headers: { ...(wire.headers ?? {}) },
    queries: (wire.queries ?? []).map(decodeQuery),
  };
}

/** Decodes CallResourceRequest; the query string comes from `url` (path + ?query). */
export function decodeResourceRequest(wire: WireCallResourceRequest): ResourceRequest {
  const url = String(wire.url ?? '');
  const queryStart = url.indexOf('?');
  const headers: Record<string, readonly string[]> = {};
  for (const [key, list] of Object.entries(wire.headers ?? {})) {
    headers[key] = [...(list?.values ?? [])];
  }
  return {
    context: decodeContext(wire.pluginContext),
    path: String(wire.path ?? '').replace(/^\/+/, ''),
    method: String(wire.method ?? 'GET').toUpperCase(),
    query: new URLSearchParams(queryStart >= 0 ? url.slice(queryStart + 1) : ''),
    headers,
    body: wire.body ?? EMPTY,
  };
}

/** Decodes Subscribe/Run/PublishStream requests. */
export function decodeStreamRequest(wire: WireStreamRequest): StreamRequest {
  return {
    context: decodeContext(wire.pluginContext),
    path: String(wire.path ?? ''),
    data: wire.data ?? EMPTY,
  };
}
