/**
 * Wire shapes of the pluginv2 messages as @grpc/proto-loader decodes them with our options
 * (keepCase, longs as Number, enums as String, defaults filled in, bytes as Buffer).
 * Only protocol/ sees these; handlers get the domain types of plugin/types.ts.
 */

/** pluginv2.DataSourceInstanceSettings */
export interface WireDataSourceSettings {
  id: number;
  name: string;
  url: string;
  user: string;
  database: string;
  basicAuthEnabled: boolean;
  basicAuthUser: string;
  jsonData: Buffer;
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
  uid: string;
  apiVersion: string;
}

/** pluginv2.AppInstanceSettings */
export interface WireAppSettings {
  jsonData: Buffer;
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
}

/** pluginv2.User */
export interface WireUser {
  login: string;
  name: string;
  email: string;
  role: string;
}

/** pluginv2.PluginContext */
export interface WirePluginContext {
  orgId: number;
  pluginId: string;
  user: WireUser | null;
  appInstanceSettings: WireAppSettings | null;
  dataSourceInstanceSettings: WireDataSourceSettings | null;
  grafanaConfig: Record<string, string>;
  pluginVersion: string;
  userAgent: string;
}

/** pluginv2.DataQuery */
export interface WireDataQuery {
  refId: string;
  maxDataPoints: number;
  intervalMS: number;
  timeRange: { fromEpochMS: number; toEpochMS: number } | null;
  json: Buffer;
  queryType: string;
}

/** pluginv2.QueryDataRequest */
export interface WireQueryDataRequest {
  pluginContext: WirePluginContext | null;
  headers: Record<string, string>;
  queries: WireDataQuery[];
}

/** pluginv2.DataResponse */
export interface WireDataResponse {
  frames: Uint8Array[];
  error: string;
  status: number;
  errorSource: string;
}

/** pluginv2.CheckHealthRequest */
export interface WireCheckHealthRequest {
  pluginContext: WirePluginContext | null;
  headers: Record<string, string>;
}

/** pluginv2.CheckHealthResponse */
export interface WireCheckHealthResponse {
  status: 'UNKNOWN' | 'OK' | 'ERROR';
  message: string;
  jsonDetails?: Buffer;
}

/** pluginv2.CallResourceRequest */
export interface WireCallResourceRequest {
  pluginContext: WirePluginContext | null;
  path: string;
  method: string;
  url: string;
  headers: Record<string, { values: string[] }>;
  body: Buffer;
}

/** pluginv2.CallResourceResponse */
export interface WireCallResourceResponse {
  code: number;
  headers: Record<string, { values: string[] }>;
  body: Buffer;
}

/** pluginv2.SubscribeStreamRequest, RunStreamRequest and PublishStreamRequest share this shape. */
export interface WireStreamRequest {
  pluginContext: WirePluginContext | null;
  path: string;
  data: Buffer;
  headers: Record<string, string>;
}
