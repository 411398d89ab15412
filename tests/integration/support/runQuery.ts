/**
 * Runs query JSON through the backend's query engine in-process (planQuery → executePlan) against a real database,
 * the same code QueryData runs, and reads frames back as plain series for assertions.
 */
import pg from 'pg';

import type { CheckedFrame, Frame } from '../../../src/backend/frames/frame';
import type { DataQuery } from '../../../src/backend/plugin/types';
import { executePlan, type ExecutionTarget } from '../../../src/backend/query/execute';
import { planQuery } from '../../../src/backend/query/plan';
import { parseSettings } from '../../../src/backend/settings/parseSettings';

/** An execution target (pool + settings) for a database URL; `close()` ends the pool. */
export function targetFor(
  url: string,
  jsonData: Record<string, unknown> = {}
): ExecutionTarget & { close(): Promise<void> } {
  const parsed = new URL(url);
  const settings = parseSettings({
    id: 1,
    uid: 'ledger-test',
    name: 'Ledger',
    url: `${parsed.hostname}:${parsed.port}`,
    user: decodeURIComponent(parsed.username),
    database: '',
    jsonData: { database: parsed.pathname.slice(1), sslmode: 'disable', ...jsonData },
    secureJsonData: { password: decodeURIComponent(parsed.password) },
    lastUpdatedMS: 1,
  });
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return { pool, settings, close: () => pool.end() };
}

/** Options of one query run. */
export interface RunOptions {
  from: number;
  to: number;
  intervalMs?: number;
  maxDataPoints?: number;
  refId?: string;
  signal?: AbortSignal;
}

/** Plans and executes one query JSON. */
export async function runQuery(
  target: ExecutionTarget,
  json: Record<string, unknown>,
  options: RunOptions
): Promise<CheckedFrame[]> {
  const query: DataQuery = {
    refId: options.refId ?? 'A',
    queryType: typeof json.queryType === 'string' ? json.queryType : '',
    maxDataPoints: options.maxDataPoints ?? 1_000,
    intervalMs: options.intervalMs ?? 60_000,
    timeRange: { fromMs: options.from, toMs: options.to },
    json: Buffer.from(JSON.stringify(json)),
  };
  return executePlan(planQuery(query), target, options.signal ?? new AbortController().signal);
}

/** A frame's series as labels + points, for timeseries-multi and numeric-multi frames. */
export interface FrameSeries {
  labels: Record<string, string>;
  points: Array<[number, number | null]>;
}

/** Reads timeseries-multi / numeric-multi frames back as series (numeric frames get time = `instantAt`). */
export function seriesOf(frames: readonly Frame[], instantAt = 0): FrameSeries[] {
  return frames
    .filter((frame) => frame.fields.length > 0)
    .map((frame) => {
      const time = frame.fields.find((f) => f.type === 'time');
      const value = frame.fields.find((f) => f.type === 'number')!;
      const values = Array.from(value.values as ArrayLike<number | null>);
      const times = time ? Array.from(time.values as ArrayLike<number>) : values.map(() => instantAt);
      return {
        labels: { ...(value.labels ?? {}) },
        points: times.map((t, i) => [t, values[i] ?? null] as [number, number | null]),
      };
    });
}

/** Sorts series by their labels so two lists can be compared. */
export function sortSeries<T extends { labels: Record<string, string> }>(series: T[]): T[] {
  const key = (s: T) => JSON.stringify(Object.entries(s.labels).sort());
  return [...series].sort((a, b) => key(a).localeCompare(key(b)));
}
