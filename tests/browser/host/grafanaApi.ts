/**
 * The few Grafana HTTP APIs the frontend calls, answered the way Grafana answers them, by calling the real plugin
 * executable over gRPC:
 *   POST /api/ds/query                          → QueryData; the answer's protobuf bytes turned into Grafana's
 *                                                 status and body by Grafana's Go SDK (dsQueryHop.ts)
 *   GET  /api/datasources/uid/:uid/resources/*  → CallResource
 *   GET  /api/datasources/uid/:uid/health       → CheckHealth
 */
import type { Client, MethodDefinition } from '@grpc/grpc-js';

import { dataQuery } from '../../support/grafanaRequests';
import type { PluginUnderTest } from '../../support/pluginProcess';
import type { StoredDatasource } from './datasourceStore';
import type { DsQueryHop } from './dsQueryHop';

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

/**
 * QueryData over gRPC, keeping the answer as the bytes the plugin sent: Grafana's Go client decodes exactly those,
 * while a message decoded here and encoded again would carry protobufjs's reading of it (defaults, int64 as Number).
 */
function queryDataBytes(plugin: PluginUnderTest, request: unknown): Promise<Buffer> {
  const client: Client = plugin.clients.data;
  const method = (client.constructor as unknown as { service: Record<string, MethodDefinition<unknown, unknown>> })
    .service.QueryData!;
  const keepBytes = (bytes: Buffer) => bytes;
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      keepBytes,
      request,
      { deadline: new Date(Date.now() + 30_000) },
      (error, bytes) => (error || !bytes ? reject(error ?? new Error('QueryData: no answer')) : resolve(bytes))
    )
  );
}

/**
 * POST /api/ds/query: the status and body Grafana writes (200, or 400 when a query failed; frames as the SDK's
 * frame JSON), produced from the plugin's answer by Grafana's Go SDK.
 */
export async function queryData(
  plugin: PluginUnderTest,
  hop: DsQueryHop,
  datasource: StoredDatasource,
  body: QueryBody
): Promise<ApiAnswer> {
  const range = { from: Number(body.from ?? Date.now() - 3_600_000), to: Number(body.to ?? Date.now()) };
  const queries = body.queries.map((query) =>
    dataQuery(query.refId, query, range, query.intervalMs ?? 60_000, query.maxDataPoints ?? 1_000)
  );
  const answer = await hop.answer(
    await queryDataBytes(plugin, { pluginContext: pluginContextOf(datasource), queries })
  );
  return { status: answer.status, body: answer.body, contentType: 'application/json' };
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
