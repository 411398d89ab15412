/**
 * Queries through the built executable as Grafana sends them (gRPC QueryData), with the Arrow frames decoded back
 * into the frame model the tests and the expression evaluator read.
 */
import path from 'node:path';

import { tableFromIPC } from 'apache-arrow';

import type { CheckedFrame } from '../../../src/backend/frames/frame';
import type { DataResponse } from '../../../src/backend/plugin/types';
import { dataQuery } from '../../support/grafanaRequests';
import { REPO_ROOT, type PluginUnderTest } from '../../support/pluginProcess';

const arch = process.arch === 'x64' ? 'amd64' : process.arch;
/** The executable `npm run build` makes for this machine. */
export const EXECUTABLE = path.join(REPO_ROOT, 'dist', 'datasource', `gpx_ledger_linux_${arch}`);

/** An Arrow IPC frame as the frame model the expression evaluator reads (meta, field types, labels, values). */
export function decodeFrame(bytes: Uint8Array): CheckedFrame {
  const table = tableFromIPC(bytes);
  const meta = JSON.parse(table.schema.metadata.get('meta') ?? '{}') as Record<string, unknown>;
  const fields = table.schema.fields.map((field, index) => {
    const column = table.getChildAt(index);
    const tstype = field.metadata.get('tstype');
    const labels = field.metadata.get('labels');
    const values = Array.from({ length: table.numRows }, (_, row) => {
      const value: unknown = column?.get(row);
      if (typeof value === 'bigint') {
        return tstype === 'time' ? Number(value / 1_000_000n) : Number(value);
      }
      return value ?? null;
    });
    return {
      name: field.name,
      type: tstype === 'time' ? 'time' : tstype === 'number' ? 'number' : 'string',
      nullable: field.nullable,
      labels: labels ? (JSON.parse(labels) as Record<string, string>) : undefined,
      values,
    };
  });
  return { name: table.schema.metadata.get('name') ?? '', meta, fields } as unknown as CheckedFrame;
}

/** One query of a QueryData call. */
export interface ExecutableQuery {
  refId: string;
  model: Record<string, unknown>;
  range: { from: number; to: number };
  intervalMs: number;
  maxDataPoints: number;
  /** Request headers, e.g. `FromAlert` for alert rule evaluations. */
  headers?: Record<string, string>;
}

/** Sends one query to the executable and returns its response with decoded frames (an error response as `error`). */
export async function queryExecutable(
  plugin: PluginUnderTest,
  pluginContext: unknown,
  query: ExecutableQuery
): Promise<DataResponse> {
  const response = await plugin.unary('data', 'QueryData', {
    pluginContext,
    headers: { 'X-Cache-Skip': 'true', ...query.headers },
    queries: [dataQuery(query.refId, query.model, query.range, query.intervalMs, query.maxDataPoints)],
  });
  const answer = response.responses[query.refId];
  if (!answer) {
    throw new Error(`${query.refId}: no response`);
  }
  const frames = (answer.frames as Buffer[]).map(decodeFrame);
  return (answer.status === 200 ? { frames } : { frames, error: { message: answer.error } }) as unknown as DataResponse;
}
