/**
 * Requests and results in domain terms. protocol/ converts pluginv2 messages to and from these, so handlers never
 * see protobuf and can be tested without a gRPC server.
 */
import type { CheckedFrame } from '../frames/frame';
import type { QueryError } from '../errors';

/** The datasource instance a request is for, as Grafana sent it (secrets included; never log this). */
export interface DataSourceInstance {
  /** Deprecated numeric id; kept for logs. */
  id: number;
  uid: string;
  name: string;
  url: string;
  user: string;
  database: string;
  /** Raw jsonData object (validated later by parseSettings). */
  jsonData: unknown;
  /** Decrypted secrets. */
  secureJsonData: Readonly<Record<string, string>>;
  lastUpdatedMS: number;
}

/** Who and what a request is for. */
export interface RequestContext {
  orgId: number;
  pluginId: string;
  user?: { login: string; role: string };
  datasource?: DataSourceInstance;
  grafanaConfig: Readonly<Record<string, string>>;
  pluginVersion: string;
  userAgent: string;
}

/** One query of a QueryData call. */
export interface DataQuery {
  refId: string;
  queryType: string;
  maxDataPoints: number;
  intervalMs: number;
  timeRange: { fromMs: number; toMs: number };
  /** The whole query object the frontend sent, as raw JSON bytes (parsed per query so one bad query fails alone). */
  json: Uint8Array;
}

/** A QueryData call. */
export interface QueryDataRequest {
  context: RequestContext;
  /** Headers, keys as Grafana sent them (e.g. `FromAlert`, `http_X-Grafana-Org-Id`). */
  headers: Readonly<Record<string, string>>;
  queries: DataQuery[];
}

/** The result of one query: frames, or an error (frames may accompany an error). */
export interface DataResponse {
  frames: CheckedFrame[];
  error?: QueryError;
}

/** Health check outcome. */
export interface HealthResult {
  status: 'OK' | 'ERROR' | 'UNKNOWN';
  message: string;
  /** Shown by Grafana under the message; must be a JSON object. */
  details?: Record<string, unknown>;
}

/** A resource call (HTTP request proxied by Grafana). */
export interface ResourceRequest {
  context: RequestContext;
  /** Path after `/resources/`, no leading slash. */
  path: string;
  method: string;
  /** Query string parameters. */
  query: URLSearchParams;
  headers: Readonly<Record<string, readonly string[]>>;
  body: Uint8Array;
}

/** A resource response. */
export interface ResourceResponse {
  status: number;
  headers?: Record<string, string>;
  body: Uint8Array | string;
}

/** A stream request (SubscribeStream, RunStream, PublishStream). */
export interface StreamRequest {
  context: RequestContext;
  /** Channel path after `ds/<uid>/`. */
  path: string;
  /** JSON the subscriber attached, if any. */
  data: Uint8Array;
}

/** Outcome of SubscribeStream / PublishStream. */
export interface StreamDecision {
  status: 'OK' | 'NOT_FOUND' | 'PERMISSION_DENIED';
  /** Initial data (JSON) returned to the subscriber. */
  data?: Uint8Array | string;
}

/** Sends one packet (frame JSON) to Grafana Live; resolves when the transport accepted it. */
export type StreamSender = (json: string) => Promise<void>;

/** Everything the plugin does, in domain terms. protocol/server.ts adapts each method to its RPC. */
export interface PluginHandlers {
  queryData(request: QueryDataRequest, signal: AbortSignal): Promise<Map<string, DataResponse>>;
  checkHealth(context: RequestContext, signal: AbortSignal): Promise<HealthResult>;
  collectMetrics(context: RequestContext): Promise<string>;
  callResource(request: ResourceRequest, signal: AbortSignal): Promise<ResourceResponse>;
  subscribeStream(request: StreamRequest): Promise<StreamDecision>;
  runStream(request: StreamRequest, send: StreamSender, signal: AbortSignal): Promise<void>;
  publishStream(request: StreamRequest): Promise<StreamDecision>;
  /** Releases pools, listeners and timers; called on Shutdown. */
  close(): Promise<void>;
}
