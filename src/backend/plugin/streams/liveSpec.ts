/**
 * What a live stream computes, and how it is named on a Grafana Live channel (`ds/<uid>/<path>`).
 *
 * The path identifies the query: `live/j<base64url(spec as a JSON array)>` (or `live/z…` deflated, when that is
 * shorter) whenever it fits comfortably in a channel name (centrifuge limits client channels to 255 characters;
 * Grafana prefixes the org and datasource), so the stream survives a plugin restart. Longer queries get
 * `live/h<hash>` and are remembered in memory by the QueryData call that created them.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

import type { LedgerQueryInput } from '../../../contract/query';
import type { DataQuery } from '../types';

/** A live query: the query fields plus the shape of its sliding window. */
export interface LiveSpec {
  v: 1;
  query: LedgerQueryInput & { timezone?: string };
  /** Length of the sliding window (the panel's time range), ms. */
  rangeMs: number;
  intervalMs: number;
  maxDataPoints: number;
}

/** Longest path we put on a channel. */
export const MAX_PATH_LENGTH = 180;
const PREFIX = 'live/';
const registry = new Map<string, LiveSpec>();

/** The live spec of a query being answered by QueryData. */
export function liveSpecOf(query: DataQuery, model: LedgerQueryInput & { timezone?: string }): LiveSpec {
  const { queryType, metric, aggregation, groupBy, filters, format, legend, search, limit, timezone } = model;
  return {
    v: 1,
    query: { queryType, metric, aggregation, groupBy, filters, format, legend, search, limit, timezone, live: true },
    rangeMs: Math.max(1_000, query.timeRange.toMs - query.timeRange.fromMs),
    intervalMs: query.intervalMs,
    maxDataPoints: query.maxDataPoints,
  };
}

// Positional encoding keeps paths short: the query's fields in a fixed order, then the window.
const QUERY_KEYS = [
  'queryType',
  'metric',
  'aggregation',
  'groupBy',
  'filters',
  'format',
  'legend',
  'search',
  'limit',
  'timezone',
] as const;

function encode(spec: LiveSpec): string {
  const values: unknown[] = QUERY_KEYS.map((key) => spec.query[key] ?? null);
  while (values.length > 0 && values[values.length - 1] === null) {
    values.pop();
  }
  return JSON.stringify([spec.v, spec.rangeMs, spec.intervalMs, spec.maxDataPoints, ...values]);
}

function decode(json: string): LiveSpec | undefined {
  const array: unknown = JSON.parse(json);
  if (!Array.isArray(array) || array[0] !== 1) {
    return undefined;
  }
  const [, rangeMs, intervalMs, maxDataPoints, ...values] = array as unknown[];
  const query: Record<string, unknown> = { live: true };
  QUERY_KEYS.forEach((key, i) => {
    if (values[i] !== null && values[i] !== undefined) {
      query[key] = values[i];
    }
  });
  const numbers = [rangeMs, intervalMs, maxDataPoints];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    return undefined;
  }
  return {
    v: 1,
    query: query as LiveSpec['query'],
    rangeMs: rangeMs as number,
    intervalMs: intervalMs as number,
    maxDataPoints: maxDataPoints as number,
  };
}

/** Channel path for a spec (registers long specs in memory). */
export function pathOf(spec: LiveSpec): string {
  const json = encode(spec);
  const plain = `${PREFIX}j${Buffer.from(json).toString('base64url')}`;
  const deflated = `${PREFIX}z${deflateRawSync(json).toString('base64url')}`;
  const compact = plain.length <= deflated.length ? plain : deflated;
  if (compact.length <= MAX_PATH_LENGTH) {
    return compact;
  }
  const hashed = `${PREFIX}h${createHash('sha256').update(json).digest('hex').slice(0, 32)}`;
  registry.set(hashed, spec);
  return hashed;
}

/** The spec a path names, or undefined when the path is unknown or malformed. */
export function specOf(path: string): LiveSpec | undefined {
  if (!path.startsWith(PREFIX) || path.length > MAX_PATH_LENGTH + 10) {
    return undefined;
  }
  const token = path.slice(PREFIX.length);
  if (token.startsWith('h')) {
    return registry.get(path);
  }
  const kind = token[0];
  const body = token.slice(1);
  if ((kind !== 'j' && kind !== 'z') || !/^[A-Za-z0-9_-]+$/.test(body)) {
    return undefined;
  }
  try {
    const bytes = Buffer.from(body, 'base64url');
    const json =
      kind === 'z' ? inflateRawSync(bytes, { maxOutputLength: 64 * 1024 }).toString('utf8') : bytes.toString('utf8');
    return decode(json);
  } catch {
    return undefined;
  }
}

/** The DataQuery a spec stands for, with its window ending at `nowMs`. */
export function queryAt(spec: LiveSpec, nowMs: number): DataQuery {
  return {
    refId: 'A',
    queryType: spec.query.queryType ?? 'metrics',
    intervalMs: spec.intervalMs,
    maxDataPoints: spec.maxDataPoints,
    timeRange: { fromMs: nowMs - spec.rangeMs, toMs: nowMs },
    json: Buffer.from(JSON.stringify({ ...spec.query, live: false })),
  };
}
