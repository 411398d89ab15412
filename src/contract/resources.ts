/**
 * Resource routes the backend serves under /api/datasources/uid/<uid>/resources/ — one definition for both the
 * editors and pages that call them and the backend that answers. All are GET and read-only.
 */
import type { MetricArea, MetricDescriptor } from './metrics';
import type { Dimension } from './query';

/** Paths (relative to the datasource's resources root). */
export const RESOURCE_PATHS = {
  /** The metrics catalog. */
  metrics: 'metrics',
  /** Values of one dimension: `dimensions/<dimension>/values?from=<ms>&to=<ms>&search=<text>&limit=<n>`. */
  dimensionValues: (dimension: Dimension) => `dimensions/${dimension}/values`,
  /** Tables and columns the SQL editor completes. */
  sqlSchema: 'sql/schema',
  /** One job: its state, totals and conversation: `jobs/<job id>`. */
  job: (jobId: string) => `jobs/${encodeURIComponent(jobId)}`,
} as const;

/** GET metrics */
export interface MetricsCatalogResponse {
  areas: readonly MetricArea[];
  metrics: readonly MetricDescriptor[];
}

/** GET dimensions/<dimension>/values — most frequent first, at most `limit` (default 100, max 1000). */
export interface DimensionValuesResponse {
  dimension: Dimension;
  values: string[];
}

/** GET sql/schema */
export interface SqlSchemaResponse {
  tables: Array<{
    name: string;
    description?: string;
    columns: Array<{ name: string; type: string; description?: string }>;
  }>;
  /** Macros the SQL editor offers, with a one-line description each. */
  macros: Array<{ name: string; signature: string; description: string }>;
}

/** One conversation message of a job. */
export interface JobMessage {
  at: string;
  role: string;
  conversationId: string;
  text?: string;
}

/** GET jobs/<id> — 404 with `{ error }` when the ledger has no such job. */
export interface JobDetailResponse {
  job: {
    id: string;
    status: string;
    mode: string | null;
    workerId: string | null;
    agent: string | null;
    traceId: string | null;
    createdAt: string | null;
    claimedAt: string | null;
    finishedAt: string | null;
    lastHeartbeatAt: string | null;
    attempts: number;
    durationMs: number | null;
    tokensUsed: number;
    tokenCap: number | null;
    costUsd: number;
    errorType: string | null;
  };
  totals: {
    llmCalls: number;
    toolCalls: number;
    errors: number;
    escalations: number;
    tokensIn: number;
    tokensOut: number;
  };
  messages: JobMessage[];
  /** Time range covering the job, for the trace and logs queries the page runs (epoch ms). */
  range: { from: number; to: number };
}

/** Error body of every resource. */
export interface ResourceError {
  error: string;
}
