/**
 * The few Grafana HTTP APIs the frontend calls, answered the way Grafana answers them, by calling the real plugin
 * executable over gRPC:
 *   POST /api/ds/query                          → QueryData; Arrow frames re-encoded as Grafana's frame JSON
 *   GET  /api/datasources/uid/:uid/resources/*  → CallResource
 *   GET  /api/datasources/uid/:uid/health       → CheckHealth
 */
import { checkFrame, fromArrowIpc, toFrameJson } from '../../../src/backend/frames';
import { dataQuery } from '../../support/grafanaRequests';
import type { PluginUnderTest } from '../../support/pluginProcess';
import type { StoredDatasource } from './datasourceStore';

/** An HTTP answer: status and a JSON body (or raw bytes with their content type). */
export interface ApiAnswer {
  status: number;
  body: unknown;
  contentType?: string;
}

/** The PluginContext Grafana sends for a stored datasource (decrypted secrets included, as Grafana does). */
export function pluginContextOf(datasource: StoredDatasource) {
  return {
    orgId: 1,
    pluginId: 'aicodeteam-ledger-datasource',
    user: { login: 'admin', name: 'Admin', email: 'admin@example.com', role: 'Admin' },
    dataSourceInstanceSettings: {
      id: datasource.id,
      uid: datasource.uid,
      name: datasource.name,
      url: datasource.url,
      user: datasource.user,
      database: '',
      jsonData: Buffer.from(JSON.stringify(datasource.jsonData)),
      decryptedSecureJsonData: datasource.secureJsonData,
      lastUpdatedMS: datasource.updated,
    },
    grafanaConfig: {},
    pluginVersion: '0.1.0',
    userAgent: 'Grafana/12.4.0 (linux; amd64)',
  };
}

interface QueryBody {
  queries: Array<Record<string, unknown> & { refId: string; intervalMs?: number; maxDataPoints?: number }>;
  from?: string;
  to?: string;
}

interface WireDataResponse {
  frames?: Buffer[];
  error?: string;
  status?: number;
  errorSource?: string;
}

/** POST /api/ds/query: 200 when every query succeeded, 400 when one failed (Grafana without multi-status). */
export async function queryData(
  plugin: PluginUnderTest,
  datasource: StoredDatasource,
  body: QueryBody
): Promise<ApiAnswer> {
  const range = { from: Number(body.from ?? Date.now() - 3_600_000), to: Number(body.to ?? Date.now()) };
  const queries = body.queries.map((query) =>
    dataQuery(query.refId, query, range, query.intervalMs ?? 60_000, query.maxDataPoints ?? 1_000)
  );
  const response = await plugin.unary<{ responses: Record<string, WireDataResponse> }>('data', 'QueryData', {
    pluginContext: pluginContextOf(datasource),
    queries,
  });
  const results: Record<string, unknown> = {};
  let failed = false;
  for (const [refId, result] of Object.entries(response.responses ?? {})) {
    const entry: Record<string, unknown> = { status: result.status || 200 };
    if (result.error) {
      failed = true;
      entry.error = result.error;
      if (result.errorSource) {
        entry.errorSource = result.errorSource;
      }
    }
    entry.frames = (result.frames ?? []).map((bytes) =>
      JSON.parse(toFrameJson(checkFrame(fromArrowIpc(new Uint8Array(bytes)))))
    );
    results[refId] = entry;
  }
  return { status: failed ? 400 : 200, body: { results } };
}

/** GET /api/datasources/uid/:uid/resources/<path>?<query>. */
export async function callResource(
  plugin: PluginUnderTest,
  datasource: StoredDatasource,
  path: string,
  search: string
): Promise<ApiAnswer> {
  const messages = await plugin.collect<{ code: number; headers: Record<string, { values: string[] }>; body: Buffer }>(
    'resource',
    'CallResource',
    {
      pluginContext: pluginContextOf(datasource),
      path,
      method: 'GET',
      url: `${path}${search}`,
      headers: {},
      body: Buffer.alloc(0),
    }
  );
  const first = messages[0];
  const contentType =
    first?.headers?.['Content-Type']?.values?.[0] ??
    first?.headers?.['content-type']?.values?.[0] ??
    'application/json';
  const bytes = Buffer.concat(messages.map((message) => Buffer.from(message.body ?? [])));
  return { status: first?.code || 500, body: bytes, contentType };
}

/** GET /api/datasources/uid/:uid/health: 200 with {status: OK} or 400 with the error (Grafana's mapping). */
export async function checkHealth(plugin: PluginUnderTest, datasource: StoredDatasource): Promise<ApiAnswer> {
  const result = await plugin.unary<{ status: string; message: string; jsonDetails?: Buffer }>(
    'diagnostics',
    'CheckHealth',
    {
      pluginContext: pluginContextOf(datasource),
    }
  );
  let details: unknown;
  if (result.jsonDetails && result.jsonDetails.length > 0) {
    try {
      details = JSON.parse(Buffer.from(result.jsonDetails).toString('utf8'));
    } catch {
      details = undefined;
    }
  }
  const body = { status: result.status, message: result.message, ...(details === undefined ? {} : { details }) };
  return { status: result.status === 'OK' ? 200 : 400, body };
}
